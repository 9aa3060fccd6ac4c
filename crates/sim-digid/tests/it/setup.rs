//! Starts the simulator on loopback with a fresh test PKI and builds the service provider side.

use std::sync::Arc;

use common::{Bsn, Clock, FixedClock};
use saml::idp::RegisteredSp;
use saml::sp::ServiceProvider;
use saml::{AssuranceLevel, AuthnContextClasses, SigningIdentity};
use sim_digid::{Settings, TestPerson, TlsConfigs};
use time::Duration;
use time::macros::datetime;
use tls::ClientAuth;
use tls::pki::TestPki;
use tokio::sync::oneshot;
use url::Url;

pub const ACS: &str = "https://lspplus.localhost:8440/digid/acs";

pub struct Running {
    pub sp: ServiceProvider,
    pub clock: FixedClock,
    /// A browser: trusts the demo CA, keeps cookies, follows no redirects.
    pub browser: reqwest::Client,
    /// The gateway's back-channel client with its TLS client certificate.
    pub back_client: reqwest::Client,
    pub front_port: u16,
    pub back_port: u16,
    pub ca_pem: String,
    _stop: oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

impl Running {
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }
}

pub async fn start() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::load_or_generate(dir.path()).unwrap();
    let server = pki.issue_server("digid.localhost").unwrap();
    let sp_client = pki.issue_client("lspplus.localhost").unwrap();
    let idp_signing = pki.issue_signing("digid.localhost").unwrap();
    let sp_signing = pki.issue_signing("lspplus.localhost").unwrap();

    let front = tls::bind("127.0.0.1:0".parse().unwrap(), "DigiD front channel")
        .await
        .unwrap();
    let back = tls::bind("127.0.0.1:0".parse().unwrap(), "DigiD back channel")
        .await
        .unwrap();
    let front_port = front.local_addr().unwrap().port();
    let back_port = back.local_addr().unwrap().port();
    let sso_url = sim_digid::demo::sso_url(front_port).unwrap();
    let resolve_url = sim_digid::demo::resolve_url(back_port).unwrap();
    let sp_identity =
        SigningIdentity::from_pem(&sp_signing.key_pem, &sp_signing.cert_chain_pem).unwrap();
    let sp = ServiceProvider {
        entity_id: "https://lspplus.localhost".to_owned(),
        acs_url: Url::parse(ACS).unwrap(),
        identity: sp_identity.clone(),
        idp_entity_id: sim_digid::demo::ENTITY_ID.to_owned(),
        idp_sso_url: sso_url.clone(),
        idp_resolve_url: resolve_url.clone(),
        idp_cert_pem: idp_signing.cert_chain_pem.clone(),
        level: AssuranceLevel::Substantieel,
        classes: AuthnContextClasses::default(),
        clock_skew: Duration::seconds(60),
    };
    let idp = sim_digid::demo::identity_provider(
        front_port,
        back_port,
        &idp_signing.key_pem,
        &idp_signing.cert_chain_pem,
        vec![RegisteredSp {
            entity_id: sp.entity_id.clone(),
            acs_url: sp.acs_url.clone(),
            cert_pem: sp_signing.cert_chain_pem.clone(),
        }],
    )
    .unwrap();
    let persons = vec![
        TestPerson {
            bsn: Bsn::parse("999911120").unwrap(),
            name: "XXX_Test Jansen".to_owned(),
        },
        TestPerson {
            bsn: Bsn::parse("111222333").unwrap(),
            name: "XXX_Test de Vries".to_owned(),
        },
    ];
    let tls_configs = TlsConfigs {
        front: tls::server_config(&server, ClientAuth::None).unwrap(),
        back: tls::server_config(&server, ClientAuth::Required(pki.ca_pem().to_owned())).unwrap(),
    };
    let clock = FixedClock::new(datetime!(2026-12-04 21:00 UTC));
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(sim_digid::serve(
        front,
        back,
        tls_configs,
        Settings::new(idp, persons),
        Arc::new(clock.clone()),
        async move {
            let _ = stopped.await;
        },
    ));

    let browser = tls::http_client_builder(pki.ca_pem(), None)
        .unwrap()
        .cookie_store(true)
        .build()
        .unwrap();
    let back_client = tls::http_client(pki.ca_pem(), Some(&sp_client)).unwrap();
    Running {
        sp,
        clock,
        browser,
        back_client,
        front_port,
        back_port,
        ca_pem: pki.ca_pem().to_owned(),
        _stop: stop,
        _dir: dir,
    }
}
