//! Shared state: the identity provider, the artifact store and the open login pages.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use common::Clock;
use saml::artifact::ArtifactStore;
use saml::idp::AuthnRequestInfo;
use time::OffsetDateTime;

use crate::Settings;

/// A login page that was shown and not yet submitted.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub request: AuthnRequestInfo,
    pub csrf_token: String,
    pub expires: OffsetDateTime,
}

#[derive(Debug)]
pub(crate) struct State {
    pub settings: Settings,
    pub clock: Arc<dyn Clock>,
    pub artifacts: ArtifactStore,
    pending: Mutex<HashMap<String, Pending>>,
}

impl State {
    pub fn new(settings: Settings, clock: Arc<dyn Clock>) -> Self {
        Self {
            artifacts: ArtifactStore::new(settings.artifact_lifetime),
            settings,
            clock,
            pending: Mutex::new(HashMap::new()),
        }
    }

    /// Stores a login page and returns its transaction ID and CSRF token.
    pub fn open(&self, request: AuthnRequestInfo) -> (String, String) {
        let now = self.clock.now();
        let transaction = random_token();
        let csrf_token = random_token();
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        pending.retain(|_, p| p.expires > now);
        pending.insert(
            transaction.clone(),
            Pending {
                request,
                csrf_token: csrf_token.clone(),
                expires: now + self.settings.login_lifetime,
            },
        );
        (transaction, csrf_token)
    }

    /// Returns the unexpired login page `transaction` without removing it.
    pub fn get(&self, transaction: &str) -> Option<Pending> {
        let now = self.clock.now();
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(transaction)
            .filter(|p| p.expires > now)
            .cloned()
    }

    /// Removes the login page `transaction`, so its form works once.
    pub fn close(&self, transaction: &str) {
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(transaction);
    }
}

/// Returns 128 random bits as 32 hex digits.
fn random_token() -> String {
    rand::random::<[u8; 16]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
