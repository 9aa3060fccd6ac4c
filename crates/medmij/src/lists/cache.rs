//! The rule for replacing a list: a new copy wins only if it is valid and has a higher Volgnummer.

use time::{Duration, OffsetDateTime};

use super::{ListError, MedMijList};

/// The reason a downloaded list was not accepted. The last good copy stays in use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeepReason {
    /// The document failed parsing or the structure checks.
    #[error("downloaded list is invalid: {0}")]
    Invalid(ListError),
    /// The document's Volgnummer is not higher than the current copy's.
    #[error("downloaded list has Volgnummer {offered}, not higher than the current {current}")]
    NotNewer { current: u64, offered: u64 },
}

/// The decision for one downloaded list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListUpdate<L> {
    /// Replace the current copy (or take the first one) with this list.
    Accept(L),
    /// Keep the current copy.
    Keep(KeepReason),
}

/// Decides whether `downloaded` replaces `current`, without side effects.
pub fn evaluate<L: MedMijList>(current: Option<&L>, downloaded: &str) -> ListUpdate<L> {
    let list = match L::parse(downloaded) {
        Ok(list) => list,
        Err(error) => return ListUpdate::Keep(KeepReason::Invalid(error)),
    };
    match current {
        Some(current) if list.volgnummer() <= current.volgnummer() => {
            ListUpdate::Keep(KeepReason::NotNewer {
                current: current.volgnummer(),
                offered: list.volgnummer(),
            })
        }
        _ => ListUpdate::Accept(list),
    }
}

/// The last good copy of one list and when it was accepted or last confirmed.
#[derive(Debug, Clone)]
pub struct ListCache<L> {
    current: Option<L>,
    checked_at: Option<OffsetDateTime>,
}

impl<L> Default for ListCache<L> {
    fn default() -> Self {
        Self {
            current: None,
            checked_at: None,
        }
    }
}

impl<L: MedMijList> ListCache<L> {
    /// Creates a cache that starts from a stored copy, for example one loaded from the database.
    pub fn with_copy(list: L, checked_at: OffsetDateTime) -> Self {
        Self {
            current: Some(list),
            checked_at: Some(checked_at),
        }
    }

    /// Returns the last good copy.
    pub fn current(&self) -> Option<&L> {
        self.current.as_ref()
    }

    /// Offers a downloaded document and applies [`evaluate`]; returns whether it was accepted.
    ///
    /// A document with the same Volgnummer as the current copy also refreshes the check time,
    /// because it confirms that the copy is still the published one.
    pub fn offer(&mut self, downloaded: &str, now: OffsetDateTime) -> Result<&L, KeepReason> {
        match evaluate(self.current.as_ref(), downloaded) {
            ListUpdate::Accept(list) => {
                self.checked_at = Some(now);
                Ok(self.current.insert(list))
            }
            ListUpdate::Keep(reason) => {
                if let KeepReason::NotNewer { current, offered } = reason
                    && current == offered
                {
                    self.checked_at = Some(now);
                }
                Err(reason)
            }
        }
    }

    /// Checks whether the copy is missing or was not confirmed within `max_age`.
    pub fn is_stale(&self, now: OffsetDateTime, max_age: Duration) -> bool {
        match self.checked_at {
            Some(checked_at) => now - checked_at > max_age,
            None => true,
        }
    }
}
