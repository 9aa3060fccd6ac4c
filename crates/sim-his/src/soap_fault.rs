//! Fault injection for the SOAP server: what goes wrong with the next or every request.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// One way the simulated LSP misbehaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The answer is delayed by this long, then sent normally.
    Latency(Duration),
    /// No answer is sent; the request stays open until the client gives up.
    Timeout,
    /// The connection breaks off in the middle of the answer.
    Reset,
    /// HTTP 500 with a plain-text body (no SOAP fault).
    Http500,
    /// HTTP 500 with a SOAP 1.1 `soap:Server` fault.
    SoapFault,
    /// An HL7v3 answer with `acknowledgement typeCode="AE"` and this LSP error code (e.g. `RTEDEST`).
    LspError(String),
    /// A body that is not XML.
    Malformed,
    /// The real answer, cut off halfway.
    Truncated,
    /// The real answer, but about another patient.
    OtherPatient,
    /// The real answer, but acknowledging another message id.
    OtherMessageId,
}

#[derive(Debug, Default)]
struct State {
    standing: Option<Fault>,
    once: VecDeque<Fault>,
}

/// A switch shared between a test (or the demo's admin page) and the SOAP server. One-shot
/// faults are used first, in the order they were pushed; then the standing fault, if any.
#[derive(Debug, Clone, Default)]
pub struct FaultSwitch {
    state: Arc<Mutex<State>>,
}

impl FaultSwitch {
    /// Creates a switch without faults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the fault applied to every request (`None` to stop).
    pub fn set(&self, fault: Option<Fault>) {
        self.lock().standing = fault;
    }

    /// Adds a fault for one request only.
    pub fn push_once(&self, fault: Fault) {
        self.lock().once.push_back(fault);
    }

    /// Removes all faults.
    pub fn clear(&self) {
        let mut state = self.lock();
        state.standing = None;
        state.once.clear();
    }

    /// Takes the fault for the request being handled.
    pub(crate) fn next(&self) -> Option<Fault> {
        let mut state = self.lock();
        state.once.pop_front().or_else(|| state.standing.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_faults_come_before_standing_fault() {
        let switch = FaultSwitch::new();
        switch.set(Some(Fault::Http500));
        switch.push_once(Fault::Reset);
        assert_eq!(switch.next(), Some(Fault::Reset));
        assert_eq!(switch.next(), Some(Fault::Http500));
        assert_eq!(switch.next(), Some(Fault::Http500));
        switch.clear();
        assert_eq!(switch.next(), None);
    }
}
