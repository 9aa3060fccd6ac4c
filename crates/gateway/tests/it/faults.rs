//! AORTA transport faults, one per test: the PGO gets the right status and OperationOutcome, an answer
//! about another patient or query is rejected and logged without serving any of it, and the gateway
//! serves the same search again once the fault is gone.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use sim_his::Fault;
use sim_pgo::{ConsentChoice, scope_for};

use crate::harness::{ADULT, DELINDE, Harness, PGO};

const EPISODES: &str = "/fhir/huisartsenpraktijk-delinde/49/EpisodeOfCare";
/// The BSN the simulator puts into an answer about another patient (see `sim_his::Fault::OtherPatient`).
const OTHER_BSN: &str = "999911120";
/// The AORTA application id of De Linde's GP system.
const DELINDE_HIS: &str = "4001";

/// Runs the whole flow for the adult test patient and returns the access token.
async fn access_token(harness: &Harness) -> String {
    let session = harness
        .pgo
        .run_flow(
            &harness.endpoints(),
            &scope_for(DELINDE, None),
            ADULT,
            ConsentChoice::Allow,
        )
        .await
        .unwrap();
    session.token.access_token
}

/// GETs the episodes with the PGO's client certificate and returns status and body.
async fn episodes(harness: &Harness, token: &str) -> (u16, String) {
    let response = harness
        .back_client(Some(PGO))
        .get(format!("{}{EPISODES}", harness.gateway.back_url))
        .header("MedMij-Request-ID", uuid::Uuid::new_v4().to_string())
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Reads the admin listener's metrics text.
async fn metrics(harness: &Harness) -> String {
    harness
        .browser()
        .get(format!("{}/metrics", harness.gateway.admin_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Collects every `resourceType` anywhere in `value`.
fn resource_types(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(kind)) = map.get("resourceType") {
                found.push(kind.clone());
            }
            map.values().for_each(|v| resource_types(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| resource_types(v, found)),
        _ => {}
    }
}

/// Asserts an OperationOutcome answer with status `expected` and first issue `code`, carrying no other
/// resource and no BSN. Returns the first issue.
fn assert_outcome(label: &str, (status, body): &(u16, String), expected: u16, code: &str) -> Value {
    assert_eq!(*status, expected, "{label}: status, body {body}");
    for bsn in [ADULT, OTHER_BSN] {
        assert!(!body.contains(bsn), "{label}: a BSN is in the answer");
    }
    let outcome: Value = serde_json::from_str(body).unwrap();
    let mut types = Vec::new();
    resource_types(&outcome, &mut types);
    assert_eq!(types, ["OperationOutcome"], "{label}: {body}");
    let issue = outcome["issue"][0].clone();
    assert_eq!(issue["severity"], "error", "{label}: {body}");
    assert_eq!(issue["code"], code, "{label}: issue code, body {body}");
    issue
}

/// Asserts a searchset with at least one EpisodeOfCare: the gateway serves data again.
async fn assert_healthy(label: &str, harness: &Harness, token: &str) {
    harness.sims.lsp_faults.clear();
    let (status, body) = episodes(harness, token).await;
    assert_eq!(status, 200, "{label}: not healthy afterwards, body {body}");
    let bundle: Value = serde_json::from_str(&body).unwrap();
    let matches = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["search"]["mode"] == "match" && e["resource"]["resourceType"] == "EpisodeOfCare"
        })
        .count();
    assert!(matches > 0, "{label}: no episodes afterwards, body {body}");
}

/// Starts the demo, fetches a token, applies `inject`, and checks the failed search and the recovery.
async fn one_fault(
    label: &str,
    inject: impl FnOnce(&sim_his::FaultSwitch),
    status: u16,
    code: &str,
) -> Harness {
    let harness = Harness::start().await;
    let token = access_token(&harness).await;
    inject(&harness.sims.lsp_faults);
    let answer = episodes(&harness, &token).await;
    assert_outcome(label, &answer, status, code);
    assert_healthy(label, &harness, &token).await;
    harness
}

#[tokio::test]
async fn latency_within_deadline_is_served() {
    let harness = Harness::start().await;
    let token = access_token(&harness).await;
    harness
        .sims
        .lsp_faults
        .push_once(Fault::Latency(Duration::from_millis(300)));
    assert_healthy("latency", &harness, &token).await;
    harness.stop().await;
}

#[tokio::test]
async fn single_reset_is_retried() {
    let harness = Harness::start().await;
    let token = access_token(&harness).await;
    harness.sims.lsp_faults.push_once(Fault::Reset);
    let (status, body) = episodes(&harness, &token).await;
    assert_eq!(status, 200, "the retry after a reset failed: {body}");
    let text = metrics(&harness).await;
    // One send for the availability check during the flow, then the reset and its retry.
    let attempts = format!("lspplus_aorta_attempts_total{{his=\"{DELINDE_HIS}\"}} 3");
    assert!(text.contains(&attempts), "{text}");
    harness.stop().await;
}

#[tokio::test]
async fn lasting_reset_is_bad_gateway() {
    let harness = one_fault("reset", |f| f.set(Some(Fault::Reset)), 502, "exception").await;
    harness.stop().await;
}

// The faults below are pushed once: they are not retried, so a retry would turn them into a 200.

#[tokio::test]
async fn http_500_is_bad_gateway() {
    let harness = one_fault("http500", |f| f.push_once(Fault::Http500), 502, "exception").await;
    harness.stop().await;
}

#[tokio::test]
async fn soap_fault_is_bad_gateway() {
    let harness = one_fault("soap", |f| f.push_once(Fault::SoapFault), 502, "exception").await;
    harness.stop().await;
}

#[tokio::test]
async fn malformed_answer_is_bad_gateway() {
    let harness = one_fault(
        "malformed",
        |f| f.push_once(Fault::Malformed),
        502,
        "exception",
    )
    .await;
    harness.stop().await;
}

#[tokio::test]
async fn truncated_answer_is_bad_gateway() {
    let harness = one_fault(
        "truncated",
        |f| f.push_once(Fault::Truncated),
        502,
        "exception",
    )
    .await;
    harness.stop().await;
}

/// Collects everything the gateway logs on this thread (the test runtime has one thread).
#[derive(Clone, Default)]
struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Checks that an answer about another patient or query is rejected with 502, that nothing of it is
/// served, and that the rejection is logged (without a BSN) and counted.
async fn mismatch(label: &str, fault: Fault, aorta_label: &str, log_reason: &str) {
    let harness = Harness::start().await;
    let token = access_token(&harness).await;

    let capture = LogCapture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    harness.sims.lsp_faults.push_once(fault);
    let answer = episodes(&harness, &token).await;
    drop(guard);

    assert_outcome(label, &answer, 502, "exception");
    let logs = capture.text();
    assert!(logs.contains("AORTA answer rejected"), "{label}: {logs}");
    assert!(logs.contains(log_reason), "{label}: {logs}");
    for bsn in [ADULT, OTHER_BSN] {
        assert!(!logs.contains(bsn), "{label}: a BSN is in the logs");
    }
    let text = metrics(&harness).await;
    let rejected =
        format!("lspplus_aorta_errors_total{{his=\"{DELINDE_HIS}\",code=\"{aorta_label}\"}} 1");
    assert!(text.contains(&rejected), "{label}: {text}");
    assert!(
        text.contains("lspplus_lsp_errors_total{code=\"mismatch\"} 1"),
        "{label}: {text}"
    );

    assert_healthy(label, &harness, &token).await;
    harness.stop().await;
}

#[tokio::test]
async fn answer_about_other_patient_is_rejected() {
    mismatch(
        "other patient",
        Fault::OtherPatient,
        "wrong_patient",
        "another patient",
    )
    .await;
}

#[tokio::test]
async fn answer_to_other_message_is_rejected() {
    mismatch(
        "other message id",
        Fault::OtherMessageId,
        "wrong_message",
        "does not acknowledge the query message id",
    )
    .await;
}

/// LSP error codes, as the LSP sends them in an `AE` answer, with the status and issue code the
/// VZVZ technical specification maps them to. `RTEDEST` has its own test below.
const LSP_CODES: [(&str, u16, &str); 9] = [
    ("NOSTORE", 507, "transient"),
    ("RTUDEST", 404, "not-found"),
    ("KEY204", 404, "not-found"),
    ("AUTERR_CONFRCV", 404, "not-found"),
    ("QABRTITI", 504, "timeout"),
    ("AUTERR_MEDISCH", 403, "forbidden"),
    ("AUTERR_SWV_FALSE", 403, "suppressed"),
    ("SYN105", 422, "invalid"),
    ("XYZ999", 500, "exception"),
];

#[tokio::test]
async fn lsp_error_codes_map_to_status() {
    let harness = Harness::start().await;
    let token = access_token(&harness).await;
    for (code, status, issue_code) in LSP_CODES {
        harness
            .sims
            .lsp_faults
            .push_once(Fault::LspError(code.to_owned()));
        let answer = episodes(&harness, &token).await;
        let issue = assert_outcome(code, &answer, status, issue_code);
        assert_eq!(
            issue["details"]["coding"][0]["code"], code,
            "{code}: {issue}"
        );
        assert_healthy(code, &harness, &token).await;
    }
    harness.stop().await;
}

#[tokio::test]
async fn rtedest_is_request_timeout() {
    let harness = one_fault(
        "RTEDEST",
        |f| f.push_once(Fault::LspError("RTEDEST".to_owned())),
        408,
        "timeout",
    )
    .await;
    harness.stop().await;
}

#[tokio::test]
async fn no_answer_is_gateway_timeout() {
    // A 2 s AORTA deadline instead of the demo's 20 s, so the test waits briefly.
    let harness = Harness::start_with_aorta_timeout(2).await;
    let token = access_token(&harness).await;
    harness.sims.lsp_faults.push_once(Fault::Timeout);
    let answer = episodes(&harness, &token).await;
    assert_outcome("timeout", &answer, 504, "timeout");
    assert_healthy("timeout", &harness, &token).await;
    harness.stop().await;
}
