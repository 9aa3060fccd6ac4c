//! The `lspplus aorta` subcommands: operator tools for the LSP connection.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use common::{Bsn, SystemClock};
use hl7v3::Interaction;

/// Subcommands of `lspplus aorta`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print the complete signed SOAP request of one query, without sending it.
    Query(QueryArgs),
}

/// Options of `lspplus aorta query`.
#[derive(Debug, clap::Args)]
pub struct QueryArgs {
    /// Query interaction id, e.g. REPC_IN990110NL (episodes) or QUCO_IN990001NL01 (documents).
    #[arg(long)]
    pub interaction: String,
    /// BSN of the patient (nine digits that pass the 11-test).
    #[arg(long)]
    pub bsn: String,
    /// AORTA application id of the GP system the query is addressed to.
    #[arg(long, default_value = "4001")]
    pub his: String,
    /// Gateway configuration file; without it the demo settings and demo certificates are used.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Directory of the demo PKI (created when missing); without it a temporary directory is used.
    /// Ignored with --config.
    #[arg(long, value_name = "DIR")]
    pub pki_dir: Option<PathBuf>,
    /// LSP endpoint written into the demo settings. Ignored with --config.
    #[arg(long, default_value = "https://lsp.localhost:8446/aorta")]
    pub lsp_url: String,
}

/// Runs one `lspplus aorta` subcommand.
pub async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Query(args) => query(args),
    }
}

fn query(args: QueryArgs) -> anyhow::Result<ExitCode> {
    let interaction = Interaction::from_id(&args.interaction)
        .filter(|i| i.is_query() && *i != Interaction::GenericQuery)
        .with_context(|| {
            format!(
                "{} is not a supported query interaction; use one of {}",
                args.interaction,
                Interaction::all()
                    .filter(|i| i.is_query() && *i != Interaction::GenericQuery)
                    .map(Interaction::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
    let bsn = Bsn::parse(&args.bsn).map_err(|e| anyhow::anyhow!("invalid --bsn: {e}"))?;

    let config = match (&args.config, &args.pki_dir) {
        (Some(path), _) => config_from_file(path)?,
        (None, Some(dir)) => demo_config(dir, &args.lsp_url)?,
        (None, None) => {
            let dir =
                std::env::temp_dir().join(format!("lspplus-pki-{}", uuid::Uuid::new_v4().simple()));
            let config = demo_config(&dir, &args.lsp_url);
            // The keys are only needed to sign this one request.
            let _ = std::fs::remove_dir_all(&dir);
            config?
        }
    };
    let client = aorta::Client::new(config, Arc::new(SystemClock))?;
    let his = aorta::HisTarget {
        app_id: args.his.clone(),
        name: format!("application {}", args.his),
    };
    let request = client.build_request(&his, interaction, &bsn, None)?;
    print!("{}", request.xml);
    Ok(ExitCode::SUCCESS)
}

/// Reads the `[aorta]` settings and certificate files of a gateway configuration.
fn config_from_file(path: &std::path::Path) -> anyhow::Result<aorta::AortaConfig> {
    let config = gateway::Config::from_file(path)?;
    let settings = &config.aorta;
    let identity = tls::Identity::from_files(&settings.client_cert, &settings.client_key)?;
    let signing = tls::Identity::from_files(&settings.signing_cert, &settings.signing_key)?;
    let roots = std::fs::read_to_string(&config.tls.outgoing_roots)
        .with_context(|| format!("cannot read {}", config.tls.outgoing_roots.display()))?;
    let mut aorta_config = aorta::AortaConfig::demo(&settings.lsp_url, &roots, identity, signing);
    aorta_config.app_id = settings.app_id.clone();
    aorta_config.uzi_system_number = settings.uzi_system_number.clone();
    aorta_config.ura = settings.ura.clone();
    aorta_config.org_name = settings.org_name.clone();
    Ok(aorta_config)
}

/// Builds the demo settings with the gateway certificates of the demo PKI in `pki_dir`.
fn demo_config(pki_dir: &std::path::Path, lsp_url: &str) -> anyhow::Result<aorta::AortaConfig> {
    let pki = tls::pki::TestPki::load_or_generate(pki_dir)?;
    let identity = pki.issue_server("lspplus.localhost")?;
    let signing = pki.issue_signing("lspplus.localhost")?;
    Ok(aorta::AortaConfig::demo(
        lsp_url,
        pki.ca_pem(),
        identity,
        signing,
    ))
}
