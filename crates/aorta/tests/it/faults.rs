//! One test per injected fault: the client must return the typed error (or recover where safe).

use std::time::{Duration, Instant};

use aorta::{AortaError, BreakerState};
use hl7v3::Interaction;
use sim_his::Fault;

use crate::harness::{Harness, bsn, his};

#[tokio::test]
async fn answer_passes_checks() {
    let harness = Harness::start().await;
    let (client, counters) = harness.client(harness.config());
    let answer = client
        .query(&his(), Interaction::EpisodesQuery, &bsn(), None, "corr-1")
        .await
        .unwrap();
    assert_eq!(answer.ok_messages, 1);
    assert!(answer.issues.is_empty());
    assert!(answer.xml.contains("REPC_IN990111NL"));
    assert_eq!(counters.count("4001", "REPC_IN990110NL", "ok"), 1);
    assert_eq!(counters.attempts(), 1);
}

#[tokio::test]
async fn latency_within_deadline_is_answered() {
    let harness = Harness::start().await;
    let (client, _) = harness.client(harness.config());
    harness
        .faults
        .push_once(Fault::Latency(Duration::from_millis(300)));
    let started = Instant::now();
    let answer = client
        .query(&his(), Interaction::LabQuery, &bsn(), None, "corr-latency")
        .await;
    assert!(answer.is_ok(), "{answer:?}");
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn no_answer_times_out_at_deadline() {
    let harness = Harness::start().await;
    let mut config = harness.config();
    config.timeouts.request = Duration::from_millis(500);
    let (client, counters) = harness.client(config);
    harness.faults.set(Some(Fault::Timeout));
    let started = Instant::now();
    let result = client
        .query(
            &his(),
            Interaction::EpisodesQuery,
            &bsn(),
            None,
            "corr-timeout",
        )
        .await;
    assert_eq!(result, Err(AortaError::Timeout));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(counters.count("4001", "REPC_IN990110NL", "timeout"), 1);
}

#[tokio::test]
async fn reset_once_is_retried() {
    let harness = Harness::start().await;
    let (client, counters) = harness.client(harness.config());
    harness.faults.push_once(Fault::Reset);
    let answer = client
        .query(
            &his(),
            Interaction::EpisodesQuery,
            &bsn(),
            None,
            "corr-reset",
        )
        .await;
    assert!(answer.is_ok(), "{answer:?}");
    assert_eq!(counters.attempts(), 2);
}

#[tokio::test]
async fn persistent_reset_is_transport_error() {
    let harness = Harness::start().await;
    let (client, counters) = harness.client(harness.config());
    harness.faults.set(Some(Fault::Reset));
    let result = client
        .query(
            &his(),
            Interaction::EpisodesQuery,
            &bsn(),
            None,
            "corr-reset",
        )
        .await;
    assert!(
        matches!(result, Err(AortaError::Transport(_))),
        "{result:?}"
    );
    assert_eq!(counters.attempts(), 2, "one retry, then give up");
}

#[tokio::test]
async fn http_500_is_not_retried() {
    let harness = Harness::start().await;
    let (client, counters) = harness.client(harness.config());
    harness.faults.set(Some(Fault::Http500));
    let result = client
        .query(&his(), Interaction::EpisodesQuery, &bsn(), None, "corr-500")
        .await;
    assert_eq!(result, Err(AortaError::Http(500)));
    assert_eq!(counters.attempts(), 1);
}

#[tokio::test]
async fn soap_fault_is_typed() {
    let harness = Harness::start().await;
    let (client, _) = harness.client(harness.config());
    harness.faults.set(Some(Fault::SoapFault));
    let result = client
        .query(
            &his(),
            Interaction::EpisodesQuery,
            &bsn(),
            None,
            "corr-fault",
        )
        .await;
    assert_eq!(
        result,
        Err(AortaError::SoapFault {
            code: "soap:Server".to_owned(),
            reason: "simulated LSP failure".to_owned()
        })
    );
}

#[tokio::test]
async fn each_lsp_code_is_typed() {
    let harness = Harness::start().await;
    let (client, _) = harness.client(harness.config());
    let cases = [
        ("NOSTORE", AortaError::NoStore),
        ("RTEDEST", AortaError::DestinationTimeout),
        ("RTUDEST", AortaError::UnknownDestination),
        ("KEY204", AortaError::NotRegistered),
        (
            "AUTERR_SWV_FALSE",
            AortaError::Unauthorized("AUTERR_SWV_FALSE".to_owned()),
        ),
        (
            "AUTERR_MEDISCH",
            AortaError::Unauthorized("AUTERR_MEDISCH".to_owned()),
        ),
        ("QABRTITI", AortaError::QueryAborted),
        ("SYN105", AortaError::SyntaxError),
        ("OTHER1", AortaError::Lsp("OTHER1".to_owned())),
    ];
    for (code, expected) in cases {
        harness.faults.push_once(Fault::LspError(code.to_owned()));
        let result = client
            .query(
                &his(),
                Interaction::IntolerancesQuery,
                &bsn(),
                None,
                "corr-lsp",
            )
            .await;
        assert_eq!(result, Err(expected), "code {code}");
    }
}

#[tokio::test]
async fn malformed_answer_is_rejected() {
    let harness = Harness::start().await;
    let (client, _) = harness.client(harness.config());
    harness.faults.push_once(Fault::Malformed);
    let result = client
        .query(
            &his(),
            Interaction::EpisodesQuery,
            &bsn(),
            None,
            "corr-malformed",
        )
        .await;
    assert!(
        matches!(result, Err(AortaError::Malformed(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn truncated_answer_is_rejected() {
    let harness = Harness::start().await;
    let (client, _) = harness.client(harness.config());
    harness.faults.push_once(Fault::Truncated);
    let result = client
        .query(
            &his(),
            Interaction::EpisodesQuery,
            &bsn(),
            None,
            "corr-truncated",
        )
        .await;
    assert!(
        matches!(result, Err(AortaError::Malformed(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn other_patient_is_rejected() {
    let harness = Harness::start().await;
    let (client, counters) = harness.client(harness.config());
    harness.faults.push_once(Fault::OtherPatient);
    let result = client
        .query(
            &his(),
            Interaction::EpisodesQuery,
            &bsn(),
            None,
            "corr-patient",
        )
        .await;
    assert_eq!(result, Err(AortaError::WrongPatient));
    assert_eq!(
        counters.count("4001", "REPC_IN990110NL", "wrong_patient"),
        1
    );
}

#[tokio::test]
async fn other_message_id_is_rejected() {
    let harness = Harness::start().await;
    let (client, _) = harness.client(harness.config());
    harness.faults.push_once(Fault::OtherMessageId);
    let result = client
        .query(
            &his(),
            Interaction::EpisodesQuery,
            &bsn(),
            None,
            "corr-message",
        )
        .await;
    assert_eq!(result, Err(AortaError::WrongMessage));
}

#[tokio::test]
async fn unknown_application_is_rtudest() {
    let harness = Harness::start().await;
    let (client, _) = harness.client(harness.config());
    let mut target = his();
    target.app_id = "4999".to_owned();
    let result = client
        .query(
            &target,
            Interaction::EpisodesQuery,
            &bsn(),
            None,
            "corr-unknown",
        )
        .await;
    assert_eq!(result, Err(AortaError::UnknownDestination));
}

#[tokio::test]
async fn breaker_opens_after_failures() {
    let harness = Harness::start().await;
    let mut config = harness.config();
    config.breaker.failure_threshold = 2;
    let (client, counters) = harness.client(config);
    harness.faults.set(Some(Fault::Http500));
    for _ in 0..2 {
        let result = client
            .query(
                &his(),
                Interaction::EpisodesQuery,
                &bsn(),
                None,
                "corr-breaker",
            )
            .await;
        assert_eq!(result, Err(AortaError::Http(500)));
    }
    assert_eq!(client.breaker_state("4001"), BreakerState::Open);
    harness.faults.clear();
    let result = client
        .query(
            &his(),
            Interaction::EpisodesQuery,
            &bsn(),
            None,
            "corr-breaker",
        )
        .await;
    assert_eq!(result, Err(AortaError::CircuitOpen));
    assert_eq!(counters.attempts(), 2, "an open breaker sends nothing");

    harness.client_clock.advance(time::Duration::seconds(31));
    let result = client
        .query(
            &his(),
            Interaction::EpisodesQuery,
            &bsn(),
            None,
            "corr-breaker",
        )
        .await;
    assert!(
        result.is_ok(),
        "the trial after the open period passes: {result:?}"
    );
    assert_eq!(client.breaker_state("4001"), BreakerState::Closed);
}

#[tokio::test]
async fn concurrency_per_his_is_bounded() {
    let harness = Harness::start().await;
    let mut config = harness.config();
    config.max_concurrent_per_his = 1;
    let (client, _) = harness.client(config);
    harness
        .faults
        .set(Some(Fault::Latency(Duration::from_millis(300))));
    let started = Instant::now();
    let (target, patient) = (his(), bsn());
    let (first, second) = tokio::join!(
        client.query(
            &target,
            Interaction::EpisodesQuery,
            &patient,
            None,
            "corr-a"
        ),
        client.query(&target, Interaction::JournalQuery, &patient, None, "corr-b"),
    );
    assert!(first.is_ok(), "{first:?}");
    assert!(second.is_ok(), "{second:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "queries ran one after the other"
    );
}
