//! Helpers shared by the unit tests: the reference folder and query contexts.

use std::path::PathBuf;

use common::Bsn;
use hl7v3::Ii;
use time::macros::datetime;

use crate::source::QueryContext;

/// Returns the Ketenzorg example folder, or `None` (test skipped) when the reference data is
/// absent outside CI. On CI (`CI=true`) a missing folder fails the test.
pub(crate) fn ketenzorg_examples() -> Option<PathBuf> {
    let base = std::env::var_os("LSPPLUS_REFERENCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference")
        });
    let dir = base.join("hl7v3/ketenzorg-3.0.2/hl7v3_instance");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "reference folder {} is missing; set LSPPLUS_REFERENCE_DIR",
        dir.display()
    );
    eprintln!("skipped: reference folder {} is missing", dir.display());
    None
}

/// Returns a query context from the gateway (4003) to `receiver` for `bsn`.
pub(crate) fn query(receiver: &str, bsn: &str) -> QueryContext {
    QueryContext {
        message_id: Ii::new("2.16.840.1.113883.2.4.6.6.4003.1", Some("query-message-1")),
        query_id: Some(Ii::new(
            "2.16.840.1.113883.2.4.6.6.4003.2",
            Some("query-id-1"),
        )),
        sender_app_id: "4003".to_owned(),
        receiver_app_id: receiver.to_owned(),
        bsn: Bsn::parse(bsn).unwrap(),
        now: datetime!(2026-12-04 10:30:15 UTC),
    }
}
