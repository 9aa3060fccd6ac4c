//! Simulator of the LSP with GP systems: SOAP 1.1 over mutual TLS answering Ketenzorg queries, and the synthetic data generator.

#![forbid(unsafe_code)]

pub mod generate;
mod his_data;
mod period;
mod person;
pub mod qualification;
pub mod soap;
mod soap_answer;
mod soap_check;
mod soap_fault;
pub mod source;
mod stored;
mod wrap;
mod xmlw;

#[cfg(test)]
mod test_support;

pub use generate::{Patients, SynthPatient, demo_patients};
pub use his_data::{HisData, LoadError};
pub use period::Period;
pub use person::{DemoPerson, age_on};
pub use soap::{Fault, FaultSwitch, SoapOptions};
pub use source::{AnswerSource, QueryContext};
pub use xmlw::WriteError;
