//! A circuit breaker per GP system, timed with the injected clock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use common::Clock;
use time::OffsetDateTime;

use crate::config::BreakerSettings;

/// The state of one breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Queries pass.
    Closed,
    /// Queries are rejected until the time given.
    Open,
    /// One trial query is in flight; others are rejected until it ends.
    HalfOpen,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    consecutive_failures: u32,
    open_until: Option<OffsetDateTime>,
    trial_in_flight: bool,
}

/// Breakers keyed by AORTA application id.
#[derive(Debug)]
pub(crate) struct Breakers {
    settings: BreakerSettings,
    clock: Arc<dyn Clock>,
    entries: Mutex<HashMap<String, Entry>>,
}

impl Breakers {
    pub(crate) fn new(settings: BreakerSettings, clock: Arc<dyn Clock>) -> Self {
        Self {
            settings,
            clock,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Asks to send a query to `app_id`; false when the breaker rejects it.
    pub(crate) fn try_acquire(&self, app_id: &str) -> bool {
        let now = self.clock.now();
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = entries.entry(app_id.to_owned()).or_insert(Entry {
            consecutive_failures: 0,
            open_until: None,
            trial_in_flight: false,
        });
        match entry.open_until {
            None => true,
            Some(until) if now < until => false,
            Some(_) if entry.trial_in_flight => false,
            Some(_) => {
                entry.trial_in_flight = true;
                true
            }
        }
    }

    /// Lets a query through like [`Self::try_acquire`] and returns a permit that records its
    /// outcome; a permit dropped without [`Permit::finish`] (a cancelled query) frees the trial slot.
    pub(crate) fn acquire<'a>(&'a self, app_id: &'a str) -> Option<Permit<'a>> {
        self.try_acquire(app_id).then_some(Permit {
            breakers: self,
            app_id,
            finished: false,
        })
    }

    fn release_trial(&self, app_id: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = entries.get_mut(app_id) {
            entry.trial_in_flight = false;
        }
    }

    /// Records the outcome of a query that [`Self::try_acquire`] let through.
    pub(crate) fn record(&self, app_id: &str, availability_failure: bool) {
        let now = self.clock.now();
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = entries.get_mut(app_id) else {
            return;
        };
        let was_trial = entry.trial_in_flight;
        entry.trial_in_flight = false;
        if !availability_failure {
            *entry = Entry {
                consecutive_failures: 0,
                open_until: None,
                trial_in_flight: false,
            };
            return;
        }
        entry.consecutive_failures = entry.consecutive_failures.saturating_add(1);
        if was_trial || entry.consecutive_failures >= self.settings.failure_threshold {
            entry.open_until = Some(now + self.settings.open_for);
        }
    }

    /// Returns the state of the breaker of `app_id`.
    pub(crate) fn state(&self, app_id: &str) -> BreakerState {
        let now = self.clock.now();
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        match entries.get(app_id) {
            Some(Entry {
                open_until: Some(until),
                ..
            }) if now < *until => BreakerState::Open,
            Some(Entry {
                open_until: Some(_),
                ..
            }) => BreakerState::HalfOpen,
            _ => BreakerState::Closed,
        }
    }
}

/// A query let through by the breaker; see [`Breakers::acquire`].
pub(crate) struct Permit<'a> {
    breakers: &'a Breakers,
    app_id: &'a str,
    finished: bool,
}

impl Permit<'_> {
    /// Records the outcome of the query.
    pub(crate) fn finish(mut self, availability_failure: bool) {
        self.finished = true;
        self.breakers.record(self.app_id, availability_failure);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.breakers.release_trial(self.app_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::FixedClock;
    use std::time::Duration;
    use time::macros::datetime;

    #[test]
    fn opens_after_threshold_and_half_opens_later() {
        let clock = FixedClock::new(datetime!(2026-12-04 12:00 UTC));
        let breakers = Breakers::new(
            BreakerSettings {
                failure_threshold: 2,
                open_for: Duration::from_secs(30),
            },
            Arc::new(clock.clone()),
        );
        assert!(breakers.try_acquire("4001"));
        breakers.record("4001", true);
        assert_eq!(breakers.state("4001"), BreakerState::Closed);
        assert!(breakers.try_acquire("4001"));
        breakers.record("4001", true);
        assert_eq!(breakers.state("4001"), BreakerState::Open);
        assert!(!breakers.try_acquire("4001"));
        assert!(
            breakers.try_acquire("4002"),
            "other GP systems are not affected"
        );

        clock.advance(time::Duration::seconds(31));
        assert_eq!(breakers.state("4001"), BreakerState::HalfOpen);
        assert!(breakers.try_acquire("4001"), "one trial passes");
        assert!(
            !breakers.try_acquire("4001"),
            "a second concurrent trial is rejected"
        );
        breakers.record("4001", false);
        assert_eq!(breakers.state("4001"), BreakerState::Closed);
    }

    #[test]
    fn cancelled_trial_frees_slot() {
        let clock = FixedClock::new(datetime!(2026-12-04 12:00 UTC));
        let breakers = Breakers::new(
            BreakerSettings {
                failure_threshold: 1,
                open_for: Duration::from_secs(10),
            },
            Arc::new(clock.clone()),
        );
        breakers.acquire("4001").unwrap().finish(true);
        clock.advance(time::Duration::seconds(11));
        let trial = breakers.acquire("4001").unwrap();
        assert!(breakers.acquire("4001").is_none());
        drop(trial);
        assert!(
            breakers.acquire("4001").is_some(),
            "a dropped trial must not block the breaker"
        );
    }

    #[test]
    fn failed_trial_reopens() {
        let clock = FixedClock::new(datetime!(2026-12-04 12:00 UTC));
        let breakers = Breakers::new(
            BreakerSettings {
                failure_threshold: 1,
                open_for: Duration::from_secs(10),
            },
            Arc::new(clock.clone()),
        );
        assert!(breakers.try_acquire("4001"));
        breakers.record("4001", true);
        clock.advance(time::Duration::seconds(11));
        assert!(breakers.try_acquire("4001"));
        breakers.record("4001", true);
        assert_eq!(breakers.state("4001"), BreakerState::Open);
    }
}
