//! Authorization request validation: which failures redirect and which show an error page.

use std::collections::BTreeSet;

use medmij::authorize::{
    AuthorizeError, AuthorizeParams, NoRedirectReason, OfferedAanbieder, ProviderView,
    code_redirect, validate,
};
use medmij::error::{ErrorDescription, OAuthError};
use medmij::lists::{GegevensdienstId, Lists, OAuthClient, OAuthClientList};
use time::macros::datetime;
use url::Url;

const REDIRECT: &str = "https%3A%2F%2Fpgo.localhost%3A8442%2Fcallback";

fn lists() -> Lists {
    Lists {
        oauth_clients: Some(OAuthClientList {
            tijdstempel: datetime!(2026-12-04 20:00 UTC),
            volgnummer: 1,
            clients: vec![
                OAuthClient {
                    hostname: "pgo.localhost".into(),
                    organisatienaam: "Demo PGO".into(),
                },
                OAuthClient {
                    hostname: "other-pgo.localhost".into(),
                    organisatienaam: "Andere PGO".into(),
                },
            ],
        }),
        ..Lists::default()
    }
}

fn ids(values: &[&str]) -> BTreeSet<GegevensdienstId> {
    values
        .iter()
        .map(|id| GegevensdienstId::from(*id))
        .collect()
}

fn provider() -> ProviderView {
    ProviderView {
        aanbieders: vec![
            OfferedAanbieder {
                naam: "huisartsenpraktijk-delinde@medmij".into(),
                gegevensdiensten: ids(&["51", "49"]),
            },
            OfferedAanbieder {
                naam: "huisartsenpraktijk-hetanker@medmij".into(),
                gegevensdiensten: ids(&["49"]),
            },
        ],
    }
}

