//! The `lspplus translate` subcommand.

use std::process::ExitCode;

/// Options of `lspplus translate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `lspplus translate`.
pub async fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("lspplus translate is not built yet")
}
