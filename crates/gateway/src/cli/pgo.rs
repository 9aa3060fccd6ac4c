//! The `lspplus pgo` subcommands.

use std::process::ExitCode;

/// Subcommands of `lspplus pgo`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {}

/// Runs one `lspplus pgo` subcommand.
pub async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {}
}
