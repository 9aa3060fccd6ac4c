//! The `lspplus` command: gateway, demo, command-line PGO and operator tools.

#![forbid(unsafe_code)]

fn main() -> anyhow::Result<()> {
    Ok(())
}
