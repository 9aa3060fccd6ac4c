//! Counters of the AORTA client, read by the gateway's metrics endpoint.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::PoisonError;
use std::time::Duration;

/// Receives one event per finished query; the gateway implements it to feed Prometheus.
pub trait MetricsSink: Send + Sync + std::fmt::Debug {
    /// Called once per query with the GP system's application id, the query interaction id, the
    /// outcome label (`ok` or [`crate::AortaError::label`]), the number of attempts and the time taken.
    fn query_finished(
        &self,
        his_app_id: &str,
        interaction: &str,
        outcome: &str,
        attempts: u32,
        elapsed: Duration,
    );
}

/// A [`MetricsSink`] that counts queries per (application id, interaction, outcome).
#[derive(Debug, Default)]
pub struct Counters {
    counts: Mutex<BTreeMap<(String, String, String), u64>>,
    attempts: Mutex<u64>,
}

impl Counters {
    /// Returns how many queries ended with `outcome` for this GP system and interaction.
    pub fn count(&self, his_app_id: &str, interaction: &str, outcome: &str) -> u64 {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts
            .get(&(
                his_app_id.to_owned(),
                interaction.to_owned(),
                outcome.to_owned(),
            ))
            .copied()
            .unwrap_or(0)
    }

    /// Returns every counter as ((application id, interaction, outcome), count).
    pub fn snapshot(&self) -> Vec<((String, String, String), u64)> {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }

    /// Returns the total number of send attempts (retries included).
    pub fn attempts(&self) -> u64 {
        *self.attempts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl MetricsSink for Counters {
    fn query_finished(
        &self,
        his_app_id: &str,
        interaction: &str,
        outcome: &str,
        attempts: u32,
        _elapsed: Duration,
    ) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        *counts
            .entry((
                his_app_id.to_owned(),
                interaction.to_owned(),
                outcome.to_owned(),
            ))
            .or_insert(0) += 1;
        *self.attempts.lock().unwrap_or_else(PoisonError::into_inner) += u64::from(attempts);
    }
}
