//! Demo PGO: a web page and a command-line client that run the MedMij flow against a DVZA.
//!
//! [`PgoClient`] runs the flow without a browser: it follows the redirects, fills in the DigiD
//! simulator's and the DVZA's HTML forms, intercepts the redirect to its redirect URI, exchanges the
//! code over mutual TLS and runs FHIR searches. [`web`] serves the same flow to a real browser.

#![forbid(unsafe_code)]

mod client;
mod directory;
mod error;
mod flow;
pub mod html;
pub mod web;

pub use client::{
    AuthorizationRequest, Endpoints, FhirResponse, Format, PgoClient, PgoConfig, Session,
    TokenResponse, scope_for,
};
pub use directory::{Directory, Offer, Practice};
pub use error::{PgoError, Step};
pub use flow::{CallbackParams, ConsentChoice};
