//! Adapters from the store, the configuration and the lists to the ports of the FHIR and admin modules.

use std::sync::Arc;

use futures::future::BoxFuture;

use crate::fhir::{
    AuditLog, HisTarget, PortError, Practice, PracticeDirectory, TokenGrant, TokenLookup,
};
use crate::state::App;

/// Access-token lookup in the store; revoked tokens and revoked consents are not found.
pub struct StoreTokens(pub Arc<App>);

impl TokenLookup for StoreTokens {
    fn access_token<'a>(
        &'a self,
        token_hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<TokenGrant>, PortError>> {
        Box::pin(async move {
            let record = self
                .0
                .grants
                .store()
                .get_access_token(token_hash)
                .await
                .map_err(|error| PortError(error.to_string()))?;
            Ok(record
                .filter(|r| r.revoked_at.is_none() && r.consent.revoked_at.is_none())
                .map(|r| TokenGrant {
                    bsn: r.consent.bsn.clone(),
                    zorgaanbieder: r.consent.aanbieder.clone(),
                    gegevensdiensten: r
                        .gegevensdiensten
                        .iter()
                        .map(|id| id.as_str().to_owned())
                        .collect(),
                    client_id: r.client_id.clone(),
                    expires_at: r.expires_at,
                }))
        })
    }
}

/// The NEN 7513 access log in the store.
pub struct StoreAudit(pub Arc<App>);

impl AuditLog for StoreAudit {
    fn record(&self, event: crate::fhir::AuditEvent) -> BoxFuture<'_, Result<(), PortError>> {
        Box::pin(async move {
            let record = store::AuditEvent {
                at: event.at,
                kind: store::AuditKind::DataAccess,
                client_id: Some(event.client_id),
                aanbieder: Some(event.zorgaanbieder),
                consent_id: None,
                bsn: Some(event.bsn),
                correlation_id: event.correlation_id,
                request_id: event.request_id,
                detail: serde_json::json!({
                    "gegevensdienst": event.gegevensdienst,
                    "action": event.action,
                    "status": event.status,
                    "resource_count": event.resource_count,
                }),
            };
            self.0
                .grants
                .store()
                .append_audit(&record)
                .await
                .map(|_| ())
                .map_err(|error| PortError(error.to_string()))
        })
    }
}

/// The practices of the configuration.
pub struct ConfiguredPractices(pub Arc<App>);

impl PracticeDirectory for ConfiguredPractices {
    fn practice<'a>(&'a self, naam: &'a str) -> BoxFuture<'a, Result<Option<Practice>, PortError>> {
        Box::pin(async move {
            Ok(self.0.config.practice(naam).map(|p| Practice {
                naam: p.medmij_naam.clone(),
                his: HisTarget {
                    app_id: p.his_app_id.clone(),
                    name: p.display_name.clone(),
                },
                gegevensdiensten: p.gegevensdiensten.clone(),
                online_access_start: Some(p.online_access_start),
            }))
        })
    }
}

/// Health probe: the store answers.
pub struct StoreProbe(pub Arc<App>);

impl crate::admin::HealthProbe for StoreProbe {
    fn name(&self) -> &str {
        "store"
    }

    fn check(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            self.0
                .grants
                .store()
                .ping()
                .await
                .map_err(|error| error.to_string())
        })
    }
}

/// Health probe: the OAuth Client List and Whitelist are present and no list is stale.
pub struct ListsProbe(pub Arc<App>);

impl crate::admin::HealthProbe for ListsProbe {
    fn name(&self) -> &str {
        "medmij_lists"
    }

    fn check(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            let lists = self.0.lists.snapshot();
            if lists.oauth_clients.is_none() || lists.whitelist.is_none() {
                return Err("no OAuth Client List or Whitelist".to_owned());
            }
            match self.0.metrics.lists_stale() {
                0 => Ok(()),
                stale => Err(format!("{stale} list(s) stale")),
            }
        })
    }
}
