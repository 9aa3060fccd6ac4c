//! `lspplus qualify --demo`: starts the demo stack in-process, obtains a token for each
//! qualification patient through the real MedMij flow (Zorgaanbiederslijst, DigiD, consent, token
//! request) and runs every selected script against the gegevensdienst of its patient.

use std::sync::Arc;

use anyhow::Context as _;
use common::{Clock, SystemClock};
use sim::sim_pgo::{ConsentChoice, Directory, PgoClient, scope_for};

use super::qualify::{Tally, run_scripts, today};
use super::stack::{Stack, StackOptions};

/// Starts the demo on free ports in a temporary folder, runs the scripts and stops the demo.
pub async fn run(selected: &[qualify::ScriptFile], verbose: bool) -> anyhow::Result<Tally> {
    let data_dir = tempfile::tempdir().context("creating a temporary data directory")?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let stack = Stack::start(StackOptions {
        data_dir: data_dir.path().to_owned(),
        port_base: 0,
        his_data: None,
        clock,
    })
    .await?;

    let tally = run_against(&stack, selected, verbose).await;

    stack.stop().await;
    tally
}

async fn run_against(
    stack: &Stack,
    selected: &[qualify::ScriptFile],
    verbose: bool,
) -> anyhow::Result<Tally> {
    let pgo = stack.sims.pgo_client().context("building the demo PGO")?;
    let directory = Directory::fetch(&pgo.browser()?, &stack.sims.urls.stelselnode)
        .await
        .context("reading the Zorgaanbiederslijst")?;
    let practice = stack
        .config
        .practices
        .first()
        .context("the demo has no practice")?;
    let client = tls::http_client(&stack.sims.pgo.roots_pem, Some(&stack.sims.pgo.identity))
        .context("building the PGO's HTTPS client")?;

    let mut tally = Tally::default();
    for (gegevensdienst, prefix) in qualify::catalog::SCRIPT_PREFIXES {
        let scripts: Vec<qualify::ScriptFile> = selected
            .iter()
            .filter(|s| s.name.starts_with(prefix))
            .cloned()
            .collect();
        if scripts.is_empty() {
            continue;
        }
        let endpoints = directory
            .endpoints(&practice.medmij_naam, gegevensdienst)
            .with_context(|| {
                format!(
                    "the Zorgaanbiederslijst lists no gegevensdienst {gegevensdienst} for {}",
                    practice.medmij_naam
                )
            })?;
        let tokens = patient_tokens(stack, &pgo, endpoints, gegevensdienst, practice).await?;
        let config = qualify::RunnerConfig {
            base_url: endpoints.fhir_base.clone(),
            tokens: qualify::Tokens::from_args(&tokens),
            today: today(),
        };
        let runner = qualify::Runner::new(config, client.clone());
        tally.add(run_scripts(&runner, &scripts, verbose).await);
    }
    Ok(tally)
}

/// Runs the flow for every qualification patient of `gegevensdienst` and returns `XXX_Name=TOKEN`
/// arguments for the runner.
async fn patient_tokens(
    stack: &Stack,
    pgo: &PgoClient,
    endpoints: &sim::sim_pgo::Endpoints,
    gegevensdienst: &str,
    practice: &gateway::config::Practice,
) -> anyhow::Result<Vec<String>> {
    let scope = scope_for(&practice.medmij_naam, Some(gegevensdienst));
    let mut tokens = Vec::new();
    for (patient, _) in qualify::catalog::PATIENTS
        .iter()
        .filter(|(_, dienst)| *dienst == gegevensdienst)
    {
        let person = stack
            .sims
            .persons
            .iter()
            .find(|p| p.name.ends_with(patient))
            .with_context(|| {
                format!(
                    "the demo has no qualification patient {patient}; is the reference folder missing?"
                )
            })?;
        let session = pgo
            .run_flow(endpoints, &scope, person.bsn.as_str(), ConsentChoice::Allow)
            .await
            .with_context(|| format!("the MedMij flow for {patient} failed"))?;
        tokens.push(format!("{patient}={}", session.token.access_token));
    }
    Ok(tokens)
}
