//! An in-process demo for the flow tests: `sim::Demo` on ephemeral ports plus the gateway.

use std::sync::Arc;

use common::{Clock, FixedClock, SystemClock};
use gateway::availability::PatientDirectory;
use gateway::demo_setup;
use gateway::his_directory::HisDirectory;
use sim_pgo::{Endpoints, PgoClient};
use tls::pki::TestPki;

pub const DELINDE: &str = "huisartsenpraktijk-delinde@medmij";
/// 54 years old, known at De Linde.
pub const ADULT: &str = "999991103";
/// 15 years old, known at De Linde.
pub const TEENAGER: &str = "999991115";
/// Known only at Het Anker.
pub const ANKER_ONLY: &str = "999991127";
pub const PGO: &str = "pgo.localhost";
pub const OTHER_PGO: &str = "other-pgo.localhost";
const STORE_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

pub struct Harness {
    _dir: tempfile::TempDir,
    pub pki: TestPki,
    pub clock: FixedClock,
    pub gateway: gateway::Running,
    pub sims: sim::RunningSims,
    pub pgo: PgoClient,
}

impl Harness {
    pub async fn start() -> Harness {
        Harness::start_with(None).await
    }

    /// Starts the demo, with the GP-system simulator serving the files in `his_data` when given.
    ///
    /// The gateway binds ports that the simulators chose by binding and closing them, so a test
    /// running at the same time can take one in between. A failed start is therefore tried again.
    pub async fn start_with(his_data: Option<std::path::PathBuf>) -> Harness {
        Harness::start_with_settings(his_data, &|_| {}).await
    }

    /// Starts the demo with a shorter AORTA deadline, for tests that wait for it to pass.
    pub async fn start_with_aorta_timeout(seconds: u64) -> Harness {
        Harness::start_with_config(move |config| config.aorta.timeout_secs = seconds).await
    }

    /// Starts the demo with the gateway configuration changed by `edit`.
    pub async fn start_with_config(edit: impl Fn(&mut gateway::Config)) -> Harness {
        Harness::start_with_settings(None, &edit).await
    }

    async fn start_with_settings(
        his_data: Option<std::path::PathBuf>,
        edit: &dyn Fn(&mut gateway::Config),
    ) -> Harness {
        const ATTEMPTS: u32 = 3;
        let mut attempt = 1;
        loop {
            match Harness::try_start(his_data.clone(), edit).await {
                Ok(harness) => return harness,
                Err(error) if attempt < ATTEMPTS => {
                    eprintln!("harness start attempt {attempt} failed, retrying: {error}");
                    attempt += 1;
                }
                Err(error) => panic!("the harness did not start: {error}"),
            }
        }
    }

    async fn try_start(
        his_data: Option<std::path::PathBuf>,
        edit: &dyn Fn(&mut gateway::Config),
    ) -> Result<Harness, String> {
        let from_files = his_data.is_some();
        let dir = tempfile::tempdir().unwrap();
        let clock = FixedClock::new(SystemClock.now());
        let shared_clock: Arc<dyn Clock> = Arc::new(clock.clone());
        let sims = sim::Demo::start(sim::DemoOptions {
            data_dir: dir.path().to_owned(),
            port_base: 0,
            his_data,
            clock: shared_clock.clone(),
        })
        .await
        .map_err(|error| error.to_string())?;
        let pki = TestPki::load_or_generate(&sims.pki_dir).unwrap();

        let mut config =
            demo_setup::config_for_sims(&sims, "sqlite::memory:".to_owned(), STORE_KEY.to_owned());
        edit(&mut config);
        let store = demo_setup::open_store(&config).await.unwrap();
        let lsp = Arc::new(
            gateway::aorta_directory::AortaDirectory::from_config(&config, shared_clock.clone())
                .unwrap(),
        );
        // The availability check queries the GP system over the LSP, as in production. The Nictiz
        // example files often lack a birth date, so with them the simulator's data set is read directly.
        let directory: Arc<dyn PatientDirectory> = if from_files {
            Arc::new(HisDirectory(sims.his.clone()))
        } else {
            lsp.clone()
        };
        let started =
            gateway::start_with_directory(config, shared_clock, store, directory, lsp).await;
        let gateway = match started {
            Ok(gateway) => gateway,
            Err(error) => {
                sims.stop().await;
                return Err(error.to_string());
            }
        };

        crate::egress::watch(sims.persons.iter().map(|p| p.bsn.as_str()));
        crate::egress::assert_clean();
        let pgo = sims.pgo_client().unwrap();
        Ok(Harness {
            _dir: dir,
            pki,
            clock,
            gateway,
            sims,
            pgo,
        })
    }

    /// Returns the redirect URI of the demo PGO.
    pub fn redirect_uri(&self) -> String {
        self.sims.pgo.redirect_uri.clone()
    }

    /// Returns the endpoints of De Linde, gegevensdienst 49, as the Zorgaanbiederslijst lists them.
    pub fn endpoints(&self) -> Endpoints {
        Endpoints {
            authorization: format!("{}/oauth/authorize", self.gateway.front_url),
            token: format!("{}/oauth/token", self.gateway.back_url),
            fhir_base: format!(
                "{}/fhir/huisartsenpraktijk-delinde/49",
                self.gateway.back_url
            ),
        }
    }

    /// Builds a browser-like client without a client certificate and without redirects.
    pub fn browser(&self) -> reqwest::Client {
        tls::http_client_builder(self.pki.ca_pem(), None)
            .unwrap()
            .cookie_store(true)
            .build()
            .unwrap()
    }

    /// Builds a back-channel client presenting the client certificate of `name` (or none).
    pub fn back_client(&self, name: Option<&str>) -> reqwest::Client {
        let identity = name.map(|name| self.pki.issue_client(name).unwrap());
        tls::http_client(self.pki.ca_pem(), identity.as_ref()).unwrap()
    }

    /// Returns the authorization URL with `pairs` as query.
    pub fn authorize_url(&self, pairs: &[(&str, &str)]) -> String {
        let mut url = url::Url::parse(&self.endpoints().authorization).unwrap();
        url.query_pairs_mut().extend_pairs(pairs);
        url.to_string()
    }

    /// Stops the gateway and simulators; fails when any response so far contained a BSN.
    pub async fn stop(self) {
        self.gateway.shutdown().await;
        self.sims.stop().await;
        crate::egress::assert_clean();
    }
}
