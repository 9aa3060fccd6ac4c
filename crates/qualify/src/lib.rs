//! Runs the Nictiz MedMij qualification TestScripts (the XIS-Server scripts of GP data 2.0 and
//! PDF/A 3.0) against a FHIR server and reports per script which asserts failed.

use std::path::PathBuf;

pub mod catalog;
pub mod fhirpath;
pub mod report;
pub mod runner;
pub mod script;
pub mod vars;

mod asserts;
mod http;

pub use catalog::{Catalog, ScriptFile, not_offered, reference_dir};
pub use report::{AssertOutcome, ScriptResult, Status};
pub use runner::{Runner, RunnerConfig, Tokens};
pub use script::TestScript;

/// Errors that stop a script (or the whole run) before its asserts can be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum QualifyError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A TestScript file is not a valid TestScript.
    #[error("invalid TestScript {path}: {message}")]
    Script {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A `${...}` expression could not be expanded.
    #[error("variable substitution failed: {0}")]
    Variable(String),
    /// A fixture is missing or is not valid FHIR.
    #[error("fixture {id}: {message}")]
    Fixture {
        /// The fixture id.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// No script matches a name given on the command line.
    #[error("no TestScript matches {0:?}")]
    NoSuchScript(String),
    /// The HTTP client could not be built (bad CA or client certificate).
    #[error("cannot build the HTTPS client: {0}")]
    Client(String),
    /// A FHIRPath expression of a variable failed.
    #[error(transparent)]
    FhirPath(#[from] fhirpath::FhirPathError),
}
