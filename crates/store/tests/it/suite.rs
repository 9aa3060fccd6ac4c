//! The backend-independent store tests; `backends` runs each on every backend.

use std::sync::Arc;

use medmij::error::ErrorDescription;
use medmij::lifecycle::{CodeGrant, ConsentDuration, Lifetimes, check_code};
use medmij::lists::ListKind;
use store::{
    AuditEvent, AuditKind, AuditQuery, AuthSession, Provider, ProviderStatus, Redemption, Store,
    StoreError,
};
use time::Duration;
use time::macros::date;

use crate::fixtures::{BSN, CLIENT, REDIRECT, T0, bsn, code, consent, ids, request, tokens};

pub async fn lists_keep_highest_volgnummer(store: Arc<dyn Store>) {
    assert!(store.get_list(ListKind::Whitelist).await.unwrap().is_none());
    assert!(
        store
            .put_list(ListKind::Whitelist, 5, "<five/>", T0)
            .await
            .unwrap()
    );
    assert!(
        !store
            .put_list(ListKind::Whitelist, 5, "<five again/>", T0)
            .await
            .unwrap()
    );
    assert!(
        !store
            .put_list(ListKind::Whitelist, 4, "<four/>", T0)
            .await
            .unwrap()
    );
    let later = T0 + Duration::minutes(15);
    assert!(
        store
            .put_list(ListKind::Whitelist, 6, "<six/>", later)
            .await
            .unwrap()
    );
    let stored = store.get_list(ListKind::Whitelist).await.unwrap().unwrap();
    assert_eq!(stored.volgnummer, 6);
    assert_eq!(stored.xml, "<six/>");
    assert_eq!(stored.fetched_at, later);
    assert_eq!(stored.kind, ListKind::Whitelist);
    assert!(
        store
            .get_list(ListKind::OAuthClientList)
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        store
            .put_list(ListKind::OAuthClientList, u64::MAX, "<x/>", T0)
            .await,
        Err(StoreError::OutOfRange(_))
    ));
}

pub async fn sessions_round_trip_and_expire(store: Arc<dyn Store>) {
    let mut session = AuthSession {
        id: medmij::secret::Secret::generate().as_str().to_owned(),
        request: request(),
        csrf_token: "csrf-token".into(),
        saml_request_id: None,
        bsn: None,
        stage: "login".into(),
        created_at: T0,
        expires_at: T0 + Duration::minutes(15),
    };
    store.put_session(&session).await.unwrap();
    assert_eq!(
        store.get_session(&session.id, T0).await.unwrap(),
        Some(session.clone())
    );

    session.saml_request_id = Some("_a1b2c3".into());
    session.bsn = Some(bsn());
    session.stage = "consent".into();
    store.put_session(&session).await.unwrap();
    let loaded = store
        .get_session(&session.id, T0 + Duration::minutes(14))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(loaded, session);
    assert_eq!(loaded.request.state, "gAAAAABn-abc_def==");

    assert_eq!(
        store
            .get_session(&session.id, session.expires_at)
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.get_session("other-id", T0).await.unwrap(), None);
    assert_eq!(store.purge_expired_sessions(T0).await.unwrap(), 0);
    assert_eq!(
        store
            .purge_expired_sessions(session.expires_at)
            .await
            .unwrap(),
        1
    );
    assert!(!store.delete_session(&session.id).await.unwrap());

    store.put_session(&session).await.unwrap();
    assert!(store.delete_session(&session.id).await.unwrap());
    assert_eq!(store.get_session(&session.id, T0).await.unwrap(), None);
}

