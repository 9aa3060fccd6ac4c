//! The suite-wide BSN scan. Every response that a gateway of this test binary sends is searched for
//! the BSN of every person the simulators know: all three listeners, bodies and headers, errors and
//! redirects included. A hit fails the next harness start or stop.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};

use gateway::egress::Observed;

use crate::harness::{ADULT, Harness};

/// The BSN of the Nictiz example answers, which the simulator serves from files.
const NICTIZ_EXAMPLE_BSN: &str = "012345672";

static BSNS: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
static FINDINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static RESPONSES: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);
static INSTALL: Once = Once::new();

/// Adds the BSNs of `persons` to the scan and installs the tap on first use.
pub fn watch<'a>(bsns: impl IntoIterator<Item = &'a str>) {
    if let Ok(mut known) = BSNS.lock() {
        known.extend(bsns.into_iter().map(str::to_owned));
        known.insert(NICTIZ_EXAMPLE_BSN.to_owned());
    }
    INSTALL.call_once(|| {
        assert!(
            gateway::egress::install(Arc::new(inspect)),
            "another tap was installed"
        );
    });
}

/// Panics when any response so far contained a BSN.
pub fn assert_clean() {
    let findings = FINDINGS.lock().map(|f| f.clone()).unwrap_or_default();
    assert!(findings.is_empty(), "BSNs in responses: {findings:#?}");
}

/// Returns the BSNs found in `bytes`.
fn bsns_in(bytes: &[u8], known: &BTreeSet<String>) -> Vec<String> {
    known
        .iter()
        .filter(|bsn| bytes.windows(bsn.len()).any(|w| w == bsn.as_bytes()))
        .cloned()
        .collect()
}

fn inspect(observed: &Observed<'_>) {
    RESPONSES.fetch_add(1, Ordering::Relaxed);
    BYTES.fetch_add(observed.body.len() as u64, Ordering::Relaxed);
    let Ok(known) = BSNS.lock() else { return };

    let mut found = bsns_in(observed.body, &known);
    for (name, value) in observed.headers {
        for bsn in bsns_in(value.as_bytes(), &known) {
            found.push(format!("{bsn} in header {name}"));
        }
    }
    if !found.is_empty()
        && let Ok(mut findings) = FINDINGS.lock()
    {
        findings.push(format!(
            "{} {}: {}",
            observed.channel,
            observed.target,
            found.join(", ")
        ));
    }
}

#[test]
fn scan_finds_a_bsn_in_bytes() {
    let known: BTreeSet<String> = [ADULT.to_owned()].into();

    assert_eq!(bsns_in(b"{\"value\":\"999991103\"}", &known), [ADULT]);
    assert!(bsns_in(b"{\"value\":\"99999110\"}", &known).is_empty());
}

#[tokio::test]
async fn every_response_passes_the_scan() {
    let harness = Harness::start().await;
    let before = RESPONSES.load(Ordering::Relaxed);

    let session = harness
        .pgo
        .run_flow(
            &harness.endpoints(),
            &sim_pgo::scope_for(crate::harness::DELINDE, Some("49")),
            ADULT,
            sim_pgo::ConsentChoice::Allow,
        )
        .await
        .unwrap();
    let bundle = harness
        .pgo
        .search(
            &session,
            "Patient?_include=Patient:general-practitioner",
            sim_pgo::Format::Json,
        )
        .await
        .unwrap();

    assert!(bundle.text().contains("\"Patient\""));
    let seen = RESPONSES.load(Ordering::Relaxed) - before;
    assert!(
        seen >= 4,
        "the tap saw {seen} responses of the flow and search"
    );
    assert!(BYTES.load(Ordering::Relaxed) > 0);
    harness.stop().await;
}
