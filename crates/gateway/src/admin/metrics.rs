//! Prometheus metrics of the resource server: requests per search and status, latency, LSP errors.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    search: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SearchLabels {
    search: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LspErrorLabels {
    code: String,
}

/// The metrics registry shared by the FHIR router (which records) and the admin router (which exports).
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<SearchLabels, Histogram>,
    lsp_errors: Family<LspErrorLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Creates an empty registry with the lspplus metrics.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("lspplus");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "fhir_requests",
            "FHIR requests by search (gegevensdienst/resource type) and HTTP status",
            requests.clone(),
        );
        let latency = Family::<SearchLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register(
            "fhir_request_duration_seconds",
            "Time from request to response of FHIR requests, in seconds",
            latency.clone(),
        );
        let lsp_errors = Family::<LspErrorLabels, Counter>::default();
        registry.register(
            "lsp_errors",
            "Failed LSP (AORTA) queries by LSP error code or failure kind",
            lsp_errors.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            lsp_errors,
        }
    }

    /// Records one FHIR request; `search` is a bounded label such as `49/EpisodeOfCare`.
    pub fn observe_request(&self, search: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                search: search.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&SearchLabels {
                search: search.to_owned(),
            })
            .observe(seconds);
    }

    /// Counts one failed LSP query by its code (e.g. `NOSTORE`) or kind (e.g. `timeout`).
    pub fn count_lsp_error(&self, code: &str) {
        self.lsp_errors
            .get_or_create(&LspErrorLabels {
                code: code.to_owned(),
            })
            .inc();
    }

    /// Returns the metrics in the Prometheus text exposition format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            tracing::error!("encoding the Prometheus metrics failed");
        }
        out
    }
}

/// Buckets from 10 ms to about 82 s, covering the 60 s MedMij response limit.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.01, 2.0, 14))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_requests_and_errors() {
        let metrics = Metrics::new();
        metrics.observe_request("49/EpisodeOfCare", 200, 0.12);
        metrics.observe_request("49/EpisodeOfCare", 200, 0.30);
        metrics.count_lsp_error("NOSTORE");

        let text = metrics.encode();

        assert!(
            text.contains(
                "lspplus_fhir_requests_total{search=\"49/EpisodeOfCare\",status=\"200\"} 2"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "lspplus_fhir_request_duration_seconds_count{search=\"49/EpisodeOfCare\"} 2"
            ),
            "{text}"
        );
        assert!(
            text.contains("lspplus_lsp_errors_total{code=\"NOSTORE\"} 1"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"));
    }
}
