//! Prometheus counters of the gateway, exposed on the admin listener at `/metrics`.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

/// Label set with one `outcome` label.
type Outcomes = Family<Vec<(String, String)>, Counter>;

/// The gateway's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    authorize: Outcomes,
    token: Outcomes,
    list_refresh: Outcomes,
    lists_stale: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("lspplus");
        let authorize = Outcomes::default();
        let token = Outcomes::default();
        let list_refresh = Outcomes::default();
        let lists_stale = Gauge::default();
        registry.register(
            "authorization_steps",
            "Front-channel steps by outcome",
            authorize.clone(),
        );
        registry.register("token_requests", "Token requests by outcome", token.clone());
        registry.register(
            "list_refreshes",
            "MedMij list downloads by list and outcome",
            list_refresh.clone(),
        );
        registry.register(
            "lists_stale",
            "Number of MedMij lists whose last good copy is older than allowed",
            lists_stale.clone(),
        );
        Metrics {
            registry,
            authorize,
            token,
            list_refresh,
            lists_stale,
        }
    }

    /// Counts one front-channel step outcome, e.g. `consent-given`.
    pub fn authorize(&self, outcome: &str) {
        self.authorize
            .get_or_create(&vec![("outcome".to_owned(), outcome.to_owned())])
            .inc();
    }

    /// Counts one token request outcome, e.g. `issued` or `invalid_grant`.
    pub fn token(&self, outcome: &str) {
        self.token
            .get_or_create(&vec![("outcome".to_owned(), outcome.to_owned())])
            .inc();
    }

    /// Counts one list download outcome.
    pub fn list_refresh(&self, list: &str, outcome: &str) {
        self.list_refresh
            .get_or_create(&vec![
                ("list".to_owned(), list.to_owned()),
                ("outcome".to_owned(), outcome.to_owned()),
            ])
            .inc();
    }

    /// Sets the number of stale lists.
    pub fn set_lists_stale(&self, count: i64) {
        self.lists_stale.set(count);
    }

    /// Returns the number of stale lists.
    pub fn lists_stale(&self) -> i64 {
        self.lists_stale.get()
    }

    /// Renders the OpenMetrics text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        if let Err(error) = encode(&mut text, &self.registry) {
            tracing::error!(%error, "encoding metrics failed");
        }
        text
    }
}
