//! Time as a parameter: domain code reads the time only through a [`Clock`].

use std::sync::{Arc, Mutex, PoisonError};

use time::{Duration, OffsetDateTime};

/// The source of the current time. Domain code takes one so tests can set the date.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Returns the current time in UTC.
    fn now(&self) -> OffsetDateTime;
}

/// The operating system's clock, for production and the demo.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // The one place that reads the real time.
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that stands still until a test moves it; clones share the same time.
#[derive(Debug, Clone)]
pub struct FixedClock {
    now: Arc<Mutex<OffsetDateTime>>,
}

impl FixedClock {
    /// Creates a clock that reads `now` until it is set or advanced.
    pub fn new(now: OffsetDateTime) -> Self {
        Self {
            now: Arc::new(Mutex::new(now)),
        }
    }

    /// Moves the clock forward by `by` (backward when negative).
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }

    /// Sets the clock to `now`.
    pub fn set(&self, now: OffsetDateTime) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn fixed_clock_advances_shared() {
        let clock = FixedClock::new(datetime!(2026-12-04 12:00 UTC));
        let copy = clock.clone();
        clock.advance(Duration::minutes(16));
        assert_eq!(copy.now(), datetime!(2026-12-04 12:16 UTC));
    }
}
