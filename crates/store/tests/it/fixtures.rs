//! Test data for the store suite.

use std::collections::BTreeSet;

use common::Bsn;
use medmij::authorize::ValidAuthorization;
use medmij::lifecycle::ConsentDuration;
use medmij::lists::{GegevensdienstId, OAuthClient};
use medmij::secret::{Secret, hash};
use store::{NewCode, NewConsent, NewRefreshToken, NewTokens};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// A fictitious BSN that passes the 11-test.
pub const BSN: &str = "999911120";
pub const CLIENT: &str = "pgo.localhost";
pub const REDIRECT: &str = "https://pgo.localhost:8442/callback";
pub const T0: OffsetDateTime = datetime!(2026-12-04 20:00:00.123456 UTC);

pub fn bsn() -> Bsn {
    Bsn::parse(BSN).unwrap()
}

pub fn ids(values: &[&str]) -> BTreeSet<GegevensdienstId> {
    values
        .iter()
        .map(|id| GegevensdienstId::from(*id))
        .collect()
}

pub fn request() -> ValidAuthorization {
    ValidAuthorization {
        client: OAuthClient {
            hostname: CLIENT.into(),
            organisatienaam: "Demo PGO".into(),
        },
        redirect_uri: REDIRECT.into(),
        state: "gAAAAABn-abc_def==".into(),
        scope: "huisartsenpraktijk-delinde".into(),
        aanbieder: "huisartsenpraktijk-delinde@medmij".into(),
        gegevensdiensten: ids(&["49", "51"]),
        medmij_request_id: Some("7c9e6679-7425-40de-944b-e07fc1f90ae7".into()),
        correlation_id: Some("0f8fad5b-d9cb-469f-a165-70867728950e".into()),
    }
}

pub fn consent(duration: ConsentDuration) -> NewConsent {
    NewConsent {
        client_id: CLIENT.into(),
        aanbieder: "huisartsenpraktijk-delinde@medmij".into(),
        gegevensdiensten: ids(&["51", "49"]),
        bsn: bsn(),
        duration,
        correlation_id: Some("0f8fad5b-d9cb-469f-a165-70867728950e".into()),
        given_at: T0,
    }
}

/// Creates a code issued at `T0`: the secret and the record to store.
pub fn code() -> (Secret, NewCode) {
    let secret = Secret::generate();
    let new = NewCode {
        hash: secret.hash(),
        redirect_uri: REDIRECT.into(),
        issued_at: T0,
        expires_at: T0 + Duration::minutes(15),
    };
    (secret, new)
}

/// New tokens: access token, and a refresh token unless `refresh` is None.
pub fn tokens(now: OffsetDateTime, refresh: Option<bool>) -> (String, Option<String>, NewTokens) {
    let access = Secret::generate();
    let refresh_secret = refresh.map(|_| Secret::generate());
    let new = NewTokens {
        access_hash: access.hash(),
        access_expires_at: now + Duration::minutes(15),
        refresh: refresh
            .zip(refresh_secret.as_ref())
            .map(|(placeholder, secret)| NewRefreshToken {
                hash: secret.hash(),
                placeholder,
            }),
    };
    (
        hash(access.as_str()),
        refresh_secret.map(|secret| secret.hash()),
        new,
    )
}
