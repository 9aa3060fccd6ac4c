//! The list refresher: fetches the four MedMij lists at start-up and every interval, keeps the last good copy.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use medmij::lists::{
    Gegevensdienstnamenlijst, KeepReason, ListCache, ListKind, Lists, MedMijList, OAuthClientList,
    Whitelist, Zorgaanbiederslijst,
};
use time::{Duration, OffsetDateTime};

use crate::state::App;

/// Per-list caches with the Volgnummer rule; the refresher owns them.
#[derive(Debug, Default)]
pub struct ListCaches {
    ocl: ListCache<OAuthClientList>,
    whitelist: ListCache<Whitelist>,
    gnl: ListCache<Gegevensdienstnamenlijst>,
    zal: ListCache<Zorgaanbiederslijst>,
}

impl ListCaches {
    /// Offers a document of `kind` to its cache.
    pub fn offer(
        &mut self,
        kind: ListKind,
        xml: &str,
        now: OffsetDateTime,
    ) -> Result<u64, KeepReason> {
        match kind {
            ListKind::OAuthClientList => self.ocl.offer(xml, now).map(MedMijList::volgnummer),
            ListKind::Whitelist => self.whitelist.offer(xml, now).map(MedMijList::volgnummer),
            ListKind::Gegevensdienstnamenlijst => {
                self.gnl.offer(xml, now).map(MedMijList::volgnummer)
            }
            ListKind::Zorgaanbiederslijst => self.zal.offer(xml, now).map(MedMijList::volgnummer),
        }
    }

    /// Returns the kinds whose copy is missing or older than `max_age`.
    pub fn stale(&self, now: OffsetDateTime, max_age: Duration) -> Vec<ListKind> {
        let mut stale = Vec::new();
        if self.ocl.is_stale(now, max_age) {
            stale.push(ListKind::OAuthClientList);
        }
        if self.whitelist.is_stale(now, max_age) {
            stale.push(ListKind::Whitelist);
        }
        if self.gnl.is_stale(now, max_age) {
            stale.push(ListKind::Gegevensdienstnamenlijst);
        }
        if self.zal.is_stale(now, max_age) {
            stale.push(ListKind::Zorgaanbiederslijst);
        }
        stale
    }

    /// Returns the current copies.
    pub fn lists(&self) -> Lists {
        Lists {
            oauth_clients: self.ocl.current().cloned(),
            whitelist: self.whitelist.current().cloned(),
            gegevensdienstnamen: self.gnl.current().cloned(),
            zorgaanbieders: self.zal.current().cloned(),
        }
    }
}

/// Fetches the lists from the stelselnode and publishes good copies to the handlers.
#[derive(Debug)]
pub struct ListRefresher {
    app: Arc<App>,
    client: reqwest::Client,
    caches: ListCaches,
}

impl ListRefresher {
    /// Creates a refresher that downloads with `client`, starting from the copies in the store.
    pub async fn new(app: Arc<App>, client: reqwest::Client) -> ListRefresher {
        let mut caches = ListCaches::default();
        for (kind, xml, checked_at) in app.grants.load_lists().await {
            if let Err(reason) = caches.offer(kind, &xml, checked_at) {
                tracing::warn!(list = kind.as_str(), %reason, "stored list copy not usable");
            }
        }
        app.lists.update(|lists| *lists = caches.lists());
        ListRefresher {
            app,
            client,
            caches,
        }
    }

    /// Downloads all four lists once and publishes the result.
    pub async fn refresh_once(&mut self) {
        let config = &self.app.config.lists;
        for kind in ListKind::ALL {
            let url = format!(
                "{}/{}?api={}",
                config.stelselnode_url.trim_end_matches('/'),
                kind.file_name(),
                config.api
            );
            let now = self.app.clock.now();
            let outcome = match self.download(&url).await {
                Ok(xml) => match self.caches.offer(kind, &xml, now) {
                    Ok(volgnummer) => {
                        tracing::info!(list = kind.as_str(), volgnummer, "list updated");
                        self.app.grants.save_list(kind, volgnummer, &xml, now).await;
                        "updated"
                    }
                    Err(KeepReason::NotNewer { current, offered }) if current == offered => {
                        "unchanged"
                    }
                    Err(reason) => {
                        tracing::warn!(list = kind.as_str(), %reason, "downloaded list rejected; keeping the last good copy");
                        "rejected"
                    }
                },
                Err(error) => {
                    tracing::warn!(list = kind.as_str(), %url, %error, "list download failed; keeping the last good copy");
                    "download-failed"
                }
            };
            self.app.metrics.list_refresh(kind.as_str(), outcome);
        }
        self.publish();
    }

    fn publish(&self) {
        let now = self.app.clock.now();
        let stale = self.caches.stale(
            now,
            Duration::seconds(self.app.config.lists.stale_after_secs),
        );
        if !stale.is_empty() {
            let names: Vec<&str> = stale.iter().map(|kind| kind.as_str()).collect();
            tracing::warn!(lists = ?names, "MedMij lists are stale");
        }
        self.app
            .metrics
            .set_lists_stale(i64::try_from(stale.len()).unwrap_or(i64::MAX));
        let lists = self.caches.lists();
        self.app.lists.update(|current| *current = lists);
    }

    async fn download(&self, url: &str) -> Result<String, reqwest::Error> {
        let response = self.client.get(url).send().await?.error_for_status()?;
        response.text().await
    }

    /// Refreshes every configured interval until `shutdown` completes;
    /// `refresh_now` triggers an extra download (the admin portal and tests use it).
    pub async fn run(
        mut self,
        shutdown: impl std::future::Future<Output = ()>,
        refresh_now: Arc<tokio::sync::Notify>,
    ) {
        let interval = StdDuration::from_secs(self.app.config.lists.refresh_secs);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(interval) => self.refresh_once().await,
                () = refresh_now.notified() => self.refresh_once().await,
            }
        }
    }
}
