//! The LSP connection of the gateway: FHIR queries and the availability check over AORTA.

use std::sync::Arc;

use common::{Bsn, Clock};
use hl7v3::Interaction;
use time::Date;

use crate::availability::{BoxFuture, LookupError, PatientDirectory, PatientFacts};
use crate::config::{Config, Practice};
use crate::fhir::{HisTarget, Lsp, LspError};

/// The AORTA client, serving both the FHIR module and the availability check.
#[derive(Debug)]
pub struct AortaDirectory {
    client: Arc<aorta::Client>,
    metrics: Arc<crate::aorta_metrics::AortaMetrics>,
    his_app_ids: Vec<String>,
}

/// Why the AORTA connection could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("AORTA set-up failed: {0}")]
pub struct AortaSetupError(String);

impl AortaDirectory {
    /// Builds the AORTA client from the `[aorta]` section and the outgoing trust anchors.
    pub fn from_config(config: &Config, clock: Arc<dyn Clock>) -> Result<Self, AortaSetupError> {
        let settings = &config.aorta;
        let error = |e: &dyn std::fmt::Display| AortaSetupError(e.to_string());
        let identity = tls::Identity::from_files(&settings.client_cert, &settings.client_key)
            .map_err(|e| error(&e))?;
        let signing = tls::Identity::from_files(&settings.signing_cert, &settings.signing_key)
            .map_err(|e| error(&e))?;
        let roots = std::fs::read_to_string(&config.tls.outgoing_roots).map_err(|e| {
            AortaSetupError(format!("{}: {e}", config.tls.outgoing_roots.display()))
        })?;
        let mut aorta_config =
            aorta::AortaConfig::demo(&settings.lsp_url, &roots, identity, signing);
        aorta_config.app_id = settings.app_id.clone();
        aorta_config.uzi_system_number = settings.uzi_system_number.clone();
        aorta_config.ura = settings.ura.clone();
        aorta_config.org_name = settings.org_name.clone();
        aorta_config.timeouts.request = std::time::Duration::from_secs(settings.timeout_secs);
        let metrics = Arc::new(crate::aorta_metrics::AortaMetrics::new());
        let client = aorta::Client::new(aorta_config, clock)
            .map_err(|e| error(&e))?
            .with_metrics(metrics.clone());
        let his_app_ids = config
            .practices
            .iter()
            .map(|p| p.his_app_id.clone())
            .collect();
        Ok(AortaDirectory {
            client: Arc::new(client),
            metrics,
            his_app_ids,
        })
    }

    async fn query(
        &self,
        his: &HisTarget,
        interaction: Interaction,
        bsn: &Bsn,
        period: Option<(Date, Option<Date>)>,
        correlation_id: &str,
    ) -> Result<String, aorta::AortaError> {
        let target = aorta::HisTarget {
            app_id: his.app_id.clone(),
            name: his.name.clone(),
        };
        let answer = self
            .client
            .query(&target, interaction, bsn, period, correlation_id)
            .await?;
        Ok(answer.xml)
    }
}

impl Lsp for AortaDirectory {
    fn metrics_text(&self) -> String {
        self.metrics
            .sample_breakers(&self.client, self.his_app_ids.iter().map(String::as_str));
        self.metrics.encode()
    }

    fn query<'a>(
        &'a self,
        his: &'a HisTarget,
        interaction: Interaction,
        bsn: &'a Bsn,
        period: Option<(Date, Option<Date>)>,
        correlation_id: &'a str,
    ) -> BoxFuture<'a, Result<String, LspError>> {
        Box::pin(async move {
            AortaDirectory::query(self, his, interaction, bsn, period, correlation_id)
                .await
                .map_err(crate::fhir::lsp_error)
        })
    }
}

/// The queries sent, in this order, until a response names the patient with a birth date. A person
/// with only letters (gegevensdienst 51) has no episodes, and not every response carries `birthTime`.
const PATIENT_SOURCES: [Interaction; 4] = [
    Interaction::EpisodesQuery,
    Interaction::CorrespondenceQuery,
    Interaction::MedicationAgreementsQuery,
    Interaction::JournalQuery,
];

impl PatientDirectory for AortaDirectory {
    /// Asks the GP system for the person's data; an answer's patient carries the birth date.
    fn find<'a>(
        &'a self,
        practice: &'a Practice,
        bsn: &'a Bsn,
        correlation_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<PatientFacts>, LookupError>> {
        Box::pin(async move {
            let his = HisTarget {
                app_id: practice.his_app_id.clone(),
                name: practice.display_name.clone(),
            };
            let mut known = false;
            for interaction in PATIENT_SOURCES {
                let answer =
                    match AortaDirectory::query(self, &his, interaction, bsn, None, correlation_id)
                        .await
                    {
                        Ok(answer) => answer,
                        Err(aorta::AortaError::NotFound | aorta::AortaError::NotRegistered) => {
                            continue;
                        }
                        Err(error) => return Err(LookupError::Failed(error.to_string())),
                    };
                known = true;
                if let Some(birth_date) = birth_date(&answer) {
                    return Ok(Some(PatientFacts { birth_date }));
                }
            }
            if known {
                return Err(LookupError::Failed(
                    "the GP system's responses carry no patient birth date".to_owned(),
                ));
            }
            Ok(None)
        })
    }
}

/// Reads the first `birthTime/@value` (HL7v3 TS) in a response.
fn birth_date(xml: &str) -> Option<Date> {
    let document = hl7v3::read::parse(xml).ok()?;
    document
        .descendants()
        .filter(|node| node.tag_name().name() == "birthTime")
        .find_map(|node| node.attribute("value"))
        .and_then(hl7v3::xml::ts_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_date_reads_hl7_timestamp() {
        let xml =
            r#"<a xmlns="urn:hl7-org:v3"><patient><birthTime value="19720315"/></patient></a>"#;
        assert_eq!(
            birth_date(xml),
            Date::from_calendar_date(1972, time::Month::March, 15).ok()
        );
        assert_eq!(birth_date("<a><birthTime value='1972'/></a>"), None);
        assert_eq!(birth_date("<a/>"), None);
    }
}
