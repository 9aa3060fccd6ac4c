//! The `lspplus demo` subcommand: every simulator and the gateway on loopback, until Ctrl-C.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use common::{Clock, SystemClock};

use super::stack::{Stack, StackOptions};

/// Options of `lspplus demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory for the demo PKI and database, kept across restarts (default: a new temporary directory).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Directory of real HIS answer files to serve instead of the synthetic demo patients.
    #[arg(long, value_name = "DIR")]
    his_data: Option<PathBuf>,
    /// Write every URL of the running demo as JSON to this file once everything listens.
    #[arg(long, value_name = "PATH")]
    endpoints_file: Option<PathBuf>,
    /// First of the 8 consecutive ports the demo uses; 0 picks free ephemeral ports.
    #[arg(long, value_name = "N", default_value_t = sim::DEFAULT_PORT_BASE)]
    port_base: u16,
}

/// Runs `lspplus demo`.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    init_logging();
    let temp_dir;
    let data_dir = match &args.data_dir {
        Some(dir) => dir.clone(),
        None => {
            temp_dir = tempfile::tempdir().context("creating a temporary data directory")?;
            temp_dir.path().to_owned()
        }
    };
    if let Some(dir) = &args.his_data
        && !dir.is_dir()
    {
        anyhow::bail!("--his-data {} is not a directory", dir.display());
    }

    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let stack = Stack::start(StackOptions {
        data_dir: data_dir.clone(),
        port_base: args.port_base,
        his_data: args.his_data.clone(),
        clock,
    })
    .await?;
    let (sims, config) = (&stack.sims, &stack.config);

    let endpoints = endpoints_json(sims, config);
    if let Some(path) = &args.endpoints_file {
        let text = serde_json::to_string_pretty(&endpoints)?;
        std::fs::write(path, text)
            .with_context(|| format!("writing the endpoints file {}", path.display()))?;
    }
    print_summary(sims, config, &data_dir);

    wait_for_stop_signal().await?;
    println!("\nStopping...");
    stack.stop().await;
    if let Some(path) = &args.endpoints_file {
        // The file names URLs and a CA path that no longer exist once the demo stops.
        let _ = std::fs::remove_file(path);
    }
    Ok(ExitCode::SUCCESS)
}

/// Waits for Ctrl-C or SIGTERM, so a service manager's stop also removes the temporary folder with
/// the demo's private keys.
async fn wait_for_stop_signal() -> anyhow::Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("listening for SIGTERM")?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result.context("waiting for Ctrl-C")?,
        _ = terminate.recv() => {}
    }
    Ok(())
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Collects every URL of the demo, for scripts and the browser tests.
fn endpoints_json(sims: &sim::RunningSims, config: &gateway::Config) -> serde_json::Value {
    let mut value = sims.endpoints_json();
    let practice = &config.practices[0];
    let fhir_bases: serde_json::Map<String, serde_json::Value> = config
        .practices
        .iter()
        .flat_map(|practice| {
            practice.gegevensdiensten.iter().map(move |id| {
                (
                    format!("{}/{id}", practice.short_name()),
                    serde_json::Value::String(format!(
                        "{}/fhir/{}/{id}",
                        config.listeners.back_url,
                        practice.short_name()
                    )),
                )
            })
        })
        .collect();
    let lists: serde_json::Map<String, serde_json::Value> = medmij::lists::ListKind::ALL
        .iter()
        .map(|kind| {
            (
                kind.as_str().to_owned(),
                serde_json::Value::String(format!(
                    "{}/{}?api={}",
                    config.lists.stelselnode_url,
                    kind.file_name(),
                    config.lists.api
                )),
            )
        })
        .collect();
    let gateway = serde_json::json!({
        "front_channel": config.listeners.front_url,
        "authorize": format!("{}/oauth/authorize", config.listeners.front_url),
        "back_channel": config.listeners.back_url,
        "token": format!("{}/oauth/token", config.listeners.back_url),
        "fhir_bases": fhir_bases,
        "admin": config.listeners.admin_url,
        "health": format!("{}/health", config.listeners.admin_url),
        "metrics": format!("{}/metrics", config.listeners.admin_url),
        "stelselnode_lists": lists,
        "demo_practice": practice.medmij_naam,
        "practices": config.practices.iter().map(|p| p.medmij_naam.clone()).collect::<Vec<_>>(),
        "ca_cert": sims.ca_path,
    });
    if let Some(object) = value.as_object_mut() {
        object.insert("gateway".to_owned(), gateway);
    }
    value
}

fn print_summary(sims: &sim::RunningSims, config: &gateway::Config, data_dir: &std::path::Path) {
    let practice = &config.practices[0];
    println!("lspplus demo is running (stop with Ctrl-C)\n");
    println!(
        "  authorize     {}/oauth/authorize",
        config.listeners.front_url
    );
    println!("  token         {}/oauth/token", config.listeners.back_url);
    println!(
        "  FHIR          {}/fhir/{}/49",
        config.listeners.back_url,
        practice.short_name()
    );
    println!(
        "  admin         {}/health, /metrics",
        config.listeners.admin_url
    );
    println!("  demo PGO      {}", sims.urls.pgo);
    println!("  DigiD         {}", sims.urls.digid_front);
    println!("  stelselnode   {}", sims.urls.stelselnode);
    println!("  LSP           {}", sims.urls.lsp);
    println!("  CA            {}", sims.ca_path.display());
    println!("  data          {}", data_dir.display());
    println!("\nTest persons (fictitious BSNs):");
    for person in &sims.persons {
        println!(
            "  {}  {:<28} {:<12} {}",
            person.bsn.as_str(),
            person.name,
            person.practice_app_ids.join(","),
            person.note
        );
    }
    println!(
        "\nStart at {} and log in as one of these persons.",
        sims.urls.pgo
    );
}
