//! Starting the gateway: three TLS listeners, the list refresher, and a handle to stop them.

use std::net::SocketAddr;
use std::sync::Arc;

use common::Clock;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::availability::PatientDirectory;
use crate::config::Config;
use crate::digid::{Digid, DigidError};
use crate::front::session_store::Sessions;
use crate::grants::Grants;
use crate::lists::ListRefresher;
use crate::metrics::Metrics;
use crate::state::{self, App, SharedLists};

/// Why the gateway could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is inconsistent.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// A certificate or key file could not be read or used.
    #[error("TLS set-up failed for {what}: {source}")]
    Tls {
        what: &'static str,
        source: tls::TlsError,
    },
    /// A PEM file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// A listening socket could not be opened.
    #[error(transparent)]
    Bind(#[from] tls::BindError),
    /// The DigiD connection could not be set up.
    #[error(transparent)]
    Digid(#[from] DigidError),
    /// The AORTA connection could not be set up.
    #[error("AORTA set-up failed: {0}")]
    Aorta(String),
}

/// A running gateway; drop it or call [`Running::shutdown`] to stop.
#[derive(Debug)]
pub struct Running {
    /// Public base URL of the front channel.
    pub front_url: String,
    /// Public base URL of the back channel.
    pub back_url: String,
    /// Public base URL of the admin listener.
    pub admin_url: String,
    /// The socket addresses actually bound (useful with port 0).
    pub front_addr: SocketAddr,
    pub back_addr: SocketAddr,
    pub admin_addr: SocketAddr,
    /// The shared state, for tests that inspect metrics or sessions.
    pub app: Arc<App>,
    stop: watch::Sender<bool>,
    refresh_now: Arc<Notify>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// Asks the list refresher to download the lists now instead of at the next interval.
    pub fn refresh_lists(&self) {
        self.refresh_now.notify_one();
    }

    /// Stops accepting connections and waits until every listener and the refresher ended.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            if let Err(error) = task.await {
                tracing::warn!(%error, "gateway task ended abnormally");
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn read(path: &std::path::Path) -> Result<String, StartError> {
    std::fs::read_to_string(path).map_err(|source| StartError::Read {
        path: path.to_owned(),
        source,
    })
}

fn identity(
    cert: &std::path::Path,
    key: &std::path::Path,
    what: &'static str,
) -> Result<tls::Identity, StartError> {
    tls::Identity::from_files(cert, key).map_err(|source| StartError::Tls { what, source })
}

/// Starts the gateway with its AORTA-based patient directory.
pub async fn start(
    config: Config,
    clock: Arc<dyn Clock>,
    store: Arc<dyn store::Store>,
) -> Result<Running, StartError> {
    let directory = crate::aorta_directory::AortaDirectory::from_config(&config, clock.clone())
        .map_err(|error| StartError::Aorta(error.to_string()))?;
    let directory = Arc::new(directory);
    start_with_directory(config, clock, store, directory.clone(), directory).await
}

/// Starts the gateway with a given patient directory (the availability check's data source) and
/// LSP connection (the FHIR data source).
pub async fn start_with_directory(
    config: Config,
    clock: Arc<dyn Clock>,
    store: Arc<dyn store::Store>,
    directory: Arc<dyn PatientDirectory>,
    lsp: Arc<dyn crate::fhir::Lsp>,
) -> Result<Running, StartError> {
    config.validate()?;
    let config = Arc::new(config);
    let tls_files = &config.tls;
    let front_identity = identity(&tls_files.front_cert, &tls_files.front_key, "front channel")?;
    let back_identity = identity(&tls_files.back_cert, &tls_files.back_key, "back channel")?;
    let admin_identity = identity(&tls_files.admin_cert, &tls_files.admin_key, "admin")?;
    let client_roots = read(&tls_files.client_roots)?;
    let outgoing_roots = read(&tls_files.outgoing_roots)?;
    let tls_error = |what| move |source| StartError::Tls { what, source };
    let front_tls = tls::server_config(&front_identity, tls::ClientAuth::None)
        .map_err(tls_error("front channel"))?;
    let back_tls = tls::server_config(&back_identity, tls::ClientAuth::Required(client_roots))
        .map_err(tls_error("back channel"))?;
    let admin_tls =
        tls::server_config(&admin_identity, tls::ClientAuth::None).map_err(tls_error("admin"))?;
    let list_client = tls::http_client_builder(&outgoing_roots, Some(&back_identity))
        .and_then(|builder| {
            builder
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .map_err(tls::TlsError::from)
        })
        .map_err(tls_error("list download"))?;

    let digid = Digid::from_config(&config)?;
    let app = Arc::new(App {
        grants: Grants::new(store.clone()).with_deadline(std::time::Duration::from_millis(
            config.token.store_deadline_ms,
        )),
        lists: SharedLists::default(),
        sessions: Sessions::new(
            time::Duration::seconds(config.lifetimes.session_secs),
            store.clone(),
        ),
        digid,
        directory,
        provider_view: state::provider_view(&config),
        lifetimes: state::lifetimes(&config),
        token_options: medmij::token::TokenOptions {
            accept_refresh_code_alias: config.token.refresh_code_alias,
            placeholder_refresh_for_one_off: config.token.one_off_refresh_token,
        },
        metrics: Arc::new(Metrics::new()),
        fhir_metrics: Arc::new(crate::admin::Metrics::new()),
        lsp,
        started_at: clock.now(),
        clock,
        config: config.clone(),
    });

    let front = tls::bind(config.listeners.front, "gateway front channel").await?;
    let back = tls::bind(config.listeners.back, "gateway back channel").await?;
    let admin = tls::bind(config.listeners.admin, "gateway admin").await?;
    let local = |listener: &tokio::net::TcpListener, configured: SocketAddr| {
        listener.local_addr().unwrap_or(configured)
    };
    let front_addr = local(&front, config.listeners.front);
    let back_addr = local(&back, config.listeners.back);
    let admin_addr = local(&admin, config.listeners.admin);

    // The first download happens before the listeners accept, so that clients can be validated.
    let mut refresher = ListRefresher::new(app.clone(), list_client).await;
    refresher.refresh_once().await;

    let (stop, stopped) = watch::channel(false);
    let until_stopped = move || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        }
    };
    let refresh_now = Arc::new(Notify::new());
    let tasks = vec![
        tokio::spawn(tls::serve(
            front,
            front_tls,
            crate::egress::observed(crate::front::router(app.clone()), "front"),
            until_stopped(),
        )),
        tokio::spawn(tls::serve(
            back,
            back_tls,
            crate::egress::observed(crate::back_router(app.clone()), "back"),
            until_stopped(),
        )),
        tokio::spawn(tls::serve(
            admin,
            admin_tls,
            crate::egress::observed(crate::admin_router(app.clone()), "admin"),
            until_stopped(),
        )),
        tokio::spawn(refresher.run(until_stopped(), refresh_now.clone())),
    ];
    tracing::info!(%front_addr, %back_addr, %admin_addr, "gateway started");
    Ok(Running {
        front_url: config.listeners.front_url.clone(),
        back_url: config.listeners.back_url.clone(),
        admin_url: config.listeners.admin_url.clone(),
        front_addr,
        back_addr,
        admin_addr,
        app,
        stop,
        refresh_now,
        tasks,
    })
}
