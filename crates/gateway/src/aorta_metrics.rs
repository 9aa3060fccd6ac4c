//! Prometheus metrics of the AORTA client per GP system (HIS application id): queries by outcome,
//! query duration, failures by error code, retries and circuit breaker state.

use std::time::Duration;

use aorta::{BreakerState, MetricsSink};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueryLabels {
    his: String,
    interaction: String,
    outcome: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HisLabels {
    his: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    his: String,
    code: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BreakerLabels {
    his: String,
    state: String,
}

const BREAKER_STATES: [(BreakerState, &str); 3] = [
    (BreakerState::Closed, "closed"),
    (BreakerState::Open, "open"),
    (BreakerState::HalfOpen, "half_open"),
];

/// The AORTA metrics registry; pass it to [`aorta::Client::with_metrics`] and append
/// [`AortaMetrics::encode`] to the `/metrics` text.
#[derive(Debug)]
pub struct AortaMetrics {
    registry: Registry,
    queries: Family<QueryLabels, Counter>,
    duration: Family<HisLabels, Histogram>,
    errors: Family<ErrorLabels, Counter>,
    attempts: Family<HisLabels, Counter>,
    breaker: Family<BreakerLabels, Gauge>,
}

impl Default for AortaMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl AortaMetrics {
    /// Creates an empty registry with the `lspplus_aorta_*` metrics.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("lspplus_aorta");
        let queries = Family::<QueryLabels, Counter>::default();
        registry.register(
            "queries",
            "AORTA queries by GP system application id, interaction and outcome (ok or error label)",
            queries.clone(),
        );
        let duration = Family::<HisLabels, Histogram>::new_with_constructor(
            duration_histogram as fn() -> Histogram,
        );
        registry.register(
            "query_duration_seconds",
            "Time of one AORTA query per GP system, waiting for a slot and retries included, in seconds",
            duration.clone(),
        );
        let errors = Family::<ErrorLabels, Counter>::default();
        registry.register(
            "errors",
            "Failed AORTA queries per GP system by error label (e.g. lsp_nostore, timeout, circuit_open)",
            errors.clone(),
        );
        let attempts = Family::<HisLabels, Counter>::default();
        registry.register(
            "attempts",
            "Sends to the LSP per GP system, retries included",
            attempts.clone(),
        );
        let breaker = Family::<BreakerLabels, Gauge>::default();
        registry.register(
            "breaker_state",
            "Circuit breaker state per GP system: 1 for the current state, 0 for the others",
            breaker.clone(),
        );
        Self {
            registry,
            queries,
            duration,
            errors,
            attempts,
            breaker,
        }
    }

    /// Sets the breaker gauges of `his_app_id` to `state`.
    pub fn record_breaker(&self, his_app_id: &str, state: BreakerState) {
        for (candidate, name) in BREAKER_STATES {
            self.breaker
                .get_or_create(&BreakerLabels {
                    his: his_app_id.to_owned(),
                    state: name.to_owned(),
                })
                .set(i64::from(candidate == state));
        }
    }

    /// Reads the breaker state of each GP system from `client`; call it before [`Self::encode`],
    /// because the AORTA client reports finished queries but not breaker transitions.
    pub fn sample_breakers<'a>(
        &self,
        client: &aorta::Client,
        his_app_ids: impl IntoIterator<Item = &'a str>,
    ) {
        for his_app_id in his_app_ids {
            self.record_breaker(his_app_id, client.breaker_state(his_app_id));
        }
    }

    /// Returns the metrics in the OpenMetrics text format, ending with `# EOF`.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            tracing::error!("encoding the AORTA metrics failed");
        }
        out
    }
}

impl MetricsSink for AortaMetrics {
    fn query_finished(
        &self,
        his_app_id: &str,
        interaction: &str,
        outcome: &str,
        attempts: u32,
        elapsed: Duration,
    ) {
        self.queries
            .get_or_create(&QueryLabels {
                his: his_app_id.to_owned(),
                interaction: interaction.to_owned(),
                outcome: outcome.to_owned(),
            })
            .inc();
        let his = HisLabels {
            his: his_app_id.to_owned(),
        };
        self.duration
            .get_or_create(&his)
            .observe(elapsed.as_secs_f64());
        self.attempts
            .get_or_create(&his)
            .inc_by(u64::from(attempts));
        if outcome != "ok" {
            self.errors
                .get_or_create(&ErrorLabels {
                    his: his_app_id.to_owned(),
                    code: outcome.to_owned(),
                })
                .inc();
        }
    }
}

