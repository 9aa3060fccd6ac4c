//! A patient directory over the simulated GP systems' data set, for the demo and the tests.
//!
//! It answers the availability check from the same persons that the HIS simulator serves, without
//! an LSP round trip. Production uses [`crate::aorta_directory::AortaDirectory`].

use std::sync::Arc;

use common::Bsn;

use crate::availability::{BoxFuture, LookupError, PatientDirectory, PatientFacts};
use crate::config::Practice;

/// Looks persons up in a `sim_his::HisData` set.
#[derive(Clone)]
pub struct HisDirectory(pub Arc<sim_his::HisData>);

impl std::fmt::Debug for HisDirectory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HisDirectory")
    }
}

impl PatientDirectory for HisDirectory {
    fn find<'a>(
        &'a self,
        practice: &'a Practice,
        bsn: &'a Bsn,
        _correlation_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<PatientFacts>, LookupError>> {
        Box::pin(async move {
            let Some(person) = self.0.person(&practice.his_app_id, bsn) else {
                return Ok(None);
            };
            // A person without a birth date cannot pass the age check; the GP system must know it.
            let birth_date = person.birth_date.ok_or_else(|| {
                LookupError::Failed("the GP system returned no birth date".to_owned())
            })?;
            Ok(Some(PatientFacts { birth_date }))
        })
    }
}
