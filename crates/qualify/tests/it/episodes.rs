//! The EpisodeOfCare qualification script against a correct and two wrong servers.

use qualify::{Catalog, Runner, RunnerConfig, ScriptResult, Status, Tokens};

use crate::server::{self, Behaviour, TestServer};

async fn run(server: &TestServer, script: &str, tokens: Tokens) -> ScriptResult {
    let catalog = Catalog::load(&server::testscripts_dir()).unwrap();
    let files = catalog.select(&[script.to_owned()], None).unwrap();
    assert_eq!(files.len(), 1);
    let client = tls::http_client(&server.ca_pem, None).unwrap();
    let config = RunnerConfig {
        base_url: server.base.clone(),
        tokens,
        today: time::macros::date!(2026 - 12 - 04),
    };
    Runner::new(config, client).run_file(&files[0]).await
}

#[tokio::test]
async fn episodes_json_passes() {
    let server = server::start(Behaviour::Correct).await;
    let result = run(
        &server,
        "medmij-gpdata-xis-1-1-serve-episodesofcare-json",
        Tokens::default(),
    )
    .await;
    assert!(result.passed(), "{result}\n{:#?}", result.asserts);
    assert!(result.count(Status::Pass) >= 15, "{result}");
    // Profile validation is not available, so that assert is reported as not evaluated.
    assert_eq!(result.count(Status::Skipped), 1, "{result}");
    assert!(
        result
            .to_string()
            .starts_with("PASS medmij-gpdata-xis-1-1-serve-episodesofcare-json")
    );

    let requests = server.requests.lock().unwrap();
    assert_eq!(requests.len(), 1);
    let headers = &requests[0];
    assert_eq!(
        headers["authorization"],
        "Bearer 0aed465d-aab0-4417-9b3c-e6f635892fea"
    );
    assert_eq!(headers["accept"], "application/fhir+json");
    assert_eq!(headers["medmij-request-id"].len(), 36);
    assert_eq!(headers["x-correlation-id"].len(), 36);
}

#[tokio::test]
async fn episodes_xml_passes_with_token_override() {
    let server = server::start(Behaviour::Correct).await;
    let tokens = Tokens::from_args(&["XXX_Cevat=real-token".to_owned()]);
    let result = run(
        &server,
        "medmij-gpdata-xis-1-1-serve-episodesofcare-xml",
        tokens,
    )
    .await;
    assert!(result.passed(), "{result}\n{:#?}", result.asserts);

    let requests = server.requests.lock().unwrap();
    assert_eq!(requests[0]["authorization"], "Bearer real-token");
    assert_eq!(requests[0]["accept"], "application/fhir+xml");
}

#[tokio::test]
async fn missing_episode_fails_with_count_assert() {
    let server = server::start(Behaviour::MissingEpisode).await;
    let result = run(
        &server,
        "medmij-gpdata-xis-1-1-serve-episodesofcare-json",
        Tokens::default(),
    )
    .await;
    assert!(!result.passed());
    assert_eq!(result.count(Status::Fail), 1, "{result}");
    let failure = result.first_failure().unwrap();
    assert_eq!(
        failure.description.trim(),
        "Confirm that the response Bundle contains 7 EpisodeOfCare resource(s)."
    );
    assert_eq!(failure.message, "the expression is false");
    assert!(result.to_string().starts_with("FAIL medmij-gpdata-xis-1-1-serve-episodesofcare-json: scenario1-1-serve-episodeofcare: Confirm that the response Bundle contains 7"), "{result}");
}

#[tokio::test]
async fn leaked_bsn_fails() {
    let server = server::start(Behaviour::LeaksBsn).await;
    let result = run(
        &server,
        "medmij-gpdata-xis-1-1-serve-episodesofcare-json",
        Tokens::default(),
    )
    .await;
    assert!(!result.passed());
    let failures: Vec<&str> = result
        .asserts
        .iter()
        .filter(|a| a.status == Status::Fail)
        .map(|a| a.description.as_str())
        .collect();
    assert_eq!(
        failures,
        vec!["Confirm that Bundle does not use Burgerservicenummer (BSN) anywhere."]
    );
}

#[tokio::test]
async fn unreachable_server_fails_operation() {
    let server = server::start(Behaviour::Correct).await;
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let catalog = Catalog::load(&server::testscripts_dir()).unwrap();
    let files = catalog
        .select(
            &["medmij-gpdata-xis-1-1-serve-episodesofcare-json".to_owned()],
            None,
        )
        .unwrap();
    let config = RunnerConfig {
        base_url: format!("https://localhost:{port}/fhir"),
        tokens: Tokens::default(),
        today: time::macros::date!(2026 - 12 - 04),
    };
    let client = tls::http_client(&server.ca_pem, None).unwrap();
    let result = Runner::new(config, client).run_file(&files[0]).await;
    assert!(!result.passed());
    let failure = result.first_failure().unwrap();
    assert!(failure.message.contains("failed"), "{}", failure.message);
    assert!(result.count(Status::Skipped) > 10, "{result}");
}