/// Buckets from 10 ms to about 82 s, covering the 60 s MedMij response limit.
fn duration_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.01, 2.0, 14))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_queries_and_errors_per_his() {
        let metrics = AortaMetrics::new();
        metrics.query_finished(
            "4001",
            "QURX_IN990011NL",
            "ok",
            1,
            Duration::from_millis(210),
        );
        metrics.query_finished(
            "4001",
            "QURX_IN990011NL",
            "ok",
            1,
            Duration::from_millis(230),
        );
        metrics.query_finished(
            "4002",
            "QURX_IN990011NL",
            "lsp_nostore",
            2,
            Duration::from_millis(40),
        );

        let text = metrics.encode();

        assert!(
            text.contains(
                "lspplus_aorta_queries_total{his=\"4001\",interaction=\"QURX_IN990011NL\",outcome=\"ok\"} 2"
            ),
            "{text}"
        );
        assert!(
            text.contains("lspplus_aorta_query_duration_seconds_count{his=\"4001\"} 2"),
            "{text}"
        );
        assert!(
            text.contains(
                "lspplus_aorta_query_duration_seconds_bucket{le=\"0.32\",his=\"4001\"} 2"
            ),
            "{text}"
        );
        assert!(
            text.contains("lspplus_aorta_errors_total{his=\"4002\",code=\"lsp_nostore\"} 1"),
            "{text}"
        );
        assert!(
            !text.contains("lspplus_aorta_errors_total{his=\"4001\""),
            "{text}"
        );
        assert!(
            text.contains("lspplus_aorta_attempts_total{his=\"4002\"} 2"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"));
    }

    #[test]
    fn breaker_gauge_marks_one_state() {
        let metrics = AortaMetrics::new();
        metrics.record_breaker("4001", BreakerState::Closed);
        metrics.record_breaker("4002", BreakerState::Closed);
        metrics.record_breaker("4002", BreakerState::Open);

        let text = metrics.encode();

        assert!(
            text.contains("lspplus_aorta_breaker_state{his=\"4001\",state=\"closed\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("lspplus_aorta_breaker_state{his=\"4002\",state=\"open\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("lspplus_aorta_breaker_state{his=\"4002\",state=\"closed\"} 0"),
            "{text}"
        );
        assert!(
            text.contains("lspplus_aorta_breaker_state{his=\"4002\",state=\"half_open\"} 0"),
            "{text}"
        );
    }

    /// Five queries to a closed loopback port open the breaker of 4002; the sink counts the
    /// transport errors and the sampled gauge shows 4002 open and 4001 closed.
    #[tokio::test]
    async fn reports_open_breaker_of_unreachable_his() {
        let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let pki = tls::pki::TestPki::load_or_generate(dir.path()).unwrap();
        let identity = pki.issue_server("lspplus.localhost").unwrap();
        let signing = pki.issue_signing("lspplus.localhost").unwrap();
        let mut config = aorta::AortaConfig::demo(
            &format!("https://lsp.localhost:{closed_port}/aorta"),
            pki.ca_pem(),
            identity,
            signing,
        );
        config.retry.max_attempts = 1;
        let threshold = config.breaker.failure_threshold;
        let clock: std::sync::Arc<dyn common::Clock> = std::sync::Arc::new(
            common::FixedClock::new(time::macros::datetime!(2026-01-01 0:00 UTC)),
        );
        let metrics = std::sync::Arc::new(AortaMetrics::new());
        let client = aorta::Client::new(config, clock)
            .unwrap()
            .with_metrics(metrics.clone());
        let his = aorta::HisTarget {
            app_id: "4002".to_owned(),
            name: "Het Anker".to_owned(),
        };
        let bsn = common::Bsn::parse("999991103").unwrap();

        for _ in 0..threshold {
            let result = client
                .query(&his, hl7v3::Interaction::EpisodesQuery, &bsn, None, "test")
                .await;
            assert!(
                matches!(result, Err(aorta::AortaError::Transport(_))),
                "{result:?}"
            );
        }
        metrics.sample_breakers(&client, ["4001", "4002"]);

        let text = metrics.encode();
        assert!(
            text.contains("lspplus_aorta_breaker_state{his=\"4002\",state=\"open\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("lspplus_aorta_breaker_state{his=\"4001\",state=\"closed\"} 1"),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "lspplus_aorta_errors_total{{his=\"4002\",code=\"transport\"}} {threshold}"
            )),
            "{text}"
        );
    }
}
