//! The `lspplus` command: gateway, demo, command-line PGO and operator tools.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

/// lspplus: a MedMij DVZA that serves GP data from the LSP to PGOs.
#[derive(Debug, Parser)]
#[command(name = "lspplus", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the gateway with every simulator on loopback, on the embedded defaults.
    Demo(cli::demo::Args),
    /// Run the MedMij flow as a PGO against a running demo.
    #[command(subcommand)]
    Pgo(cli::pgo::Command),
    /// Translate one HL7v3 answer file to a FHIR Bundle.
    Translate(cli::translate::Args),
    /// Operator tools for the LSP connection.
    #[command(subcommand)]
    Aorta(cli::aorta::Command),
    /// Run the Nictiz qualification TestScripts against a DVZA.
    Qualify(cli::qualify::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: failed to start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Demo(args) => cli::demo::run(args).await,
            Command::Pgo(command) => cli::pgo::run(command).await,
            Command::Translate(args) => cli::translate::run(args).await,
            Command::Aorta(command) => cli::aorta::run(command).await,
            Command::Qualify(args) => cli::qualify::run(args).await,
        }
    });
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {}", describe(&error));
            ExitCode::FAILURE
        }
    }
}

/// Joins an error and its causes, leaving out a cause whose text the message already contains:
/// several library errors repeat their source in their own message.
fn describe(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}
