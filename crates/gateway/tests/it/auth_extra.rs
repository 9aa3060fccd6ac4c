//! The rest of the authorization server's acceptance list: the state round trip, a cancelled DigiD
//! login, one patient's token against another patient's data, faulty MedMij lists and the
//! consent page in English. A small form-following client plays the browser.

use std::time::Duration;

use medmij::lists::MedMijList as _;
use serde_json::Value;
use sim::sim_pgo::html;
use sim::sim_stelselnode::{Fault, ListKind};
use sim_pgo::{ConsentChoice, Endpoints, PgoError, Session, scope_for};
use url::Url;

use crate::harness::{ADULT, ANKER_ONLY, DELINDE, Harness, PGO, TEENAGER};

const ANKER: &str = "huisartsenpraktijk-hetanker@medmij";
const FHIR_JSON: &str = "application/fhir+json";

/// Where a front-channel request ended.
#[derive(Debug)]
enum Stop {
    /// A page that is not a redirect, on any server.
    Page { url: Url, status: u16, body: String },
    /// The redirect to the PGO's redirect URI, not followed.
    Callback(Url),
}

impl Stop {
    fn page(self) -> (Url, String) {
        match self {
            Stop::Page { url, status, body } => {
                assert_eq!(status, 200, "{url}: {}", html::excerpt(&body, 600));
                (url, body)
            }
            Stop::Callback(url) => panic!("expected a page, got the redirect {url}"),
        }
    }

    fn callback(self) -> Url {
        match self {
            Stop::Callback(url) => url,
            Stop::Page { url, status, body } => panic!(
                "expected the redirect to the PGO, got HTTP {status} at {url}: {}",
                html::excerpt(&body, 600)
            ),
        }
    }
}

/// A cookie-keeping client that follows redirects up to the PGO and submits forms by button.
struct Front {
    client: reqwest::Client,
}

impl Front {
    fn new(harness: &Harness) -> Front {
        Front {
            client: harness.browser(),
        }
    }

    async fn follow(&self, mut request: reqwest::RequestBuilder, mut url: Url) -> Stop {
        for _ in 0..20 {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            if response.status().is_redirection() {
                let location = response.headers()["location"].to_str().unwrap().to_owned();
                let target = url.join(&location).unwrap();
                if target.host_str() == Some(PGO) {
                    return Stop::Callback(target);
                }
                url = target;
                request = self.client.get(url.clone());
                continue;
            }
            let body = response.text().await.unwrap();
            return Stop::Page { url, status, body };
        }
        panic!("more than 20 redirects from {url}");
    }

    async fn get(&self, url: &str) -> Stop {
        let url = Url::parse(url).unwrap();
        self.follow(self.client.get(url.clone()), url).await
    }

    /// Submits the form of `body` that has the button `name=value`, with `extra` fields added.
    async fn press(
        &self,
        url: &Url,
        body: &str,
        button: (&str, &str),
        extra: &[(&str, &str)],
    ) -> Stop {
        let page = html::scan(body);
        let form = page
            .forms
            .iter()
            .find(|form| {
                form.controls.iter().any(|control| {
                    control.is_submit() && control.name == button.0 && control.value == button.1
                })
            })
            .unwrap_or_else(|| {
                panic!(
                    "no button {}={} at {url}: {}",
                    button.0,
                    button.1,
                    html::excerpt(body, 600)
                )
            });
        assert_eq!(form.method, "POST");
        let action = url
            .join(form.action.as_deref().unwrap_or_default())
            .unwrap();
        let mut fields: Vec<(String, String)> = form
            .default_fields()
            .into_iter()
            .filter(|(name, _)| !extra.iter().any(|(replaced, _)| replaced == name))
            .collect();
        fields.extend(
            extra
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
        );
        fields.push((button.0.to_owned(), button.1.to_owned()));
        self.follow(self.client.post(action.clone()).form(&fields), action)
            .await
    }

