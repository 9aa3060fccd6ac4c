//! The availability check's data source in production: a Ketenzorg query to the practice's GP system over the LSP.

use std::sync::Arc;

use common::{Bsn, Clock};

use crate::availability::{BoxFuture, LookupError, PatientDirectory, PatientFacts};
use crate::config::{Config, Practice};

/// Asks the GP system through the LSP whether it knows the person, and reads the birth date.
#[derive(Debug)]
pub struct AortaDirectory {
    _clock: Arc<dyn Clock>,
}

/// Why the AORTA connection could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct AortaSetupError(String);

impl AortaDirectory {
    /// Builds the AORTA client from the `[aorta]` section.
    pub fn from_config(_config: &Config, clock: Arc<dyn Clock>) -> Result<Self, AortaSetupError> {
        Ok(AortaDirectory { _clock: clock })
    }
}

impl PatientDirectory for AortaDirectory {
    fn find<'a>(
        &'a self,
        _practice: &'a Practice,
        _bsn: &'a Bsn,
        _correlation_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<PatientFacts>, LookupError>> {
        // TODO: query the GP system through aorta::Client once the aorta crate is available.
        Box::pin(async { Err(LookupError::Failed("the AORTA client is not available yet".into())) })
    }
}

impl crate::fhir::Lsp for AortaDirectory {
    fn query<'a>(
        &'a self,
        _his: &'a crate::fhir::HisTarget,
        _interaction: hl7v3::Interaction,
        _bsn: &'a Bsn,
        _period: Option<(time::Date, Option<time::Date>)>,
        _correlation_id: &'a str,
    ) -> BoxFuture<'a, Result<String, crate::fhir::LspError>> {
        // TODO: send the query through aorta::Client once the aorta crate is available.
        Box::pin(async {
            Err(crate::fhir::LspError::Failed(
                "the AORTA client is not available yet".into(),
            ))
        })
    }
}
