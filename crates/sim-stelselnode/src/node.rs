//! The stelselnode's published lists, their Volgnummers, the test hooks and the HTTP routes.

use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::Clock;
use time::OffsetDateTime;

use crate::contents::ListContents;
use crate::xml::{self, Header};

/// The four lists a stelselnode publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKind {
    /// `MedMij_OAuthclientlist.xml`.
    OAuthClientList,
    /// `MedMij_Whitelist.xml`.
    Whitelist,
    /// `MedMij_Gegevensdienstnamenlijst.xml`.
    Gegevensdienstnamenlijst,
    /// `MedMij_Zorgaanbiederslijst.xml`.
    Zorgaanbiederslijst,
}

impl ListKind {
    /// All four kinds, in a fixed order.
    pub const ALL: [ListKind; 4] = [
        ListKind::OAuthClientList,
        ListKind::Whitelist,
        ListKind::Gegevensdienstnamenlijst,
        ListKind::Zorgaanbiederslijst,
    ];

    /// The file name under which the list is published.
    pub fn file_name(self) -> &'static str {
        match self {
            ListKind::OAuthClientList => "MedMij_OAuthclientlist.xml",
            ListKind::Whitelist => "MedMij_Whitelist.xml",
            ListKind::Gegevensdienstnamenlijst => "MedMij_Gegevensdienstnamenlijst.xml",
            ListKind::Zorgaanbiederslijst => "MedMij_Zorgaanbiederslijst.xml",
        }
    }

    /// Finds the kind for a published file name.
    pub fn from_file_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.file_name() == name)
    }

    fn index(self) -> usize {
        match self {
            ListKind::OAuthClientList => 0,
            ListKind::Whitelist => 1,
            ListKind::Gegevensdienstnamenlijst => 2,
            ListKind::Zorgaanbiederslijst => 3,
        }
    }
}

/// A fault that a test makes the stelselnode serve for one list instead of the real file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The current content with this Volgnummer, e.g. one lower than already served.
    Volgnummer(u64),
    /// A file that does not validate against the list's XSD (Tijdstempel missing, unknown element).
    Invalid,
    /// HTTP 503 Service Unavailable.
    Unavailable,
}

#[derive(Debug)]
struct Published {
    contents: ListContents,
    volgnummers: [u64; 4],
    tijdstempels: [OffsetDateTime; 4],
    faults: [Option<Fault>; 4],
}

/// A stelselnode: the published lists plus test hooks. Clones share the same state.
#[derive(Debug, Clone)]
pub struct Stelselnode {
    published: Arc<Mutex<Published>>,
    clock: Arc<dyn Clock>,
}