    /// From the gateway's landing page through the DigiD login of `bsn`.
    async fn log_in(&self, landing: Stop, bsn: &str) -> Stop {
        let (url, body) = landing.page();
        let (digid_url, digid) = self
            .press(&url, &body, ("action", "login"), &[])
            .await
            .page();
        assert_ne!(digid_url.host_str(), url.host_str(), "not at DigiD");
        self.press(&digid_url, &digid, ("action", "login"), &[("bsn", bsn)])
            .await
    }
}

fn authorize_pairs<'a>(harness: &Harness, scope: &'a str, state: &'a str) -> Vec<(String, String)> {
    [
        ("response_type", "code"),
        ("client_id", PGO),
        ("redirect_uri", harness.redirect_uri().as_str()),
        ("scope", scope),
        ("state", state),
    ]
    .iter()
    .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
    .collect()
}

fn authorize_url(harness: &Harness, pairs: &[(String, String)]) -> String {
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    harness.authorize_url(&pairs)
}

fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Builds a state of exactly 1024 bytes full of `+`, `/` and `=`, which URL and form encoding treat specially.
fn long_state() -> String {
    let state: String = "Zm9v+YmFy/YmF6==".repeat(64);
    assert_eq!(state.len(), 1024);
    state
}

#[tokio::test]
async fn state_echoed_on_success_and_errors() {
    let harness = Harness::start().await;
    let scope = scope_for(DELINDE, None);
    for state in [long_state(), "a+b/c=d==".to_owned()] {
        // Success.
        let front = Front::new(&harness);
        let landing = front
            .get(&authorize_url(
                &harness,
                &authorize_pairs(&harness, &scope, &state),
            ))
            .await;
        let (url, consent) = front.log_in(landing, ADULT).await.page();
        let callback = front
            .press(&url, &consent, ("decision", "yes"), &[])
            .await
            .callback();
        assert!(param(&callback, "code").is_some_and(|code| !code.is_empty()));
        assert_eq!(param(&callback, "state").as_deref(), Some(state.as_str()));

        // Consent refused.
        let front = Front::new(&harness);
        let landing = front
            .get(&authorize_url(
                &harness,
                &authorize_pairs(&harness, &scope, &state),
            ))
            .await;
        let (url, consent) = front.log_in(landing, ADULT).await.page();
        let callback = front
            .press(&url, &consent, ("decision", "no"), &[])
            .await
            .callback();
        assert_eq!(param(&callback, "error").as_deref(), Some("access_denied"));
        assert_eq!(param(&callback, "state").as_deref(), Some(state.as_str()));

        // The 15-year-old is refused after DigiD.
        let front = Front::new(&harness);
        let landing = front
            .get(&authorize_url(
                &harness,
                &authorize_pairs(&harness, &scope, &state),
            ))
            .await;
        let callback = front.log_in(landing, TEENAGER).await.callback();
        assert_eq!(param(&callback, "error").as_deref(), Some("access_denied"));
        assert_eq!(param(&callback, "code"), None);
        assert_eq!(param(&callback, "state").as_deref(), Some(state.as_str()));

        // The person stops on the landing page.
        let front = Front::new(&harness);
        let (url, landing) = front
            .get(&authorize_url(
                &harness,
                &authorize_pairs(&harness, &scope, &state),
            ))
            .await
            .page();
        let callback = front
            .press(&url, &landing, ("action", "stop"), &[])
            .await
            .callback();
        assert_eq!(param(&callback, "error").as_deref(), Some("access_denied"));
        assert_eq!(param(&callback, "state").as_deref(), Some(state.as_str()));

        // A scope the practice does not offer.
        let front = Front::new(&harness);
        let callback = front
            .get(&authorize_url(
                &harness,
                &authorize_pairs(&harness, "huisartsenpraktijk-delinde~99", &state),
            ))
            .await
            .callback();
        assert_eq!(param(&callback, "error").as_deref(), Some("invalid_scope"));
        assert_eq!(param(&callback, "state").as_deref(), Some(state.as_str()));
    }

    // The state is opaque to the gateway, so an altered state comes back altered. The PGO client
    // compares it with the state it sent and stops.
    let mut request = harness
        .pgo
        .authorization_request(&harness.endpoints().authorization, &scope)
        .unwrap();
    let pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(name, value)| {
            let value = if name == "state" {
                format!("{value}x")
            } else {
                value.into_owned()
            };
            (name.into_owned(), value)
        })
        .collect();
    request.url.query_pairs_mut().clear().extend_pairs(pairs);
    let result = harness
        .pgo
        .authorize(&request, ADULT, ConsentChoice::Allow)
        .await;
    assert!(
        matches!(result, Err(PgoError::StateMismatch { .. })),
        "{result:?}"
    );
    harness.stop().await;
}

