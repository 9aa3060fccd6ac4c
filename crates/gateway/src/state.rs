//! The shared state of the gateway's handlers.

use std::collections::BTreeSet;
use std::sync::{Arc, PoisonError, RwLock};

use common::Clock;
use medmij::authorize::{OfferedAanbieder, ProviderView};
use medmij::lists::{GegevensdienstId, Lists};

use crate::availability::PatientDirectory;
use crate::config::Config;
use crate::digid::Digid;
use crate::front::session_store::Sessions;
use crate::grants::Grants;
use crate::metrics::Metrics;

/// Everything a handler needs; shared as `Arc<App>`.
pub struct App {
    /// The configuration the gateway started with.
    pub config: Arc<Config>,
    /// The only source of the current time.
    pub clock: Arc<dyn Clock>,
    /// Consents, codes, tokens and audit events in the store.
    pub grants: Grants,
    /// The current MedMij lists, replaced by the list refresher.
    pub lists: SharedLists,
    /// Browser sessions of the front channel.
    pub sessions: Sessions,
    /// The DigiD connection.
    pub digid: Digid,
    /// The GP systems, for the availability check.
    pub directory: Arc<dyn PatientDirectory>,
    /// The practices and gegevensdiensten served, for validating scopes.
    pub provider_view: ProviderView,
    /// Lifetimes of codes, access tokens and refresh tokens.
    pub lifetimes: medmij::lifecycle::Lifetimes,
    /// Token-endpoint compatibility switches.
    pub token_options: medmij::token::TokenOptions,
    /// Counters of the OAuth side for the metrics endpoint.
    pub metrics: Arc<Metrics>,
    /// Counters of the FHIR side, shared with the admin module.
    pub fhir_metrics: Arc<crate::admin::Metrics>,
    /// The LSP, for FHIR queries.
    pub lsp: Arc<dyn crate::fhir::Lsp>,
    /// When this node started.
    pub started_at: time::OffsetDateTime,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("front_url", &self.config.listeners.front_url)
            .field("grants", &self.grants)
            .finish_non_exhaustive()
    }
}

/// The current lists behind a lock; readers take a cheap clone.
#[derive(Debug, Clone, Default)]
pub struct SharedLists(Arc<RwLock<Lists>>);

impl SharedLists {
    /// Returns a copy of the current lists.
    pub fn snapshot(&self) -> Lists {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Applies `change` to the current lists.
    pub fn update(&self, change: impl FnOnce(&mut Lists)) {
        change(&mut self.0.write().unwrap_or_else(PoisonError::into_inner));
    }
}

/// Builds the scope view of the configured practices.
pub fn provider_view(config: &Config) -> ProviderView {
    ProviderView {
        aanbieders: config
            .practices
            .iter()
            .map(|practice| OfferedAanbieder {
                naam: practice.medmij_naam.clone(),
                gegevensdiensten: practice
                    .gegevensdiensten
                    .iter()
                    .map(|id| GegevensdienstId::new(id.clone()))
                    .collect::<BTreeSet<_>>(),
            })
            .collect(),
    }
}

/// Builds the medmij lifetimes from the configured ones.
pub fn lifetimes(config: &Config) -> medmij::lifecycle::Lifetimes {
    medmij::lifecycle::Lifetimes {
        code: time::Duration::seconds(config.lifetimes.authorization_code_secs),
        access_token: time::Duration::seconds(config.lifetimes.access_token_secs),
        refresh_idle_months: config.lifetimes.consent_idle_months,
    }
}
