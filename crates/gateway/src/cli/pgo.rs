//! The `lspplus pgo` subcommands: run the MedMij flow as the demo PGO from the command line.
//!
//! The endpoints come from the demo's Zorgaanbiederslijst on the stelselnode, the way a PGO finds
//! them. `--demo` names the endpoints file that `lspplus demo --endpoints-file` writes, or the
//! gateway's front-channel URL (then the other ports follow from the demo's port plan and the
//! certificates are read from `--data-dir`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use sim::sim_pgo::{ConsentChoice, Directory, Format, PgoClient, PgoConfig, scope_for};

/// Offset of the stelselnode port from the gateway front-channel port in the demo's port plan.
const STELSELNODE_OFFSET: u16 = 5;
/// Offset of the demo PGO port from the gateway front-channel port.
const PGO_OFFSET: u16 = 2;

/// Subcommands of `lspplus pgo`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Run the whole flow (DigiD login, consent, token) and print the FHIR search results.
    Fetch(FetchArgs),
    /// Run the flow up to the token exchange and print the token response (JSON).
    Token(FlowArgs),
}

/// Options of every flow.
#[derive(Debug, clap::Args)]
pub struct FlowArgs {
    /// GegevensdienstId to request, e.g. 49 (Huisartsgegevens) or 51 (Documenten).
    #[arg(long, default_value = "49")]
    gegevensdienst: String,
    /// BSN of the test person to log in with at the DigiD simulator.
    #[arg(long)]
    bsn: String,
    /// The endpoints file written by `lspplus demo --endpoints-file`, or the gateway's
    /// front-channel URL.
    #[arg(long, default_value = "https://lspplus.localhost:8440")]
    demo: String,
    /// The demo's data directory with the PKI, used when --demo is a URL.
    #[arg(long, default_value = "lspplus-demo")]
    data_dir: PathBuf,
    /// MedMij-naam of the practice, with or without @medmij.
    #[arg(long, default_value = "huisartsenpraktijk-delinde")]
    practice: String,
    /// Give consent for an indefinite period, so that the refresh token can be redeemed (with
    /// one-off consent the gateway's refresh token is a placeholder that every refresh rejects).
    #[arg(long)]
    indefinite: bool,
    /// Refuse consent instead of giving it (to see the DVZA's error redirect).
    #[arg(long, conflicts_with = "indefinite")]
    refuse: bool,
    /// Language of the DVZA's pages (nl or en).
    #[arg(long, default_value = "nl")]
    lang: String,
}

/// Options of `lspplus pgo fetch`.
#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    #[command(flatten)]
    flow: FlowArgs,
    /// FHIR search relative to the gegevensdienst's base URL, e.g. 'EpisodeOfCare'; repeatable.
    #[arg(long, required = true)]
    search: Vec<String>,
    /// Response format.
    #[arg(long, value_enum, default_value = "json")]
    format: OutputFormat,
}

/// FHIR serialization to request.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum OutputFormat {
    Json,
    Xml,
}

/// The demo's stelselnode URL and the PGO's CA, client id, redirect URI and certificate files.
#[derive(Debug)]
struct DemoTarget {
    stelselnode_url: String,
    ca_path: PathBuf,
    client_id: String,
    redirect_uri: String,
    cert: PathBuf,
    key: PathBuf,
}

fn json_str(value: &serde_json::Value, pointer: &str, file: &Path) -> anyhow::Result<String> {
    value
        .pointer(pointer)
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
        .with_context(|| {
            format!(
                "endpoints file {} has no string at {pointer}",
                file.display()
            )
        })
}

fn target(args: &FlowArgs) -> anyhow::Result<DemoTarget> {
    if args.demo.starts_with("https://") {
        let front = url::Url::parse(&args.demo)
            .with_context(|| format!("invalid --demo URL {:?}", args.demo))?;
        let port = front.port_or_known_default().unwrap_or(443);
        let pki = args.data_dir.join("pki");
        let ca_path = pki.join("ca.crt.pem");
        if !ca_path.exists() {
            bail!(
                "demo CA {} not found: pass --data-dir of the running demo, or --demo with its endpoints file",
                ca_path.display()
            );
        }
        return Ok(DemoTarget {
            stelselnode_url: format!(
                "https://stelselnode.localhost:{}",
                port + STELSELNODE_OFFSET
            ),
            ca_path,
            client_id: "pgo.localhost".to_owned(),
            redirect_uri: format!("https://pgo.localhost:{}/callback", port + PGO_OFFSET),
            cert: pki.join("client-pgo.localhost.crt.pem"),
            key: pki.join("client-pgo.localhost.key.pem"),
        });
    }
    let file = Path::new(&args.demo);
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the endpoints file {}", file.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("endpoints file {} is not valid JSON", file.display()))?;
    Ok(DemoTarget {
        stelselnode_url: json_str(&value, "/urls/stelselnode", file)?,
        ca_path: json_str(&value, "/ca_path", file)?.into(),
        client_id: json_str(&value, "/pgo/client_id", file)?,
        redirect_uri: json_str(&value, "/pgo/redirect_uri", file)?,
        cert: json_str(&value, "/pgo/cert", file)?.into(),
        key: json_str(&value, "/pgo/key", file)?.into(),
    })
}

fn read(path: &Path, what: &str) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the {what} {}", path.display()))
}

/// Runs the flow and returns the client and session.
async fn run_flow(args: &FlowArgs) -> anyhow::Result<(PgoClient, sim::sim_pgo::Session)> {
    let target = target(args)?;
    let config = PgoConfig {
        roots_pem: read(&target.ca_path, "CA certificate")?,
        identity: tls::Identity {
            cert_chain_pem: read(&target.cert, "PGO client certificate")?,
            key_pem: read(&target.key, "PGO client key")?,
        },
        client_id: target.client_id,
        redirect_uri: target.redirect_uri,
        accept_language: args.lang.clone(),
    };
    let client = PgoClient::new(config)?;
    let directory = Directory::fetch(&client.browser()?, &target.stelselnode_url).await?;
    let endpoints = directory
        .endpoints(&args.practice, &args.gegevensdienst)
        .with_context(|| {
            format!(
                "the Zorgaanbiederslijst lists no gegevensdienst {} for {}",
                args.gegevensdienst, args.practice
            )
        })?
        .clone();
    let consent = if args.refuse {
        ConsentChoice::Deny
    } else if args.indefinite {
        ConsentChoice::AllowIndefinite
    } else {
        ConsentChoice::Allow
    };
    let scope = scope_for(&args.practice, Some(&args.gegevensdienst));
    let session = client
        .run_flow(&endpoints, &scope, &args.bsn, consent)
        .await?;
    Ok((client, session))
}

/// Runs one `lspplus pgo` subcommand.
pub async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Token(args) => {
            let (_, session) = run_flow(&args).await?;
            println!("{}", serde_json::to_string_pretty(&session.token)?);
        }
        Command::Fetch(args) => {
            let (client, session) = run_flow(&args.flow).await?;
            let format = match args.format {
                OutputFormat::Json => Format::Json,
                OutputFormat::Xml => Format::Xml,
            };
            for search in &args.search {
                let response = client.search(&session, search, format).await?;
                let text = response.text();
                match format {
                    Format::Json => match serde_json::from_str::<serde_json::Value>(&text) {
                        Ok(value) => println!("{}", serde_json::to_string_pretty(&value)?),
                        Err(_) => println!("{text}"),
                    },
                    Format::Xml => println!("{text}"),
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