fn query(overrides: &[(&str, Option<&str>)]) -> String {
    let mut pairs: Vec<(String, String)> = vec![
        ("state".into(), "gAAAAABn-abc_def==".into()),
        (
            "X-Correlation-ID".into(),
            "0F8FAD5B-D9CB-469F-A165-70867728950E".into(),
        ),
        ("scope".into(), "huisartsenpraktijk-delinde".into()),
        ("client_id".into(), "pgo.localhost".into()),
        (
            "MedMij-Request-ID".into(),
            "7c9e6679-7425-40de-944b-e07fc1f90ae7".into(),
        ),
        ("response_type".into(), "code".into()),
        ("redirect_uri".into(), REDIRECT.into()),
    ];
    for (name, value) in overrides {
        pairs.retain(|(existing, _)| existing != name);
        if let Some(value) = value {
            pairs.push(((*name).into(), (*value).into()));
        }
    }
    pairs
        .into_iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn run(query: &str) -> Result<medmij::authorize::ValidAuthorization, AuthorizeError> {
    validate(&AuthorizeParams::from_query(query), &lists(), &provider())
}

fn no_redirect(query: &str) -> NoRedirectReason {
    match run(query) {
        Err(AuthorizeError::NoRedirect(reason)) => reason,
        other => panic!("expected an error page for {query}, got {other:?}"),
    }
}

fn redirect_error(query: &str) -> (OAuthError, ErrorDescription, Option<String>, Url) {
    let error = run(query).unwrap_err();
    let location = error.location().expect("a redirect");
    match error {
        AuthorizeError::Redirect { failure, state, .. } => {
            (failure.error, failure.description, state, location)
        }
        AuthorizeError::NoRedirect(reason) => panic!("expected a redirect, got {reason:?}"),
    }
}

#[test]
fn mgo_style_request_accepted() {
    let valid = run(&query(&[])).unwrap();
    assert_eq!(valid.client.hostname, "pgo.localhost");
    assert_eq!(valid.client.organisatienaam, "Demo PGO");
    assert_eq!(valid.redirect_uri, "https://pgo.localhost:8442/callback");
    assert_eq!(valid.state, "gAAAAABn-abc_def==");
    assert_eq!(valid.aanbieder, "huisartsenpraktijk-delinde@medmij");
    assert_eq!(valid.gegevensdiensten, ids(&["49", "51"]));
    assert_eq!(
        valid.correlation_id.as_deref(),
        Some("0f8fad5b-d9cb-469f-a165-70867728950e")
    );
    assert_eq!(
        valid.medmij_request_id.as_deref(),
        Some("7c9e6679-7425-40de-944b-e07fc1f90ae7")
    );
}

#[test]
fn header_ids_used_when_query_has_none() {
    let q = query(&[("X-Correlation-ID", None), ("MedMij-Request-ID", None)]);
    let params = AuthorizeParams::from_query(&q).with_header_ids(
        Some("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        Some("0f8fad5b-d9cb-469f-a165-70867728950e"),
    );
    let valid = validate(&params, &lists(), &provider()).unwrap();
    assert_eq!(
        valid.correlation_id.as_deref(),
        Some("0f8fad5b-d9cb-469f-a165-70867728950e")
    );
    let invalid = AuthorizeParams::from_query(&query(&[("X-Correlation-ID", Some("not-a-uuid"))]));
    assert_eq!(
        validate(&invalid, &lists(), &provider())
            .unwrap()
            .correlation_id,
        None
    );
}

#[test]
fn state_of_one_kilobyte_round_trips() {
    let state: String = "aZ09-_=.~".chars().cycle().take(2048).collect();
    let encoded: String = url::form_urlencoded::byte_serialize(state.as_bytes()).collect();
    let valid = run(&query(&[("state", Some(&encoded))])).unwrap();
    assert_eq!(valid.state, state);
    let location = code_redirect(&valid.redirect_url().unwrap(), "the-code", &valid.state);
    let returned: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    assert_eq!(
        returned,
        [
            ("code".to_owned(), "the-code".to_owned()),
            ("state".to_owned(), state)
        ]
    );
    assert_eq!(location.host_str(), Some("pgo.localhost"));
    assert_eq!(location.port(), Some(8442));

    let too_long = "s".repeat(4097);
    let (error, description, returned_state, _) =
        redirect_error(&query(&[("state", Some(&too_long))]));
    assert_eq!(
        (error, description),
        (OAuthError::InvalidRequest, ErrorDescription::StateTooLong)
    );
    assert_eq!(returned_state, None);
}

#[test]
fn scope_separators_and_subsets() {
    for scope in [
        "huisartsenpraktijk-delinde~49+huisartsenpraktijk-delinde~51",
        "huisartsenpraktijk-delinde~49%20huisartsenpraktijk-delinde@medmij~51",
    ] {
        let valid = run(&query(&[("scope", Some(scope))])).unwrap();
        assert_eq!(valid.gegevensdiensten, ids(&["49", "51"]), "{scope}");
    }
    let valid = run(&query(&[(
        "scope",
        Some("huisartsenpraktijk-hetanker@medmij"),
    )]))
    .unwrap();
    assert_eq!(valid.gegevensdiensten, ids(&["49"]));
    assert_eq!(valid.aanbieder, "huisartsenpraktijk-hetanker@medmij");
}

#[test]
fn client_failures_never_redirect() {
    let cases: Vec<(String, NoRedirectReason)> = vec![
        (
            query(&[("client_id", None)]),
            NoRedirectReason::MissingClientId,
        ),
        (
            query(&[("client_id", Some("unknown.localhost"))]),
            NoRedirectReason::UnknownClient,
        ),
        (
            query(&[("client_id", Some("PGO.localhost"))]),
            NoRedirectReason::UnknownClient,
        ),
        (
            query(&[("client_id", Some("pgo.localhost."))]),
            NoRedirectReason::UnknownClient,
        ),
        (
            query(&[("redirect_uri", None)]),
            NoRedirectReason::MissingRedirectUri,
        ),
        (
            query(&[("redirect_uri", Some("%2Fcallback"))]),
            NoRedirectReason::InvalidRedirectUri,
        ),
        (
            query(&[(
                "redirect_uri",
                Some("http%3A%2F%2Fpgo.localhost%2Fcallback"),
            )]),
            NoRedirectReason::RedirectUriNotHttps,
        ),
        (
            query(&[(
                "redirect_uri",
                Some("https%3A%2F%2Fpgo.localhost%2Fcb%23frag"),
            )]),
            NoRedirectReason::RedirectUriHasFragment,
        ),
        (
            query(&[(
                "redirect_uri",
                Some("https%3A%2F%2Fpgo.localhost%40evil.example%2Fcb"),
            )]),
            NoRedirectReason::RedirectUriHasUserinfo,
        ),
        (
            query(&[(
                "redirect_uri",
                Some("https%3A%2F%2Fpgo.localhost.evil.example%2Fcb"),
            )]),
            NoRedirectReason::RedirectUriHostMismatch,
        ),
        (
            query(&[("redirect_uri", Some("https%3A%2F%2Fpgo.localhostx%2Fcb"))]),
            NoRedirectReason::RedirectUriHostMismatch,
        ),
        (
            query(&[(
                "redirect_uri",
                Some("https%3A%2F%2Fother-pgo.localhost%2Fcb"),
            )]),
            NoRedirectReason::RedirectUriHostMismatch,
        ),
        (
            query(&[(
                "redirect_uri",
                Some("https%3A%2F%2Fevil.example%2F%3Fpgo.localhost"),
            )]),
            NoRedirectReason::RedirectUriHostMismatch,
        ),
        (
            query(&[("redirect_uri", Some("https%3A%2F%2F127.0.0.1%2Fcb"))]),
            NoRedirectReason::RedirectUriHostMismatch,
        ),
        (
            format!("{}&client_id=other-pgo.localhost", query(&[])),
            NoRedirectReason::RepeatedParameter("client_id".into()),
        ),
        (
            format!("{}&redirect_uri={REDIRECT}", query(&[])),
            NoRedirectReason::RepeatedParameter("redirect_uri".into()),
        ),
    ];
    for (q, expected) in cases {
        assert_eq!(no_redirect(&q), expected, "{q}");
    }
    let params = AuthorizeParams::from_query(&query(&[]));
    assert_eq!(
        validate(&params, &Lists::default(), &provider()),
        Err(AuthorizeError::NoRedirect(
            NoRedirectReason::ClientListUnavailable
        ))
    );
}

#[test]
fn other_failures_redirect_with_state() {
    let state = Some("gAAAAABn-abc_def==".to_owned());
    let cases = [
        (
            query(&[("response_type", Some("token"))]),
            OAuthError::UnsupportedResponseType,
            ErrorDescription::UnsupportedResponseType,
        ),
        (
            query(&[("response_type", None)]),
            OAuthError::InvalidRequest,
            ErrorDescription::MissingResponseType,
        ),
        (
            query(&[("scope", None)]),
            OAuthError::InvalidScope,
            ErrorDescription::MissingScope,
        ),
        (
            query(&[("scope", Some("a~49+b~49"))]),
            OAuthError::InvalidScope,
            ErrorDescription::MalformedScope,
        ),
        (
            query(&[("scope", Some("huisartsenpraktijk-delinde+onbehalfof"))]),
            OAuthError::InvalidScope,
            ErrorDescription::MalformedScope,
        ),
        (
            query(&[("scope", Some("onbekende-praktijk"))]),
            OAuthError::InvalidScope,
            ErrorDescription::UnknownAanbieder,
        ),
        (
            query(&[("scope", Some("huisartsenpraktijk-hetanker~51"))]),
            OAuthError::InvalidScope,
            ErrorDescription::GegevensdienstNotOffered,
        ),
        (
            format!("{}&scope=x", query(&[])),
            OAuthError::InvalidRequest,
            ErrorDescription::RepeatedParameter,
        ),
    ];
    for (q, error, description) in cases {
        let (got_error, got_description, got_state, location) = redirect_error(&q);
        assert_eq!((got_error, got_description), (error, description), "{q}");
        assert_eq!(got_state, state, "{q}");
        let pairs: Vec<(String, String)> = location.query_pairs().into_owned().collect();
        assert!(
            pairs.contains(&("error".into(), error.as_str().into())),
            "{location}"
        );
        assert!(pairs.contains(&("error_description".into(), description.as_str().into())));
        assert!(pairs.contains(&("state".into(), "gAAAAABn-abc_def==".into())));
        assert!(
            location
                .as_str()
                .starts_with("https://pgo.localhost:8442/callback?")
        );
    }
    let (error, _, returned_state, location) = redirect_error(&query(&[("state", None)]));
    assert_eq!(error, OAuthError::InvalidRequest);
    assert_eq!(returned_state, None);
    assert!(!location.query_pairs().any(|(name, _)| name == "state"));
}

#[test]
fn existing_redirect_query_kept() {
    let q = query(&[(
        "redirect_uri",
        Some("https%3A%2F%2Fpgo.localhost%3A8442%2Fcallback%3Fflow%3D1"),
    )]);
    let valid = run(&q).unwrap();
    let location = code_redirect(&valid.redirect_url().unwrap(), "c", "s");
    assert_eq!(
        location.as_str(),
        "https://pgo.localhost:8442/callback?flow=1&code=c&state=s"
    );
}
