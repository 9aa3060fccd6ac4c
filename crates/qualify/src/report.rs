//! Results of a script run: per assert and per script, and the printed lines.

use std::fmt;

/// The outcome of one assert (or of an operation that could not be sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The assert holds.
    Pass,
    /// The assert failed and is not `warningOnly`.
    Fail,
    /// The assert failed but is `warningOnly`.
    Warning,
    /// The assert was not evaluated (profile validation, engine-specific rules, a stopped test).
    Skipped,
}

/// One evaluated assert.
#[derive(Debug, Clone, PartialEq)]
pub struct AssertOutcome {
    /// The test id (or `setup` / `teardown`).
    pub test: String,
    /// The assert description from the script.
    pub description: String,
    /// The outcome.
    pub status: Status,
    /// Why it failed or was skipped; empty for a pass.
    pub message: String,
}

/// The result of one script.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptResult {
    /// The script file name without extension.
    pub name: String,
    /// `TestScript.title`.
    pub title: String,
    /// Every assert in order, including failed operations.
    pub asserts: Vec<AssertOutcome>,
    /// An error that stopped the script before or between its tests.
    pub error: Option<String>,
}

impl ScriptResult {
    /// True when no assert failed and nothing stopped the script.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.count(Status::Fail) == 0
    }

    /// The number of asserts with `status`.
    pub fn count(&self, status: Status) -> usize {
        self.asserts.iter().filter(|a| a.status == status).count()
    }

    /// The first failed assert.
    pub fn first_failure(&self) -> Option<&AssertOutcome> {
        self.asserts.iter().find(|a| a.status == Status::Fail)
    }
}

impl fmt::Display for ScriptResult {
    /// One line: `PASS name (n passed, w warnings, s not evaluated)` or `FAIL name: test: why`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counts = format!(
            "{} passed, {} failed, {} warnings, {} not evaluated",
            self.count(Status::Pass),
            self.count(Status::Fail),
            self.count(Status::Warning),
            self.count(Status::Skipped)
        );
        if let Some(error) = &self.error {
            return write!(f, "FAIL {}: {error} ({counts})", self.name);
        }
        match self.first_failure() {
            None => write!(f, "PASS {} ({counts})", self.name),
            Some(failure) => write!(
                f,
                "FAIL {}: {}: {}: {} ({counts})",
                self.name, failure.test, failure.description, failure.message
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(status: Status) -> AssertOutcome {
        AssertOutcome {
            test: "t1".into(),
            description: "Confirm x".into(),
            status,
            message: if status == Status::Pass {
                String::new()
            } else {
                "got y".into()
            },
        }
    }

    #[test]
    fn warnings_do_not_fail() {
        let result = ScriptResult {
            name: "s".into(),
            title: "S".into(),
            asserts: vec![
                outcome(Status::Pass),
                outcome(Status::Warning),
                outcome(Status::Skipped),
            ],
            error: None,
        };
        assert!(result.passed());
        assert_eq!(
            result.to_string(),
            "PASS s (1 passed, 0 failed, 1 warnings, 1 not evaluated)"
        );
    }

    #[test]
    fn failure_line_names_the_assert() {
        let result = ScriptResult {
            name: "s".into(),
            title: "S".into(),
            asserts: vec![outcome(Status::Pass), outcome(Status::Fail)],
            error: None,
        };
        assert!(!result.passed());
        assert_eq!(
            result.to_string(),
            "FAIL s: t1: Confirm x: got y (1 passed, 1 failed, 0 warnings, 0 not evaluated)"
        );
    }
}
