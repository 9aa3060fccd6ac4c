//! The Nictiz qualification TestScripts (XIS-Server, GP data 2.0 and PDF/A 3.0) against the gateway,
//! with tokens for the qualification patients from the real MedMij flow, in JSON and XML.

use common::Clock as _;
use sim_pgo::{ConsentChoice, scope_for};

use crate::harness::{DELINDE, Harness, PGO};

/// Jacqueline XXX_Cevat (gegevensdienst 49), Ellen XXX_Baltus and Eva XXX_Schulte (51), with the
/// BSNs that the qualification token file assigns to them.
const CEVAT: &str = "999911132";
const BALTUS: &str = "999910796";
const SCHULTE: &str = "999910784";

/// Runs the whole flow for `bsn` with consent for `gegevensdienst` and returns the access token.
async fn token(harness: &Harness, bsn: &str, gegevensdienst: &str) -> String {
    harness
        .pgo
        .run_flow(
            &harness.endpoints(),
            &scope_for(DELINDE, Some(gegevensdienst)),
            bsn,
            ConsentChoice::Allow,
        )
        .await
        .unwrap_or_else(|error| panic!("flow for {bsn} failed: {error}"))
        .token
        .access_token
}

/// Runs every script whose name contains `filter` in both formats; returns (name, passed, line).
async fn run_scripts(
    harness: &Harness,
    gegevensdienst: &str,
    filter: &str,
    tokens: &[String],
) -> Vec<(String, bool, String)> {
    let catalog =
        qualify::Catalog::load(&qualify::reference_dir().join("fhir/testscripts")).unwrap();
    let scripts = catalog.select(&[filter.to_owned()], None).unwrap();
    let config = qualify::RunnerConfig {
        base_url: format!(
            "{}/fhir/huisartsenpraktijk-delinde/{gegevensdienst}",
            harness.gateway.back_url
        ),
        tokens: qualify::Tokens::from_args(tokens),
        today: harness
            .clock
            .now()
            .to_offset(time::macros::offset!(+1))
            .date(),
    };
    let runner = qualify::Runner::new(config, harness.back_client(Some(PGO)));
    let mut results = Vec::new();
    for script in &scripts {
        let result = runner.run_file(script).await;
        results.push((script.name.clone(), result.passed(), result.to_string()));
    }
    results
}

/// Returns whether the reference folder with the TestScripts exists; fails under CI when it does not.
fn scripts_present() -> bool {
    let dir = qualify::reference_dir().join("fhir/testscripts");
    if dir.is_dir() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "TestScripts folder {} is missing; set LSPPLUS_REFERENCE_DIR",
        dir.display()
    );
    eprintln!("skipped: TestScripts folder {} is missing", dir.display());
    false
}

#[tokio::test]
async fn gpdata_scripts_all_pass() {
    if !scripts_present() {
        return;
    }
    let harness = Harness::start().await;
    let cevat = token(&harness, CEVAT, "49").await;

    let results = run_scripts(&harness, "49", "medmij-gpdata-xis", &[cevat]).await;

    assert_eq!(results.len(), 14, "expected 7 scripts in JSON and XML");
    for (name, passed, line) in &results {
        assert!(passed, "{name} failed: {line}");
    }
    harness.stop().await;
}

#[tokio::test]
async fn pdfa_scripts_pass_except_not_offered() {
    if !scripts_present() {
        return;
    }
    let harness = Harness::start().await;
    let baltus = token(&harness, BALTUS, "51").await;
    let schulte = token(&harness, SCHULTE, "51").await;
    let tokens = [
        format!("XXX_Baltus={baltus}"),
        format!("XXX_Schulte={schulte}"),
    ];

    let results = run_scripts(&harness, "51", "medmij-pdfa-xis", &tokens).await;

    assert_eq!(results.len(), 24, "expected 12 scripts in JSON and XML");
    for (name, passed, line) in &results {
        match qualify::not_offered(name) {
            Some(reason) => eprintln!("not offered ({reason}): {line}"),
            None => assert!(passed, "{name} failed: {line}"),
        }
    }
    let passing = results.iter().filter(|(_, passed, _)| *passed).count();
    assert_eq!(passing, 20, "PDF/A scripts passing");
    harness.stop().await;
}
