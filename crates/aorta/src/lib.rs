//! LSP transport: SOAP 1.1 envelope, WS-Security, mutual TLS client, resilience per HIS.
//!
//! [`Client::query`] sends one Ketenzorg query to a GP system through the LSP and returns the
//! answer only after checking that it acknowledges the query and concerns the queried patient.

#![forbid(unsafe_code)]

mod answer;
mod breaker;
mod client;
mod config;
mod error;
mod metrics;
pub mod security;
pub mod soap;

pub use answer::{AnswerXml, check_answer};
pub use breaker::BreakerState;
pub use client::{Client, SignedRequest};
pub use config::{AortaConfig, BreakerSettings, HisTarget, RetryPolicy, Timeouts};
pub use error::AortaError;
pub use metrics::{Counters, MetricsSink};
