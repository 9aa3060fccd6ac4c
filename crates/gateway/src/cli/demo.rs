//! The `lspplus demo` subcommand.

use std::process::ExitCode;

/// Options of `lspplus demo`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `lspplus demo`.
pub async fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("lspplus demo is not built yet")
}
