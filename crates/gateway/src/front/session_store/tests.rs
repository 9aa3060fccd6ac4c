//! Sessions through a real SQLite store: every field survives, two nodes share them, they expire.

use std::sync::Arc;

use common::Bsn;
use store::sqlite::{SqliteLocation, SqliteStore};
use time::Duration;
use time::macros::datetime;

use super::*;
use crate::front::session::{AuthRequest, Session, Step};

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

async fn store() -> Arc<dyn Store> {
    let cipher = store::BsnCipher::from_hex(KEY).unwrap();
    Arc::new(
        SqliteStore::open(SqliteLocation::InMemory, cipher)
            .await
            .unwrap(),
    )
}

fn request() -> AuthRequest {
    AuthRequest {
        client_id: "pgo.localhost".into(),
        client_name: "Demo PGO".into(),
        redirect_uri: "https://pgo.localhost/callback".into(),
        state: "s&1".into(),
        practice: "huisartsenpraktijk-delinde@medmij".into(),
        gegevensdiensten: vec!["49".into(), "51".into()],
        correlation_id: "1c0ffee0-0000-4000-8000-000000000001".into(),
        request_id: "1c0ffee0-0000-4000-8000-000000000002".into(),
    }
}

#[tokio::test]
async fn every_field_survives_the_store() {
    let now = datetime!(2026-12-04 12:00 UTC);
    let sessions = Sessions::new(Duration::minutes(15), store().await);
    let mut session = Session::new(request(), now, Some(Lang::En));
    session.step = Step::Consent {
        bsn: Bsn::parse("999991103").unwrap(),
    };

    sessions.put(session.clone(), now).await;
    let found = sessions.get(&session.id, now).await.unwrap();

    assert_eq!(found.relay, session.relay);
    assert_eq!(found.public_id, session.public_id);
    assert_eq!(found.csrf, session.csrf);
    assert_eq!(found.lang, Some(Lang::En));
    assert_eq!(found.request.state, "s&1");
    assert_eq!(found.request.client_name, "Demo PGO");
    assert_eq!(found.request.gegevensdiensten, ["49", "51"]);
    assert_eq!(found.request.request_id, session.request.request_id);
    assert!(matches!(found.step, Step::Consent { bsn } if bsn.as_str() == "999991103"));
}

#[tokio::test]
async fn two_nodes_share_sessions() {
    let now = datetime!(2026-12-04 12:00 UTC);
    let shared = store().await;
    let node_a = Sessions::new(Duration::minutes(15), shared.clone());
    let node_b = Sessions::new(Duration::minutes(15), shared);
    let mut session = Session::new(request(), now, None);
    session.step = Step::Digid {
        saml_request_id: "_abc".into(),
    };

    node_a.put(session.clone(), now).await;
    let on_b = node_b.find(Some(session.id.clone()), now).await;

    assert!(
        matches!(on_b.map(|s| s.step), Some(Step::Digid { saml_request_id }) if saml_request_id == "_abc")
    );
    node_b.remove(&session.id).await;
    assert!(node_a.get(&session.id, now).await.is_none());
}

#[tokio::test]
async fn sessions_expire_after_lifetime() {
    let start = datetime!(2026-12-04 12:00 UTC);
    let sessions = Sessions::new(Duration::minutes(15), store().await);
    let session = Session::new(request(), start, None);
    let id = session.id.clone();

    sessions.put(session, start).await;

    assert!(
        sessions
            .get(&id, start + Duration::minutes(14))
            .await
            .is_some()
    );
    assert!(
        sessions
            .get(&id, start + Duration::minutes(16))
            .await
            .is_none()
    );
    assert!(sessions.find(None, start).await.is_none());
}