impl Stelselnode {
    /// Publishes `contents` with Volgnummer 1 for every list.
    pub fn new(contents: ListContents, clock: Arc<dyn Clock>) -> Self {
        let now = clock.now();
        Self {
            published: Arc::new(Mutex::new(Published {
                contents,
                volgnummers: [1; 4],
                tijdstempels: [now; 4],
                faults: [None, None, None, None],
            })),
            clock,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Published> {
        self.published
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns the content currently published.
    pub fn contents(&self) -> ListContents {
        self.lock().contents.clone()
    }

    /// Publishes new content; each list whose content changed gets its Volgnummer incremented by
    /// one and a new Tijdstempel.
    pub fn publish(&self, contents: ListContents) {
        let now = self.clock.now();
        let mut published = self.lock();
        let old = &published.contents;
        let changed = [
            old.clients != contents.clients,
            old.whitelist != contents.whitelist,
            old.gegevensdiensten != contents.gegevensdiensten,
            old.zorgaanbieders != contents.zorgaanbieders,
        ];
        for (index, changed) in changed.into_iter().enumerate() {
            if changed {
                published.volgnummers[index] += 1;
                published.tijdstempels[index] = now;
            }
        }
        published.contents = contents;
    }

    /// Changes the content through `change` and publishes the result.
    pub fn update(&self, change: impl FnOnce(&mut ListContents)) {
        let mut contents = self.contents();
        change(&mut contents);
        self.publish(contents);
    }

    /// Makes the stelselnode serve `fault` for `kind` until it is cleared with `None`.
    pub fn set_fault(&self, kind: ListKind, fault: Option<Fault>) {
        self.lock().faults[kind.index()] = fault;
    }

    /// Returns the Volgnummer of the current content of `kind`.
    pub fn volgnummer(&self, kind: ListKind) -> u64 {
        self.lock().volgnummers[kind.index()]
    }

    /// Renders the current, fault-free XML of `kind`.
    pub fn list_xml(&self, kind: ListKind) -> String {
        let published = self.lock();
        let volgnummer = published.volgnummers[kind.index()];
        render(&published, kind, volgnummer)
    }

    /// The routes: `GET /<file name>` for each list; the `api` query parameter is ignored.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/{file}", get(serve_list))
            .with_state(self.clone())
    }
}

fn render(published: &Published, kind: ListKind, volgnummer: u64) -> String {
    let time = published.tijdstempels[kind.index()];
    let header = Header {
        tijdstempel: time.replace_nanosecond(0).unwrap_or(time),
        volgnummer,
    };
    let contents = &published.contents;
    match kind {
        ListKind::OAuthClientList => xml::oauth_client_list(header, &contents.clients),
        ListKind::Whitelist => xml::whitelist(header, &contents.whitelist),
        ListKind::Gegevensdienstnamenlijst => {
            xml::gegevensdienstnamenlijst(header, &contents.gegevensdiensten)
        }
        ListKind::Zorgaanbiederslijst => xml::zorgaanbiederslijst(header, &contents.zorgaanbieders),
    }
}

/// Breaks a valid list: drops the Tijdstempel and adds an element the closed XSD does not allow.
fn invalidate(valid: &str) -> String {
    let mut broken = String::new();
    for line in valid.lines() {
        if line.contains("<Tijdstempel>") {
            broken.push_str("    <Onbekend>niet in het schema</Onbekend>\n");
        } else {
            broken.push_str(line);
            broken.push('\n');
        }
    }
    broken
}

async fn serve_list(State(node): State<Stelselnode>, Path(file): Path<String>) -> Response {
    let Some(kind) = ListKind::from_file_name(&file) else {
        return (StatusCode::NOT_FOUND, "no such list\n").into_response();
    };
    let body = {
        let published = node.lock();
        let current = published.volgnummers[kind.index()];
        match &published.faults[kind.index()] {
            None => render(&published, kind, current),
            Some(Fault::Volgnummer(volgnummer)) => render(&published, kind, *volgnummer),
            Some(Fault::Invalid) => invalidate(&render(&published, kind, current)),
            Some(Fault::Unavailable) => {
                tracing::info!(list = file, "serving 503 as set by a test hook");
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "list temporarily unavailable\n",
                )
                    .into_response();
            }
        }
    };
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contents::DvzaEndpoints;
    use common::FixedClock;
    use time::macros::datetime;

    fn node() -> Stelselnode {
        let dvza = DvzaEndpoints {
            front_url: "https://lspplus.localhost:8440".to_owned(),
            back_url: "https://lspplus.localhost:8441".to_owned(),
        };
        let clock = FixedClock::new(datetime!(2026-12-04 12:00:00.25 UTC));
        Stelselnode::new(ListContents::demo(&dvza), Arc::new(clock))
    }

    #[test]
    fn publish_increments_only_changed_lists() {
        let node = node();
        node.update(|contents| contents.whitelist.push("extra.localhost".to_owned()));
        assert_eq!(node.volgnummer(ListKind::Whitelist), 2);
        assert_eq!(node.volgnummer(ListKind::OAuthClientList), 1);
        assert!(
            node.list_xml(ListKind::Whitelist)
                .contains("extra.localhost")
        );
    }

    #[test]
    fn tijdstempel_has_seconds_and_zone() {
        let xml = node().list_xml(ListKind::OAuthClientList);
        assert!(
            xml.contains("<Tijdstempel>2026-12-04T12:00:00Z</Tijdstempel>"),
            "{xml}"
        );
    }

    #[test]
    fn invalid_fault_drops_tijdstempel() {
        let valid = node().list_xml(ListKind::Gegevensdienstnamenlijst);
        let broken = invalidate(&valid);
        assert!(!broken.contains("Tijdstempel"));
        assert!(broken.contains("<Onbekend>"));
    }

    #[test]
    fn file_names_round_trip() {
        for kind in ListKind::ALL {
            assert_eq!(ListKind::from_file_name(kind.file_name()), Some(kind));
        }
        assert_eq!(ListKind::from_file_name("other.xml"), None);
    }
}