#[tokio::test]
async fn digid_cancel_page_and_retry() {
    let harness = Harness::start().await;
    let scope = scope_for(DELINDE, None);
    let state = "cancel-state";
    let front = Front::new(&harness);
    let (url, landing) = front
        .get(&authorize_url(
            &harness,
            &authorize_pairs(&harness, &scope, state),
        ))
        .await
        .page();
    let (digid_url, digid) = front
        .press(&url, &landing, ("action", "login"), &[])
        .await
        .page();

    // Cancel at DigiD: back at the gateway, on its cancel page, in Dutch, and no redirect.
    let (cancel_url, cancel) = front
        .press(&digid_url, &digid, ("action", "cancel"), &[])
        .await
        .page();
    assert_eq!(cancel_url.host_str(), url.host_str(), "{cancel_url}");
    assert!(cancel.contains("lang=\"nl\""), "{cancel}");
    assert!(cancel.contains("U bent gestopt"), "{cancel}");
    assert!(cancel.contains("Opnieuw proberen"), "{cancel}");
    assert!(!cancel.contains("code="), "{cancel}");

    // Showing the page again (another language) still gives no code.
    let (_, english) = front
        .get(&format!(
            "{}/oauth/continue?lang=en",
            harness.gateway.front_url
        ))
        .await
        .page();
    assert!(english.contains("You stopped"), "{english}");
    assert!(english.contains("Try again"), "{english}");

    // Trying again goes back to DigiD and ends with a code for the original state.
    let (digid_url, digid) = front
        .press(&cancel_url, &cancel, ("action", "login"), &[])
        .await
        .page();
    assert_eq!(
        digid_url.host_str(),
        Url::parse(&harness.sims.urls.digid_front)
            .unwrap()
            .host_str()
    );
    let (consent_url, consent) = front
        .press(&digid_url, &digid, ("action", "login"), &[("bsn", ADULT)])
        .await
        .page();
    let callback = front
        .press(&consent_url, &consent, ("decision", "yes"), &[])
        .await
        .callback();
    assert!(param(&callback, "code").is_some());
    assert_eq!(param(&callback, "state").as_deref(), Some(state));

    // Cancelling and then going back to the PGO ends with access_denied and no code.
    let front = Front::new(&harness);
    let landing = front
        .get(&authorize_url(
            &harness,
            &authorize_pairs(&harness, &scope, state),
        ))
        .await;
    let (url, body) = landing.page();
    let (digid_url, digid) = front
        .press(&url, &body, ("action", "login"), &[])
        .await
        .page();
    let (cancel_url, cancel) = front
        .press(&digid_url, &digid, ("action", "cancel"), &[])
        .await
        .page();
    let callback = front
        .press(&cancel_url, &cancel, ("action", "stop"), &[])
        .await
        .callback();
    assert_eq!(param(&callback, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&callback, "code"), None);
    assert_eq!(param(&callback, "state").as_deref(), Some(state));
    harness.stop().await;
}

fn anker_endpoints(harness: &Harness) -> Endpoints {
    Endpoints {
        fhir_base: format!(
            "{}/fhir/huisartsenpraktijk-hetanker/49",
            harness.gateway.back_url
        ),
        ..harness.endpoints()
    }
}

