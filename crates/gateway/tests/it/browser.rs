//! Headless Chromium drives the demo PGO through the whole MedMij flow (practice, DigiD person,
//! consent, data) and takes screenshots, which replace those in `docs/img` when
//! `LSPPLUS_UPDATE_SCREENSHOTS=1` is set. WebDriver is spoken to chromedriver directly
//! over HTTP, so no browser-automation crate is needed.
//!
//! Skipped with a message when chromium or chromedriver is missing, unless `CI=true`.

use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use common::{Clock, SystemClock};
use gateway::demo_setup::{self, DemoListeners, DemoPeers};
use gateway::his_directory::HisDirectory;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const STORE_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
/// Adult demo person with data in every category at De Linde.
const ADULT: &str = "999991103";

/// Returns false (after printing why) when the test must be skipped.
fn browser_available() -> bool {
    let present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !present {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium and chromedriver are required in CI: apt-get install -y chromium chromium-driver"
        );
        eprintln!(
            "skipped: {CHROMIUM} or {CHROMEDRIVER} not found (apt-get install -y chromium chromium-driver)"
        );
    }
    present
}

/// A chromedriver process and one browser session.
struct Browser {
    driver: Child,
    http: reqwest::Client,
    session: String,
    base: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn start(ca_pem: &str) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // Its own process group, so that dropping the handle also ends the Chromium it started.
        let mut driver = Command::new(CHROMEDRIVER)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        // chromedriver prints a line once it listens; wait for it instead of polling the port.
        let stdout = driver.stdout.take().unwrap();
        let started = tokio::task::spawn_blocking(move || {
            use std::io::BufRead as _;
            std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .any(|line| line.contains("started successfully"))
        })
        .await
        .unwrap();
        assert!(started, "chromedriver exited before it started listening");
        // chromedriver speaks plain HTTP; the TLS settings only satisfy reqwest's builder.
        let http = tls::http_client_builder(ca_pem, None)
            .unwrap()
            .https_only(false)
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--ignore-certificate-errors".to_owned(),
            "--window-size=1200,1400".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "acceptInsecureCerts": true,
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        }}});
        let response = http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .await
            .unwrap();
        let value: Value = response.json().await.unwrap();
        let session = value["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {value}"))
            .to_owned();
        let browser = Browser {
            driver,
            http,
            session,
            base,
            _profile: profile,
        };
        // Element look-ups wait up to 20 s for the element, which also covers redirect chains that
        // are still loading after a click.
        let timeouts = json!({"implicit": 20_000, "pageLoad": 30_000});
        browser
            .call(reqwest::Method::POST, "/timeouts", Some(timeouts))
            .await;
        browser
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut request = self.http.request(method, url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let value: Value = request.send().await.unwrap().json().await.unwrap();
        if value["value"].get("error").is_some() {
            let page = self.page_text().await;
            panic!("WebDriver {path} failed: {}\npage: {page}", value["value"]);
        }
        value["value"].clone()
    }

    async fn page_text(&self) -> String {
        let url = format!("{}/session/{}/source", self.base, self.session);
        let value: Value = self
            .http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        sim::sim_pgo::html::excerpt(value["value"].as_str().unwrap_or_default(), 800)
    }

    async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    async fn current_url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn find(&self, css: &str) -> String {
        let element = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        element
            .as_object()
            .and_then(|object| object.values().next())
            .and_then(Value::as_str)
            .unwrap()
            .to_owned()
    }

    async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/click"),
            Some(json!({})),
        )
        .await;
    }

    async fn type_text(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    async fn source(&self) -> String {
        self.call(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Ends the session, which closes Chromium, before chromedriver is stopped on drop.
    async fn quit(self) {
        let url = format!("{}/session/{}", self.base, self.session);
        let _ = self.http.delete(url).send().await;
    }

    async fn screenshot(&self, path: &Path) {
        let data = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap())
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Chromium outlives a killed chromedriver, so the whole process group is stopped.
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Returns where a screenshot goes: `docs/img` with `LSPPLUS_UPDATE_SCREENSHOTS=1`, else the
/// build's temporary folder, so that a test run leaves the checked-in images unchanged.
fn docs_img(name: &str) -> PathBuf {
    let dir = if std::env::var("LSPPLUS_UPDATE_SCREENSHOTS").as_deref() == Ok("1") {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/img")
    } else {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
    };
    dir.join(name)
}

/// The simulators from `sim::Demo` plus the gateway on the ports they expect.
struct Demo {
    sims: sim::RunningSims,
    _gateway: gateway::Running,
    dir: tempfile::TempDir,
}

async fn start_demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let clock: Arc<dyn Clock> = Arc::new(common::FixedClock::new(SystemClock.now()));
    let sims = sim::Demo::start(sim::DemoOptions {
        data_dir: dir.path().to_path_buf(),
        port_base: 0,
        his_data: None,
        clock: clock.clone(),
    })
    .await
    .unwrap();
    let pki = tls::pki::TestPki::load_or_generate(&sims.pki_dir).unwrap();
    let peers = DemoPeers {
        digid_front_url: sims.urls.digid_front.clone(),
        digid_back_url: sims.urls.digid_back.clone(),
        stelselnode_url: sims.urls.stelselnode.clone(),
        lsp_url: format!("{}/", sims.urls.lsp),
    };
    let listeners = DemoListeners {
        front: sims.gateway_addrs.front,
        back: sims.gateway_addrs.back,
        admin: sims.gateway_addrs.admin,
    };
    let config = demo_setup::demo_config(
        &pki,
        &peers,
        listeners,
        "sqlite::memory:".to_owned(),
        STORE_KEY.to_owned(),
    )
    .unwrap();
    let store = demo_setup::open_store(&config).await.unwrap();
    let lsp = Arc::new(
        gateway::aorta_directory::AortaDirectory::from_config(&config, clock.clone()).unwrap(),
    );
    let gateway = gateway::start_with_directory(
        config,
        clock,
        store,
        Arc::new(HisDirectory(sims.his.clone())),
        lsp,
    )
    .await
    .unwrap();
    Demo {
        sims,
        _gateway: gateway,
        dir,
    }
}

/// Walks from the PGO's start page to the consent page.
async fn to_consent(browser: &Browser, demo: &Demo, lang: &str) {
    browser
        .goto(&format!("{}/?lang={lang}", demo.sims.urls.pgo))
        .await;
    browser.click("#practice-0").await;
    browser.click("#dienst-49").await;
    browser.click("#start").await;

    // The gateway's start page, then the DigiD simulator's login form.
    browser
        .click("form[action='/oauth/login'] button[value=login]")
        .await;
    browser.type_text("#bsn", ADULT).await;
    browser
        .click("form[action='/saml/login'] button[value=login]")
        .await;

    let consent = browser.find("button[name=decision][value=yes]").await;
    assert!(!consent.is_empty());
    assert!(browser.current_url().await.contains("lspplus.localhost"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_runs_demo_pgo_flow() {
    if !browser_available() {
        return;
    }
    let demo = start_demo().await;
    let browser = Browser::start(&demo.sims.ca_pem).await;

    to_consent(&browser, &demo, "nl").await;
    let consent = browser.source().await;
    assert!(consent.contains("lang=\"nl\""));
    assert!(
        consent.contains("Demo PGO"),
        "{}",
        browser.page_text().await
    );
    browser.screenshot(&docs_img("consent-nl.png")).await;

    browser.click("button[name=decision][value=yes]").await;
    browser.find("#episodes").await;
    let url = browser.current_url().await;
    assert!(
        url.starts_with(&format!("{}/data", demo.sims.urls.pgo)),
        "{url}: {}",
        browser.page_text().await
    );
    let data = browser.source().await;
    assert!(
        data.contains("id=\"episodes\""),
        "{}",
        browser.page_text().await
    );
    assert!(!data.contains(ADULT), "the PGO must not show the BSN");
    browser.screenshot(&docs_img("demo-pgo.png")).await;

    // Each part shows a table of data, or an error text when its FHIR search failed.
    for part in ["episodes", "medication", "results", "journal"] {
        let section = data
            .split(&format!("<section id=\"{part}\">"))
            .nth(1)
            .and_then(|rest| rest.split("</section>").next())
            .unwrap_or_default();
        assert!(
            section.contains("<table>"),
            "no {part} data on the PGO page: {}",
            sim::sim_pgo::html::text_of(section)
        );
    }

    // The same flow in English, up to the consent question.
    let english = Browser::start(&demo.sims.ca_pem).await;
    to_consent(&english, &demo, "en").await;
    let consent = english.source().await;
    assert!(
        consent.contains("lang=\"en\""),
        "{}",
        english.page_text().await
    );
    english.screenshot(&docs_img("consent-en.png")).await;
    english.quit().await;
    browser.quit().await;
}

/// Runs `lspplus pgo ...` against the demo through an endpoints file.
async fn run_cli(demo: &Demo, args: &[&str]) -> std::process::Output {
    let file = demo.dir.path().join("endpoints.json");
    std::fs::write(&file, demo.sims.endpoints_json().to_string()).unwrap();
    tokio::process::Command::new(env!("CARGO_BIN_EXE_lspplus"))
        .arg("pgo")
        .args(args)
        .arg("--demo")
        .arg(&file)
        .output()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_prints_token_and_names_failed_step() {
    let demo = start_demo().await;

    let output = run_cli(
        &demo,
        &[
            "token",
            "--gegevensdienst",
            "49",
            "--bsn",
            ADULT,
            "--indefinite",
        ],
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let token: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        token["access_token"]
            .as_str()
            .is_some_and(|value| !value.is_empty())
    );
    assert_eq!(
        token["token_type"]
            .as_str()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("bearer")
    );
    assert!(token["refresh_token"].is_string(), "{token}");

    let refused = run_cli(&demo, &["token", "--bsn", ADULT, "--refuse"]).await;
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("redirect back to the PGO failed"),
        "{stderr}"
    );
    assert!(stderr.contains("access_denied"), "{stderr}");

    let unknown = run_cli(&demo, &["token", "--bsn", ADULT, "--practice", "onbekend"]).await;
    assert!(!unknown.status.success());
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("lists no gegevensdienst 49 for onbekend"),
        "{stderr}"
    );
}
