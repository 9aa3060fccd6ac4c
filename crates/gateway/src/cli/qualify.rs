//! The `lspplus qualify` subcommand: runs the Nictiz qualification TestScripts (XIS-Server
//! scripts of GP data 2.0 and PDF/A 3.0) against a DVZA and prints one line per script.
//! With `--demo` the DVZA is the demo stack, started in-process (see `qualify_demo`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use common::Clock as _;

/// FHIR format variant of the scripts to run.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// The `-json` scripts (Accept: application/fhir+json).
    Json,
    /// The `-xml` scripts (Accept: application/fhir+xml).
    Xml,
}

/// Options of `lspplus qualify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// FHIR base URL of the DVZA, e.g. https://lspplus.localhost:8441/fhir/huisartsenpraktijk-delinde/49.
    #[arg(long, required_unless_present = "demo")]
    pub base: Option<String>,
    /// Start the demo in-process on free ports, obtain tokens for the qualification patients through
    /// the MedMij flow and run each script against the gegevensdienst of its patient.
    #[arg(long, conflicts_with_all = ["base", "tokens", "ca", "client_cert", "client_key"])]
    pub demo: bool,
    /// Access token sent as `Authorization: Bearer`: `TOKEN` for every script, or
    /// `XXX_Cevat=TOKEN` for the scripts of one qualification patient. Repeatable. Without it the
    /// scripts' Nictiz mock tokens are sent.
    #[arg(long = "token", value_name = "TOKEN")]
    pub tokens: Vec<String>,
    /// Run only the json or the xml variant of each script (default: both).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// CA certificate (PEM) the server certificate must chain to; required for https.
    #[arg(long, value_name = "PATH")]
    pub ca: Option<PathBuf>,
    /// Client certificate chain (PEM) for mutual TLS.
    #[arg(long, value_name = "PATH", requires = "client_key")]
    pub client_cert: Option<PathBuf>,
    /// Private key (PKCS#8 PEM) of the client certificate.
    #[arg(long, value_name = "PATH", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
    /// Folder holding GenPractData-2-0 and PDFA-3-0 (default: the testscripts folder under
    /// LSPPLUS_REFERENCE_DIR or ../shared/reference).
    #[arg(long, value_name = "PATH")]
    pub scripts_dir: Option<PathBuf>,
    /// Also print every failed, warning and not-evaluated assert under its script.
    #[arg(long, short)]
    pub verbose: bool,
    /// Scripts to run: file paths, script names or parts of names (default: all XIS-Server scripts).
    #[arg(value_name = "SCRIPT")]
    pub scripts: Vec<String>,
}

/// Runs `lspplus qualify`; exits with status 1 when a script failed.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let scripts_dir = args
        .scripts_dir
        .clone()
        .unwrap_or_else(|| qualify::reference_dir().join("fhir/testscripts"));
    let catalog = qualify::Catalog::load(&scripts_dir).with_context(|| {
        format!(
            "cannot list the TestScripts under {}; set LSPPLUS_REFERENCE_DIR to the reference folder or pass --scripts-dir",
            scripts_dir.display()
        )
    })?;
    let format = args.format.map(|f| match f {
        Format::Json => "json",
        Format::Xml => "xml",
    });
    let selected = catalog.select(&args.scripts, format)?;

    let tally = match &args.base {
        Some(base) if !args.demo => {
            let runner = qualify::Runner::new(
                qualify::RunnerConfig {
                    base_url: base.clone(),
                    tokens: qualify::Tokens::from_args(&args.tokens),
                    today: today(),
                },
                client(&args, base)?,
            );
            run_scripts(&runner, &selected, args.verbose).await
        }
        _ => super::qualify_demo::run(&selected, args.verbose).await?,
    };

    println!("{tally}");
    Ok(if tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The counts of one run. Scripts for a feature lspplus does not offer are counted apart, and
/// only when they fail.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub not_offered: usize,
}

impl Tally {
    /// Adds the counts of another run.
    pub fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.not_offered += other.not_offered;
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)?;
        if self.not_offered > 0 {
            write!(f, " ({} more not offered)", self.not_offered)?;
        }
        Ok(())
    }
}

/// Runs `scripts` one by one and prints a line for each.
pub async fn run_scripts(
    runner: &qualify::Runner,
    scripts: &[qualify::ScriptFile],
    verbose: bool,
) -> Tally {
    let mut tally = Tally::default();
    for file in scripts {
        let result = runner.run_file(file).await;
        let not_offered = qualify::not_offered(&file.name).filter(|_| !result.passed());
        match not_offered {
            Some(reason) => println!("NOT OFFERED {}: {reason}", file.name),
            None => println!("{result}"),
        }
        if verbose {
            for outcome in result
                .asserts
                .iter()
                .filter(|a| a.status != qualify::Status::Pass)
            {
                println!(
                    "    {:?} {}: {}: {}",
                    outcome.status, outcome.test, outcome.description, outcome.message
                );
            }
        }
        if result.passed() {
            tally.passed += 1;
        } else if not_offered.is_some() {
            tally.not_offered += 1;
        } else {
            tally.failed += 1;
        }
    }
    tally
}

/// Returns today's date as the scripts' `${CURRENTDATE}`: the Dutch qualification runs on CET.
pub fn today() -> time::Date {
    common::SystemClock
        .now()
        .to_offset(time::macros::offset!(+1))
        .date()
}

/// Builds the HTTP client for `--base`, with the CA and client certificate of the arguments.
fn client(args: &Args, base: &str) -> anyhow::Result<reqwest::Client> {
    let roots_pem = match &args.ca {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the CA certificate {}", path.display()))?,
        None => String::new(),
    };
    let identity = match (&args.client_cert, &args.client_key) {
        (Some(cert), Some(key)) => Some(tls::Identity {
            cert_chain_pem: std::fs::read_to_string(cert).with_context(|| {
                format!("cannot read the client certificate {}", cert.display())
            })?,
            key_pem: std::fs::read_to_string(key)
                .with_context(|| format!("cannot read the client key {}", key.display()))?,
        }),
        _ => None,
    };
    if roots_pem.is_empty() {
        anyhow::ensure!(
            !base.starts_with("https:"),
            "--ca is required for an https base URL"
        );
        anyhow::ensure!(identity.is_none(), "--client-cert needs --ca");
        return plain_http_client();
    }
    tls::http_client(&roots_pem, identity.as_ref()).context("cannot build the HTTPS client")
}

/// A client for plain-http base URLs: it trusts no certificate authority, so https fails.
fn plain_http_client() -> anyhow::Result<reqwest::Client> {
    let config = rustls::ClientConfig::builder_with_provider(tls::crypto_provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    Ok(reqwest::Client::builder()
        .use_preconfigured_tls(config)
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}