/// Returns the entries of a searchset Bundle, without the Bundle-level fields that change per response.
fn entries(body: &str) -> Vec<Value> {
    let bundle: Value = serde_json::from_str(body).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle", "{body}");
    bundle["entry"].as_array().cloned().unwrap_or_default()
}

async fn search(harness: &Harness, session: &Session, url: &str) -> (u16, String) {
    match harness.pgo.get_with_token(session, url, FHIR_JSON).await {
        Ok(response) => (response.status, response.text()),
        Err(PgoError::Status {
            status, received, ..
        }) => (status, received),
        Err(other) => panic!("{url}: {other}"),
    }
}

#[tokio::test]
async fn token_reads_only_own_patient() {
    let harness = Harness::start().await;
    let a = harness
        .pgo
        .run_flow(
            &harness.endpoints(),
            &scope_for(DELINDE, None),
            ADULT,
            ConsentChoice::Allow,
        )
        .await
        .unwrap();
    let b = harness
        .pgo
        .run_flow(
            &anker_endpoints(&harness),
            &scope_for(ANKER, None),
            ANKER_ONLY,
            ConsentChoice::Allow,
        )
        .await
        .unwrap();
    let delinde = format!("{}/EpisodeOfCare", harness.endpoints().fhir_base);
    let anker = format!("{}/EpisodeOfCare", anker_endpoints(&harness).fhir_base);

    let (status, own_a) = search(&harness, &a, &delinde).await;
    assert_eq!(status, 200, "{own_a}");
    let own_a = entries(&own_a);
    assert!(!own_a.is_empty(), "patient A has episodes at De Linde");
    let (status, own_b) = search(&harness, &b, &anker).await;
    assert_eq!(status, 200, "{own_b}");
    let own_b = entries(&own_b);
    assert!(!own_b.is_empty(), "patient B has episodes at Het Anker");
    assert_ne!(own_a, own_b);

    // Each token only works at its own practice.
    let (status, body) = search(&harness, &a, &anker).await;
    assert_eq!(status, 403, "{body}");
    assert!(!body.contains(ANKER_ONLY));
    let (status, body) = search(&harness, &b, &delinde).await;
    assert_eq!(status, 403, "{body}");

    // No query parameter selects another patient: rejected, or ignored with A's own data.
    for query in [
        format!("patient={ANKER_ONLY}"),
        format!("patient=Patient/{ANKER_ONLY}"),
        format!("subject=Patient/{ANKER_ONLY}"),
        format!("subject:Patient.identifier=http://fhir.nl/fhir/NamingSystem/bsn|{ANKER_ONLY}"),
        format!("identifier=http://fhir.nl/fhir/NamingSystem/bsn|{ANKER_ONLY}"),
        format!("patient.identifier=http://fhir.nl/fhir/NamingSystem/bsn|{ANKER_ONLY}"),
    ] {
        for base in [&delinde, &anker] {
            let (status, body) = search(&harness, &a, &format!("{base}?{query}")).await;
            match status {
                400 | 403 => assert!(!body.contains("Anna") && !body.contains("entry")),
                200 => {
                    // The search ignores the parameter: the entries are A's own, unchanged, and
                    // the self link leaves the parameter out.
                    assert_eq!(base, &delinde, "{query}: {body}");
                    let found = entries(&body);
                    assert_eq!(found, own_a, "{query} changed the data");
                    assert!(!Value::Array(found).to_string().contains(ANKER_ONLY));
                    assert!(!body.contains(ANKER_ONLY), "{query} echoed: {body}");
                }
                other => panic!("{query} on {base}: HTTP {other}: {body}"),
            }
        }
    }
    harness.stop().await;
}