pub async fn code_redeemed_once(store: Arc<dyn Store>) {
    let (_, new_code) = code();
    let consent = store
        .issue_code(&consent(ConsentDuration::Indefinite), &new_code)
        .await
        .unwrap();
    assert_eq!(consent.bsn, bsn());
    assert_eq!(consent.gegevensdiensten, ids(&["49", "51"]));

    let now = T0 + Duration::minutes(1);
    let (access_hash, refresh_hash, new_tokens) = tokens(now, Some(false));
    let redemption = store
        .redeem_code(&new_code.hash, CLIENT, REDIRECT, &new_tokens, now)
        .await
        .unwrap();
    let Redemption::Redeemed {
        code: redeemed,
        consent: redeemed_consent,
    } = redemption
    else {
        panic!("expected Redeemed, got {redemption:?}");
    };
    assert_eq!(redeemed.used_at, Some(now));
    assert_eq!(
        redeemed.access_token_hash.as_deref(),
        Some(access_hash.as_str())
    );
    assert_eq!(
        redeemed.correlation_id.as_deref(),
        Some("0f8fad5b-d9cb-469f-a165-70867728950e")
    );
    assert_eq!(redeemed_consent.id, consent.id);
    assert_eq!(redeemed_consent.last_used_at, now);

    let token = store.get_access_token(&access_hash).await.unwrap().unwrap();
    assert_eq!(token.consent.bsn, bsn());
    assert_eq!(token.consent.aanbieder, "huisartsenpraktijk-delinde@medmij");
    assert_eq!(token.client_id, CLIENT);
    assert_eq!(token.gegevensdiensten, ids(&["49", "51"]));
    assert_eq!(token.expires_at, now + Duration::minutes(15));
    assert_eq!(token.revoked_at, None);
    let refresh = store
        .get_refresh_token(refresh_hash.as_deref().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(!refresh.placeholder);
    assert_eq!(refresh.last_used_at, now);

    let replay_at = now + Duration::seconds(30);
    let (second_access, _, second_tokens) = tokens(replay_at, Some(false));
    let replay = store
        .redeem_code(&new_code.hash, CLIENT, REDIRECT, &second_tokens, replay_at)
        .await
        .unwrap();
    assert!(
        matches!(
            replay,
            Redemption::Replayed {
                revoked_tokens: 2,
                ..
            }
        ),
        "{replay:?}"
    );
    assert_eq!(
        store
            .get_access_token(&access_hash)
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        Some(replay_at)
    );
    assert!(
        store
            .get_refresh_token(refresh_hash.as_deref().unwrap())
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_some()
    );
    assert!(
        store
            .get_access_token(&second_access)
            .await
            .unwrap()
            .is_none()
    );

    let (_, _, unknown_tokens) = tokens(now, None);
    let unknown = store
        .redeem_code(
            "0".repeat(64).as_str(),
            CLIENT,
            REDIRECT,
            &unknown_tokens,
            now,
        )
        .await
        .unwrap();
    assert_eq!(unknown, Redemption::Unknown);
}

pub async fn concurrent_redemption_has_one_winner(store: Arc<dyn Store>) {
    let (_, new_code) = code();
    store
        .issue_code(&consent(ConsentDuration::OneOff), &new_code)
        .await
        .unwrap();
    let now = T0 + Duration::minutes(2);
    let mut handles = Vec::new();
    for _ in 0..8 {
        let store = Arc::clone(&store);
        let hash = new_code.hash.clone();
        handles.push(tokio::spawn(async move {
            let (access, _, new_tokens) = tokens(now, None);
            let result = store
                .redeem_code(&hash, CLIENT, REDIRECT, &new_tokens, now)
                .await
                .unwrap();
            (access, result)
        }));
    }
    let mut winners = Vec::new();
    let mut replays = 0;
    for handle in handles {
        match handle.await.unwrap() {
            (access, Redemption::Redeemed { .. }) => winners.push(access),
            (_, Redemption::Replayed { .. }) => replays += 1,
            (_, other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one presentation must win");
    assert_eq!(replays, 7);
    // Every later presentation counts as a replay, so the winner's token ends up revoked.
    let token = store.get_access_token(&winners[0]).await.unwrap().unwrap();
    assert!(token.revoked_at.is_some());
}

pub async fn code_rejections_change_nothing(store: Arc<dyn Store>) {
    let lifetimes = Lifetimes::default();
    let (_, new_code) = code();
    store
        .issue_code(&consent(ConsentDuration::OneOff), &new_code)
        .await
        .unwrap();
    let cases = [
        (
            T0 + Duration::minutes(15),
            CLIENT,
            REDIRECT,
            ErrorDescription::CodeExpired,
        ),
        (
            T0,
            "other-pgo.localhost",
            REDIRECT,
            ErrorDescription::ClientMismatch,
        ),
        (
            T0,
            CLIENT,
            "https://pgo.localhost:8442/other",
            ErrorDescription::RedirectUriMismatch,
        ),
    ];
    for (now, client, redirect, expected) in cases {
        let (access, _, new_tokens) = tokens(now, None);
        let result = store
            .redeem_code(&new_code.hash, client, redirect, &new_tokens, now)
            .await
            .unwrap();
        let Redemption::Rejected {
            code,
            consent_revoked,
        } = result
        else {
            panic!("expected Rejected for {expected:?}, got {result:?}");
        };
        assert!(!consent_revoked);
        assert_eq!(code.used_at, None);
        let grant = CodeGrant {
            issued_at: code.issued_at,
            used_at: code.used_at,
            client_id: &code.client_id,
            redirect_uri: &code.redirect_uri,
        };
        let rejection = check_code(&grant, client, redirect, now, &lifetimes).unwrap_err();
        assert_eq!(rejection.failure.description, expected);
        assert!(store.get_access_token(&access).await.unwrap().is_none());
    }
    let (_, _, new_tokens) = tokens(T0, None);
    let result = store
        .redeem_code(&new_code.hash, CLIENT, REDIRECT, &new_tokens, T0)
        .await
        .unwrap();
    assert!(matches!(result, Redemption::Redeemed { .. }), "{result:?}");

    let (_, revoked_code) = code();
    let revoked = store
        .issue_code(&consent(ConsentDuration::OneOff), &revoked_code)
        .await
        .unwrap();
    assert!(store.revoke_consent(revoked.id, T0).await.unwrap());
    let result = store
        .redeem_code(&revoked_code.hash, CLIENT, REDIRECT, &new_tokens, T0)
        .await
        .unwrap();
    assert!(
        matches!(
            result,
            Redemption::Rejected {
                consent_revoked: true,
                ..
            }
        ),
        "{result:?}"
    );
}

pub async fn refresh_and_revocation(store: Arc<dyn Store>) {
    let (_, indefinite_code) = code();
    let indefinite = store
        .issue_code(&consent(ConsentDuration::Indefinite), &indefinite_code)
        .await
        .unwrap();
    let (access, refresh, new_tokens) = tokens(T0, Some(false));
    store
        .redeem_code(&indefinite_code.hash, CLIENT, REDIRECT, &new_tokens, T0)
        .await
        .unwrap();
    let refresh = refresh.unwrap();

    let later = T0 + Duration::days(30);
    let (refreshed_access, _, refreshed) = tokens(later, None);
    assert!(
        store
            .refresh(
                &refresh,
                &refreshed.access_hash,
                refreshed.access_expires_at,
                later
            )
            .await
            .unwrap()
    );
    let token = store
        .get_access_token(&refreshed_access)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(token.consent.id, indefinite.id);
    assert_eq!(token.gegevensdiensten, ids(&["49", "51"]));
    assert_eq!(
        token.correlation_id.as_deref(),
        Some("0f8fad5b-d9cb-469f-a165-70867728950e")
    );
    let record = store.get_refresh_token(&refresh).await.unwrap().unwrap();
    assert_eq!(record.last_used_at, later);
    assert_eq!(record.consent.last_used_at, later);
    assert!(!store.refresh("unknown", "x", later, later).await.unwrap());

    let (_, one_off_code) = code();
    let one_off = store
        .issue_code(&consent(ConsentDuration::OneOff), &one_off_code)
        .await
        .unwrap();
    let (_, placeholder, placeholder_tokens) = tokens(T0, Some(true));
    store
        .redeem_code(
            &one_off_code.hash,
            CLIENT,
            REDIRECT,
            &placeholder_tokens,
            T0,
        )
        .await
        .unwrap();
    let placeholder = placeholder.unwrap();
    assert!(
        store
            .get_refresh_token(&placeholder)
            .await
            .unwrap()
            .unwrap()
            .placeholder
    );
    let (never, _, never_tokens) = tokens(later, None);
    assert!(
        !store
            .refresh(&placeholder, &never_tokens.access_hash, later, later)
            .await
            .unwrap()
    );
    assert!(store.get_access_token(&never).await.unwrap().is_none());

    let consents = store.consents_for_bsn(&bsn()).await.unwrap();
    assert_eq!(
        consents.iter().map(|c| c.id).collect::<Vec<_>>(),
        [one_off.id, indefinite.id]
    );
    assert!(
        store
            .consents_for_bsn(&common::Bsn::parse("111222333").unwrap())
            .await
            .unwrap()
            .is_empty()
    );

    let revoke_at = later + Duration::hours(1);
    assert!(
        store
            .revoke_consent(indefinite.id, revoke_at)
            .await
            .unwrap()
    );
    assert!(
        !store
            .revoke_consent(indefinite.id, revoke_at)
            .await
            .unwrap()
    );
    assert!(!store.revoke_consent(9_999_999, revoke_at).await.unwrap());
    assert_eq!(
        store
            .get_consent(indefinite.id)
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        Some(revoke_at)
    );
    for hash in [&access, &refreshed_access] {
        assert_eq!(
            store
                .get_access_token(hash)
                .await
                .unwrap()
                .unwrap()
                .revoked_at,
            Some(revoke_at)
        );
    }
    assert_eq!(
        store
            .get_refresh_token(&refresh)
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        Some(revoke_at)
    );
    let (_, _, after) = tokens(revoke_at, None);
    assert!(
        !store
            .refresh(&refresh, &after.access_hash, revoke_at, revoke_at)
            .await
            .unwrap()
    );
}

fn event(kind: AuditKind, minutes: i64, with_bsn: bool) -> AuditEvent {
    AuditEvent {
        at: T0 + Duration::minutes(minutes),
        kind,
        client_id: Some(CLIENT.into()),
        aanbieder: Some("huisartsenpraktijk-delinde@medmij".into()),
        consent_id: None,
        bsn: with_bsn.then(bsn),
        correlation_id: Some("0f8fad5b-d9cb-469f-a165-70867728950e".into()),
        request_id: None,
        detail: serde_json::json!({ "search": "EpisodeOfCare", "minutes": minutes }),
    }
}

pub async fn audit_trail_append_only(store: Arc<dyn Store>) {
    let first = store
        .append_audit(&event(AuditKind::ConsentGiven, 0, true))
        .await
        .unwrap();
    let second = store
        .append_audit(&event(AuditKind::DataAccess, 5, true))
        .await
        .unwrap();
    let third = store
        .append_audit(&event(AuditKind::TokenIssued, 10, false))
        .await
        .unwrap();
    assert!(first < second);
    assert!(second < third);

    let all = store.audit_events(&AuditQuery::default()).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.id).collect::<Vec<_>>(),
        [first, second, third]
    );
    assert_eq!(all[0].event, event(AuditKind::ConsentGiven, 0, true));
    assert_eq!(all[2].event.bsn, None);

    let by_bsn = AuditQuery {
        bsn: Some(bsn()),
        ..AuditQuery::default()
    };
    assert_eq!(store.audit_events(&by_bsn).await.unwrap().len(), 2);
    let by_kind = AuditQuery {
        kind: Some(AuditKind::DataAccess),
        ..AuditQuery::default()
    };
    assert_eq!(store.audit_events(&by_kind).await.unwrap()[0].id, second);
    let window = AuditQuery {
        since: Some(T0 + Duration::minutes(5)),
        until: Some(T0 + Duration::minutes(10)),
        ..AuditQuery::default()
    };
    assert_eq!(
        store
            .audit_events(&window)
            .await
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect::<Vec<_>>(),
        [second]
    );
    let limited = AuditQuery {
        limit: 1,
        ..AuditQuery::default()
    };
    assert_eq!(store.audit_events(&limited).await.unwrap().len(), 1);
}

pub async fn providers_round_trip(store: Arc<dyn Store>) {
    let mut provider = Provider {
        naam: "huisartsenpraktijk-hetanker@medmij".into(),
        display_name: "Huisartsenpraktijk Het Anker".into(),
        ura: "00002222".into(),
        agb: None,
        his_app_id: "4002".into(),
        gegevensdiensten: ids(&["49"]),
        online_access_start: Some(date!(2020 - 07 - 01)),
        status: ProviderStatus::Pending,
        details: serde_json::json!({ "his": "demo" }),
        created_at: T0,
        updated_at: T0,
    };
    let mut other = provider.clone();
    other.naam = "huisartsenpraktijk-delinde@medmij".into();
    other.online_access_start = None;
    store.put_provider(&provider).await.unwrap();
    store.put_provider(&other).await.unwrap();
    assert_eq!(
        store.get_provider(&provider.naam).await.unwrap(),
        Some(provider.clone())
    );

    provider.status = ProviderStatus::Approved;
    provider.gegevensdiensten = ids(&["49", "51"]);
    provider.agb = Some("01234567".into());
    provider.updated_at = T0 + Duration::days(1);
    store.put_provider(&provider).await.unwrap();
    assert_eq!(
        store.get_provider(&provider.naam).await.unwrap(),
        Some(provider.clone())
    );

    let names: Vec<String> = store
        .list_providers()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.naam)
        .collect();
    assert_eq!(
        names,
        [
            "huisartsenpraktijk-delinde@medmij",
            "huisartsenpraktijk-hetanker@medmij"
        ]
    );
    assert_eq!(store.get_provider("onbekend@medmij").await.unwrap(), None);
}

pub async fn duplicate_token_hash_rejected(store: Arc<dyn Store>) {
    let (_, new_code) = code();
    store
        .issue_code(&consent(ConsentDuration::OneOff), &new_code)
        .await
        .unwrap();
    assert!(matches!(
        store
            .issue_code(&consent(ConsentDuration::OneOff), &new_code)
            .await,
        Err(StoreError::Duplicate)
    ));
    assert_eq!(
        store.consents_for_bsn(&bsn()).await.unwrap().len(),
        1,
        "the failed insert rolled back"
    );

    let (_, first_code) = code();
    store
        .issue_code(&consent(ConsentDuration::OneOff), &first_code)
        .await
        .unwrap();
    let (_, _, first_tokens) = tokens(T0, None);
    store
        .redeem_code(&first_code.hash, CLIENT, REDIRECT, &first_tokens, T0)
        .await
        .unwrap();

    // Reusing an existing access token hash fails and leaves the second code unused.
    let result = store
        .redeem_code(&new_code.hash, CLIENT, REDIRECT, &first_tokens, T0)
        .await;
    assert!(matches!(result, Err(StoreError::Duplicate)), "{result:?}");
    let (_, _, fresh) = tokens(T0, None);
    let retry = store
        .redeem_code(&new_code.hash, CLIENT, REDIRECT, &fresh, T0)
        .await
        .unwrap();
    assert!(matches!(retry, Redemption::Redeemed { .. }), "{retry:?}");
}

/// Writes a BSN through every path that stores one: session, consent and audit event.
pub async fn write_bsn_everywhere(store: &dyn Store) {
    let session = AuthSession {
        id: "session-with-bsn".into(),
        request: request(),
        csrf_token: "csrf".into(),
        saml_request_id: None,
        bsn: Some(bsn()),
        stage: "consent".into(),
        created_at: T0,
        expires_at: T0 + Duration::minutes(15),
    };
    store.put_session(&session).await.unwrap();
    let (_, new_code) = code();
    store
        .issue_code(&consent(ConsentDuration::OneOff), &new_code)
        .await
        .unwrap();
    store
        .append_audit(&event(AuditKind::DataAccess, 1, true))
        .await
        .unwrap();
    assert_eq!(bsn().as_str(), BSN);
}

pub async fn expired_grants_purged(store: Arc<dyn Store>) {
    let (_, old_code) = code();
    store
        .issue_code(&consent(ConsentDuration::OneOff), &old_code)
        .await
        .unwrap();
    let (old_access, _, old_tokens) = tokens(T0, None);
    store
        .redeem_code(&old_code.hash, CLIENT, REDIRECT, &old_tokens, T0)
        .await
        .unwrap();

    let (_, fresh_code) = code();
    let fresh_code = store::NewCode {
        expires_at: T0 + Duration::days(2),
        ..fresh_code
    };
    store
        .issue_code(&consent(ConsentDuration::OneOff), &fresh_code)
        .await
        .unwrap();

    let before = T0 + Duration::days(1);
    assert_eq!(store.purge_expired_grants(before).await.unwrap(), 2);
    assert!(store.get_access_token(&old_access).await.unwrap().is_none());
    let (_, _, retry) = tokens(T0, None);
    let gone = store
        .redeem_code(&old_code.hash, CLIENT, REDIRECT, &retry, T0)
        .await
        .unwrap();
    assert_eq!(gone, Redemption::Unknown);
    let (_, _, fresh_tokens) = tokens(T0, None);
    let kept = store
        .redeem_code(&fresh_code.hash, CLIENT, REDIRECT, &fresh_tokens, T0)
        .await
        .unwrap();
    assert!(matches!(kept, Redemption::Redeemed { .. }), "{kept:?}");
    // The fresh code stays, but the access token just issued for it expired 15 minutes after T0.
    assert_eq!(store.purge_expired_grants(before).await.unwrap(), 1);
}
