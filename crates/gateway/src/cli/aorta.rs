//! The `lspplus aorta` subcommands.

use std::process::ExitCode;

/// Subcommands of `lspplus aorta`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {}

/// Runs one `lspplus aorta` subcommand.
pub async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {}
}