/// Fetches the gateway's Prometheus text from the admin listener.
async fn metrics(harness: &Harness) -> String {
    harness
        .browser()
        .get(format!("{}/metrics", harness.gateway.admin_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Parses the value of the first sample named `name` whose labels contain every one of `labels`.
fn sample(metrics: &str, name: &str, labels: &[&str]) -> f64 {
    metrics
        .lines()
        .filter(|line| line.starts_with(name))
        .filter(|line| {
            let rest = &line[name.len()..];
            rest.starts_with('{') || rest.starts_with(' ')
        })
        .find(|line| labels.iter().all(|label| line.contains(label)))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
        .unwrap_or(0.0)
}

fn refreshes(metrics: &str, list: &str, outcome: &str) -> f64 {
    sample(
        metrics,
        "lspplus_list_refreshes_total",
        &[
            &format!("list=\"{list}\""),
            &format!("outcome=\"{outcome}\""),
        ],
    )
}

/// Triggers a list refresh and waits until every list in `lists` counted one more `outcome`.
async fn refresh_expecting(harness: &Harness, lists: &[&str], outcome: &str) -> String {
    let before = metrics(harness).await;
    harness.gateway.refresh_lists();
    let wait = async {
        loop {
            let now = metrics(harness).await;
            if lists
                .iter()
                .all(|list| refreshes(&now, list, outcome) > refreshes(&before, list, outcome))
            {
                return now;
            }
            tokio::task::yield_now().await;
        }
    };
    match tokio::time::timeout(Duration::from_secs(30), wait).await {
        Ok(now) => now,
        Err(_) => panic!(
            "no '{outcome}' refresh of {lists:?} counted: {}",
            metrics(harness).await
        ),
    }
}

const ALL_LISTS: [(ListKind, &str); 4] = [
    (ListKind::OAuthClientList, "oauthclientlist"),
    (ListKind::Whitelist, "whitelist"),
    (
        ListKind::Gegevensdienstnamenlijst,
        "gegevensdienstnamenlijst",
    ),
    (ListKind::Zorgaanbiederslijst, "zorgaanbiederslijst"),
];

fn volgnummers(harness: &Harness) -> [u64; 4] {
    let lists = harness.gateway.app.lists.snapshot();
    [
        lists
            .oauth_clients
            .as_ref()
            .map_or(0, |list| list.volgnummer()),
        lists.whitelist.as_ref().map_or(0, |list| list.volgnummer()),
        lists
            .gegevensdienstnamen
            .as_ref()
            .map_or(0, |list| list.volgnummer()),
        lists
            .zorgaanbieders
            .as_ref()
            .map_or(0, |list| list.volgnummer()),
    ]
}

async fn flow_works(harness: &Harness) {
    let session = harness
        .pgo
        .run_flow(
            &harness.endpoints(),
            &scope_for(DELINDE, None),
            ADULT,
            ConsentChoice::Allow,
        )
        .await
        .unwrap();
    assert_eq!(session.token.scope.as_deref(), Some("49 51"));
}

#[tokio::test]
async fn faulty_lists_keep_last_copy() {
    let harness = Harness::start().await;
    let node = harness.sims.stelselnode.clone();
    let names: Vec<&str> = ALL_LISTS.iter().map(|(_, name)| *name).collect();

    // A newer Whitelist is taken.
    node.update(|contents| contents.whitelist.push("extra.localhost".to_owned()));
    assert_eq!(node.volgnummer(ListKind::Whitelist), 2);
    refresh_expecting(&harness, &["whitelist"], "updated").await;
    let good = volgnummers(&harness);
    assert_eq!(good[1], 2);
    assert!(good.iter().all(|volgnummer| *volgnummer >= 1), "{good:?}");

    // A lower Volgnummer is refused.
    node.set_fault(ListKind::Whitelist, Some(Fault::Volgnummer(1)));
    refresh_expecting(&harness, &["whitelist"], "rejected").await;
    assert_eq!(volgnummers(&harness), good);
    let whitelist = harness.gateway.app.lists.snapshot().whitelist.unwrap();
    assert!(format!("{whitelist:?}").contains("extra.localhost"));
    node.set_fault(ListKind::Whitelist, None);
    flow_works(&harness).await;

    // Lists that do not validate are refused.
    for (kind, _) in ALL_LISTS {
        node.set_fault(kind, Some(Fault::Invalid));
    }
    refresh_expecting(&harness, &names, "rejected").await;
    assert_eq!(volgnummers(&harness), good);
    flow_works(&harness).await;

    // An unreachable stelselnode: the copies stay, and turn stale after the allowed age.
    for (kind, _) in ALL_LISTS {
        node.set_fault(kind, Some(Fault::Unavailable));
    }
    let text = refresh_expecting(&harness, &names, "download-failed").await;
    assert_eq!(volgnummers(&harness), good);
    assert_eq!(sample(&text, "lspplus_lists_stale", &[]), 0.0, "{text}");
    flow_works(&harness).await;

    harness.clock.advance(time::Duration::hours(2));
    let text = refresh_expecting(&harness, &names, "download-failed").await;
    assert_eq!(volgnummers(&harness), good);
    assert_eq!(sample(&text, "lspplus_lists_stale", &[]), 4.0, "{text}");
    flow_works(&harness).await;

    // Once the stelselnode responds again, the lists are fresh.
    for (kind, _) in ALL_LISTS {
        node.set_fault(kind, None);
    }
    let text = refresh_expecting(&harness, &names, "unchanged").await;
    assert_eq!(sample(&text, "lspplus_lists_stale", &[]), 0.0, "{text}");
    harness.stop().await;
}

/// Asserts that the consent form has the indefinite-duration checkbox, unchecked.
fn assert_indefinite_unchecked(body: &str) {
    let page = html::scan(body);
    let control = page
        .forms
        .iter()
        .flat_map(|form| form.controls.iter())
        .find(|control| control.kind == "checkbox" && control.name == "indefinite")
        .unwrap_or_else(|| panic!("no indefinite checkbox: {}", html::excerpt(body, 600)));
    assert!(!control.checked, "indefinite consent is preselected");
}

#[tokio::test]
async fn consent_english_indefinite_unchecked() {
    let harness = Harness::start().await;
    let scope = scope_for(DELINDE, None);

    // ?lang=en on the authorization request.
    let front = Front::new(&harness);
    let mut pairs = authorize_pairs(&harness, &scope, "en-state");
    pairs.push(("lang".to_owned(), "en".to_owned()));
    let landing = front.get(&authorize_url(&harness, &pairs)).await;
    let (url, consent) = front.log_in(landing, ADULT).await.page();
    assert!(consent.contains("lang=\"en\""), "{consent}");
    assert!(consent.contains("Do you give consent?"), "{consent}");
    assert!(
        consent.contains("I give consent for an indefinite period."),
        "{consent}"
    );
    assert!(!consent.contains("Geeft u toestemming"), "{consent}");
    assert_indefinite_unchecked(&consent);
    let callback = front
        .press(&url, &consent, ("decision", "yes"), &[])
        .await
        .callback();
    assert!(param(&callback, "code").is_some());

    // Dutch by default, then the language switch on the consent page.
    let front = Front::new(&harness);
    let landing = front
        .get(&authorize_url(
            &harness,
            &authorize_pairs(&harness, &scope, "nl-state"),
        ))
        .await;
    let (_, consent) = front.log_in(landing, ADULT).await.page();
    assert!(consent.contains("lang=\"nl\""), "{consent}");
    assert!(consent.contains("Geeft u toestemming?"), "{consent}");
    assert_indefinite_unchecked(&consent);
    assert!(
        consent.contains("/oauth/continue?lang=en"),
        "no language switch: {consent}"
    );
    let (url, english) = front
        .get(&format!(
            "{}/oauth/continue?lang=en",
            harness.gateway.front_url
        ))
        .await
        .page();
    assert!(english.contains("lang=\"en\""), "{english}");
    assert!(english.contains("Do you give consent?"), "{english}");
    assert_indefinite_unchecked(&english);
    let callback = front
        .press(&url, &english, ("decision", "yes"), &[])
        .await
        .callback();
    assert_eq!(param(&callback, "state").as_deref(), Some("nl-state"));
    harness.stop().await;
}
