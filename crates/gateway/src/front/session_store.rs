//! The front-channel sessions in the shared store, so that every gateway node behind a load balancer
//! can serve each step of a login.
//!
//! A session is kept as the store's `AuthSession`: the request as a `ValidAuthorization`, the CSRF
//! token, the SAML request id, the BSN (encrypted by the store) and the step. The `stage` column
//! carries the step name with the relay key, the public id and the language as JSON. The store keys
//! sessions by the hash of the cookie value.

use std::sync::Arc;

use medmij::authorize::ValidAuthorization;
use medmij::lists::{GegevensdienstId, OAuthClient};
use store::{AuthSession, Store};
use time::{Duration, OffsetDateTime};

use super::session::{AuthRequest, Session, Step};
use crate::i18n::Lang;

/// The sessions of every gateway node, in the shared store.
pub struct Sessions {
    lifetime: Duration,
    store: Arc<dyn Store>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("lifetime", &self.lifetime)
            .finish()
    }
}

/// The contents of the `stage` column: the step and the session facts the store has no column for.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stage {
    step: String,
    relay: String,
    public_id: String,
    lang: Option<String>,
}

impl Sessions {
    /// Creates the session table view whose sessions end `lifetime` after their request.
    pub fn new(lifetime: Duration, store: Arc<dyn Store>) -> Sessions {
        Sessions { lifetime, store }
    }

    /// Stores or replaces a session and removes the expired ones. A store failure is logged, and
    /// the browser's next step then finds no session and gets the error page.
    pub async fn put(&self, session: Session, now: OffsetDateTime) {
        let public_id = session.public_id.clone();
        let stored = to_stored(session, self.lifetime);
        if let Err(error) = self.store.put_session(&stored).await {
            tracing::error!(%error, session = %public_id, "storing a session failed");
        }
        if let Err(error) = self.store.purge_expired_sessions(now).await {
            tracing::warn!(%error, "removing expired sessions failed");
        }
    }

    /// Returns the live session with cookie value `id`.
    pub async fn get(&self, id: &str, now: OffsetDateTime) -> Option<Session> {
        match self.store.get_session(id, now).await {
            Ok(stored) => stored.and_then(from_stored),
            Err(error) => {
                tracing::error!(%error, "reading a session failed");
                None
            }
        }
    }

    /// Returns the live session of a cookie value, if the browser sent one.
    pub async fn find(&self, id: Option<String>, now: OffsetDateTime) -> Option<Session> {
        match id {
            Some(id) => self.get(&id, now).await,
            None => None,
        }
    }

    /// Removes a session, so that its forms cannot be used again.
    pub async fn remove(&self, id: &str) {
        if let Err(error) = self.store.delete_session(id).await {
            tracing::error!(%error, "removing a session failed");
        }
    }
}

fn to_stored(session: Session, lifetime: Duration) -> AuthSession {
    let (step, saml_request_id, bsn) = match session.step {
        Step::Landing => ("landing", None, None),
        Step::Digid { saml_request_id } => ("digid", Some(saml_request_id), None),
        Step::Consent { bsn } => ("consent", None, Some(bsn)),
        Step::Cancelled => ("cancelled", None, None),
    };
    let stage = Stage {
        step: step.to_owned(),
        relay: session.relay,
        public_id: session.public_id,
        lang: session.lang.map(|lang| lang.code().to_owned()),
    };
    let request = session.request;
    AuthSession {
        id: session.id,
        request: ValidAuthorization {
            client: OAuthClient {
                hostname: request.client_id,
                organisatienaam: request.client_name,
            },
            redirect_uri: request.redirect_uri,
            state: request.state,
            scope: String::new(),
            aanbieder: request.practice,
            gegevensdiensten: request
                .gegevensdiensten
                .into_iter()
                .map(GegevensdienstId::new)
                .collect(),
            medmij_request_id: Some(request.request_id),
            correlation_id: Some(request.correlation_id),
        },
        csrf_token: session.csrf,
        saml_request_id,
        bsn,
        // A struct of strings always serializes; an empty stage would read back as no session.
        stage: serde_json::to_string(&stage).unwrap_or_default(),
        created_at: session.created,
        expires_at: session.created + lifetime,
    }
}

/// Rebuilds a session; `None` (logged) when the stored step is unreadable.
fn from_stored(stored: AuthSession) -> Option<Session> {
    let Ok(stage) = serde_json::from_str::<Stage>(&stored.stage) else {
        tracing::error!("a stored session has an unreadable stage");
        return None;
    };
    let step = match (stage.step.as_str(), stored.saml_request_id, stored.bsn) {
        ("landing", _, _) => Step::Landing,
        ("digid", Some(saml_request_id), _) => Step::Digid { saml_request_id },
        ("consent", _, Some(bsn)) => Step::Consent { bsn },
        ("cancelled", _, _) => Step::Cancelled,
        _ => {
            tracing::error!(step = %stage.step, "a stored session lacks the data of its step");
            return None;
        }
    };
    let request = stored.request;
    Some(Session {
        id: stored.id,
        relay: stage.relay,
        public_id: stage.public_id,
        csrf: stored.csrf_token,
        created: stored.created_at,
        lang: stage.lang.as_deref().and_then(Lang::parse),
        request: AuthRequest {
            client_id: request.client.hostname,
            client_name: request.client.organisatienaam,
            redirect_uri: request.redirect_uri,
            state: request.state,
            practice: request.aanbieder,
            gegevensdiensten: request
                .gegevensdiensten
                .iter()
                .map(|id| id.as_str().to_owned())
                .collect(),
            correlation_id: request.correlation_id.unwrap_or_default(),
            request_id: request.medmij_request_id.unwrap_or_default(),
        },
        step,
    })
}

#[cfg(test)]
mod tests;
