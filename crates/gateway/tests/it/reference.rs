//! The main job on real input: the public Nictiz episodes example flows from the simulated GP system
//! through the LSP, the gateway and the MedMij flow to the PGO, and arrives as its direct translation.

use std::path::PathBuf;

use sim_pgo::{ConsentChoice, scope_for};

use crate::harness::{DELINDE, Harness, PGO};

/// The patient of `episodes_REPC_EX990111NL_01.xml`, identified there by this BSN.
const EXAMPLE_BSN: &str = "012345672";
const EXAMPLE_FILE: &str = "episodes_REPC_EX990111NL_01.xml";
const EPISODES: &str = "/fhir/huisartsenpraktijk-delinde/49/EpisodeOfCare";

/// The folder with the Nictiz Ketenzorg 3.0.2 answers, or `None` (and a message) when it is absent
/// outside CI.
fn examples_dir() -> Option<PathBuf> {
    let root = std::env::var_os("LSPPLUS_REFERENCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference")
        });
    let dir = root.join("hl7v3/ketenzorg-3.0.2/hl7v3_instance");
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

#[tokio::test]
async fn nictiz_episodes_reach_pgo() {
    let Some(dir) = examples_dir() else { return };
    let harness = Harness::start_with(Some(dir.clone())).await;
    let session = harness
        .pgo
        .run_flow(
            &harness.endpoints(),
            &scope_for(DELINDE, None),
            EXAMPLE_BSN,
            ConsentChoice::Allow,
        )
        .await
        .unwrap();

    let response = harness
        .back_client(Some(PGO))
        .get(format!("{}{EPISODES}", harness.gateway.back_url))
        .bearer_auth(&session.token.access_token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = format!("{:?}", response.headers());
    let body = response.text().await.unwrap();
    assert_eq!(status, 200, "{body}");

    // Nothing the PGO receives carries the patient's BSN: not the body, not a header.
    assert!(!body.contains(EXAMPLE_BSN), "the BSN leaked into the body");
    assert!(
        !headers.contains(EXAMPLE_BSN),
        "the BSN leaked into a header"
    );

    // The Bundle equals the direct translation of the example file, up to generated ids and order.
    let base = format!(
        "{}/fhir/huisartsenpraktijk-delinde/49",
        harness.gateway.back_url
    );
    let xml = std::fs::read_to_string(dir.join(EXAMPLE_FILE)).unwrap();
    let ctx = translate::Context::new(&base);
    let expected = translate::translate(&xml, &ctx)
        .unwrap()
        .to_bundle(&ctx, &format!("{}{EPISODES}", harness.gateway.back_url));
    let actual = fhir::Resource::from_json(&body).unwrap();
    let differences = fhir::compare(&actual, &expected);
    assert!(
        differences.is_empty(),
        "the PGO's Bundle differs from the translation of {EXAMPLE_FILE}: {differences:#?}"
    );
    let episodes = body.matches("\"resourceType\":\"EpisodeOfCare\"").count();
    assert!(episodes > 0, "no EpisodeOfCare in {body}");
    harness.stop().await;
}
