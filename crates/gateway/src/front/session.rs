//! Server-side browser sessions of the front channel, from authorization request to consent.
//!
//! The browser holds only a random cookie value. DigiD sees a separate short relay key, so that
//! neither the cookie value nor the PGO's `state` leaves the gateway. The sessions themselves live in
//! the shared store (see `session_store`), so that any gateway node can serve the next step.

use common::Bsn;
use rand::RngCore;
use time::OffsetDateTime;

use crate::i18n::Lang;

/// Name of the session cookie; the `__Host-` prefix makes browsers require Secure, Path=/ and no Domain.
pub const COOKIE_NAME: &str = "__Host-lspplus-session";

/// A validated authorization request, kept for the whole browser session.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    /// The OCL Hostname of the PGO.
    pub client_id: String,
    /// OAuthclientOrganisatienaam from the OCL, shown on the screens.
    pub client_name: String,
    /// The exact redirect URI of the request.
    pub redirect_uri: String,
    /// The PGO's `state`, returned byte for byte.
    pub state: String,
    /// MedMij-naam of the practice, with `@medmij`.
    pub practice: String,
    /// GegevensdienstIds requested and offered, ascending.
    pub gegevensdiensten: Vec<String>,
    /// `X-Correlation-ID` of the flow (generated when the PGO sent none).
    pub correlation_id: String,
    /// `MedMij-Request-ID` of the authorization request.
    pub request_id: String,
}

/// Where the browser is in the flow.
#[derive(Debug, Clone)]
pub enum Step {
    /// The landing page was shown; DigiD has not been started.
    Landing,
    /// The browser was sent to DigiD with this AuthnRequest id.
    Digid { saml_request_id: String },
    /// The person logged in and passed the availability check; the consent page is shown.
    Consent { bsn: Bsn },
    /// The person cancelled the DigiD login.
    Cancelled,
}

/// One browser session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Secret cookie value.
    pub id: String,
    /// Short random key sent to DigiD as RelayState.
    pub relay: String,
    /// Non-secret id shown on the error page and written to the logs.
    pub public_id: String,
    /// Token that every form of this session must echo.
    pub csrf: String,
    /// When the authorization request arrived.
    pub created: OffsetDateTime,
    /// The language chosen with `?lang=`, if any.
    pub lang: Option<Lang>,
    /// The authorization request.
    pub request: AuthRequest,
    /// The current step.
    pub step: Step,
}

impl Session {
    /// Creates a session with fresh random ids for `request`.
    pub fn new(request: AuthRequest, now: OffsetDateTime, lang: Option<Lang>) -> Session {
        Session {
            id: random_hex(32),
            relay: random_hex(16),
            public_id: uuid::Uuid::new_v4().to_string(),
            csrf: random_hex(32),
            created: now,
            lang,
            request,
            step: Step::Landing,
        }
    }
}

/// Returns `bytes` random bytes from the operating system's CSPRNG, hex-encoded.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// Compares two secrets in constant time.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn request() -> AuthRequest {
        AuthRequest {
            client_id: "pgo.localhost".into(),
            client_name: "Demo PGO".into(),
            redirect_uri: "https://pgo.localhost/callback".into(),
            state: "s".into(),
            practice: "huisartsenpraktijk-delinde@medmij".into(),
            gegevensdiensten: vec!["49".into()],
            correlation_id: "c".into(),
            request_id: "r".into(),
        }
    }

    #[test]
    fn session_ids_are_random_and_distinct() {
        let now = datetime!(2026-12-04 12:00 UTC);
        let a = Session::new(request(), now, None);
        let b = Session::new(request(), now, None);
        assert_ne!(a.id, b.id);
        assert_ne!(a.relay, a.id);
        assert_eq!(a.id.len(), 64);
        assert!(a.relay.len() <= 80);
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(secrets_equal("abc", "abc"));
        assert!(!secrets_equal("abc", "abd"));
        assert!(!secrets_equal("abc", "abcd"));
    }
}
