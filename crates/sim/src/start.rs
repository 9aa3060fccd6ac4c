//! Starting the simulators and the handle that keeps them running.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;
use sim_pgo::{PgoClient, PgoConfig};
use sim_stelselnode::{DvzaEndpoints, ListContents, Stelselnode};
use tls::ClientAuth;
use tls::pki::TestPki;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use url::Url;

use crate::identities::DemoIdentities;
use crate::ports::{self, Service};
use crate::{DemoError, DemoOptions, DemoPerson, DemoUrls, DigidSettings, GatewayAddrs};

/// Entity ID under which the gateway is registered at the DigiD simulator.
const SP_ENTITY_ID: &str = "https://lspplus.localhost/saml/sp";
/// Entity ID of the DigiD simulator.
const IDP_ENTITY_ID: &str = "https://digid.localhost/saml/idp";

/// The running simulators. Dropping the handle (or calling [`RunningSims::stop`]) stops them.
#[derive(Debug)]
pub struct RunningSims {
    /// Every service's base URL, the gateway's included.
    pub urls: DemoUrls,
    /// The gateway's listener addresses.
    pub gateway_addrs: GatewayAddrs,
    /// The demo CA certificate file.
    pub ca_path: PathBuf,
    /// The demo CA certificate (PEM); every server and client certificate is issued by it.
    pub ca_pem: String,
    /// The persons in the HIS data, for printing and for the DigiD login page.
    pub persons: Vec<DemoPerson>,
    /// Every identity of the demo.
    pub identities: DemoIdentities,
    /// DigiD settings for the gateway.
    pub digid: DigidSettings,
    /// The stelselnode, with test hooks.
    pub stelselnode: Stelselnode,
    /// The list contents first published.
    pub lists: ListContents,
    /// The demo PGO's client settings.
    pub pgo: PgoConfig,
    /// The HIS data the LSP simulator serves, for an in-process availability check.
    pub his: Arc<sim_his::HisData>,
    /// Fault injection of the LSP simulator.
    pub lsp_faults: sim_his::FaultSwitch,
    /// The PKI directory.
    pub pki_dir: PathBuf,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningSims {
    /// Builds a PGO client with the demo PGO's identity.
    pub fn pgo_client(&self) -> Result<PgoClient, sim_pgo::PgoError> {
        PgoClient::new(self.pgo.clone())
    }

    /// Returns the endpoints description that `lspplus demo --endpoints-file` writes and
    /// `lspplus pgo --demo FILE` reads.
    pub fn endpoints_json(&self) -> serde_json::Value {
        json!({
            "urls": self.urls,
            "gateway_addrs": self.gateway_addrs,
            "ca_path": self.ca_path,
            "pgo": {
                "client_id": self.pgo.client_id,
                "redirect_uri": self.pgo.redirect_uri,
                "cert": self.identities.pgo_client.cert,
                "key": self.identities.pgo_client.key,
            },
            "persons": self.persons.iter().map(|person| json!({
                "bsn": person.bsn.as_str(),
                "name": person.name,
                "practice_app_ids": person.practice_app_ids,
                "note": person.note,
            })).collect::<Vec<_>>(),
        })
    }

    /// Stops every simulator and waits for them to finish.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

fn shutdown_signal(receiver: &watch::Receiver<bool>) -> impl Future<Output = ()> + Send + 'static {
    let mut receiver = receiver.clone();
    async move {
        let _ = receiver.wait_for(|stop| *stop).await;
    }
}

fn base_url(host: &str, listener: &TcpListener) -> Result<String, DemoError> {
    let port = listener
        .local_addr()
        .map_err(|source| DemoError::Io {
            what: "reading a listener address",
            source,
        })?
        .port();
    Ok(format!("https://{host}:{port}"))
}

fn parse_url(value: &str) -> Result<Url, DemoError> {
    Url::parse(value).map_err(|error| DemoError::Saml(format!("invalid URL {value:?}: {error}")))
}

/// Starts every simulator.
pub async fn start(options: DemoOptions) -> Result<RunningSims, DemoError> {
    std::fs::create_dir_all(&options.data_dir).map_err(|source| DemoError::Io {
        what: "creating the data directory",
        source,
    })?;
    let pki = TestPki::load_or_generate(&options.data_dir.join("pki"))?;
    let identities = DemoIdentities::issue(&pki)?;
    let ca_pem = pki.ca_pem().to_owned();
    let base = options.port_base;

    let gateway_addrs = GatewayAddrs {
        front: ports::reserve(base, Service::GatewayFront).await?,
        back: ports::reserve(base, Service::GatewayBack).await?,
        admin: ports::reserve(base, Service::GatewayAdmin).await?,
    };
    let pgo_listener = ports::bind(base, Service::Pgo).await?;
    let digid_front_listener = ports::bind(base, Service::DigidFront).await?;
    let digid_back_listener = ports::bind(base, Service::DigidBack).await?;
    let stelselnode_listener = ports::bind(base, Service::Stelselnode).await?;
    let lsp_listener = ports::bind(base, Service::Lsp).await?;

    let urls = DemoUrls {
        gateway_front: format!("https://lspplus.localhost:{}", gateway_addrs.front.port()),
        gateway_back: format!("https://lspplus.localhost:{}", gateway_addrs.back.port()),
        gateway_admin: format!(
            "https://admin.lspplus.localhost:{}",
            gateway_addrs.admin.port()
        ),
        pgo: base_url("pgo.localhost", &pgo_listener)?,
        digid_front: base_url("digid.localhost", &digid_front_listener)?,
        digid_back: base_url("digid.localhost", &digid_back_listener)?,
        stelselnode: base_url("stelselnode.localhost", &stelselnode_listener)?,
        lsp: base_url("lsp.localhost", &lsp_listener)?,
    };

    let today = options.clock.now().date();
    let his = match &options.his_data {
        Some(dir) => sim_his::HisData::from_dir(dir)?,
        None => demo_data(today)?,
    };
    let persons = his.demo_persons().to_vec();

    let (shutdown, receiver) = watch::channel(false);
    let mut tasks = Vec::new();

    // Stelselnode.
    let lists = ListContents::demo(&DvzaEndpoints {
        front_url: urls.gateway_front.clone(),
        back_url: urls.gateway_back.clone(),
    });
    let stelselnode = Stelselnode::new(lists.clone(), options.clock.clone());
    let config = tls::server_config(
        &identities.stelselnode.identity,
        ClientAuth::Optional(ca_pem.clone()),
    )?;
    tasks.push(tokio::spawn(sim_stelselnode::serve(
        stelselnode_listener,
        config,
        stelselnode.clone(),
        shutdown_signal(&receiver),
    )));

    // DigiD.
    let digid = DigidSettings {
        sp_entity_id: SP_ENTITY_ID.to_owned(),
        acs_url: format!("{}/oauth/acs", urls.gateway_front),
        idp_entity_id: IDP_ENTITY_ID.to_owned(),
        sso_url: format!("{}/saml/sso", urls.digid_front),
        resolve_url: format!("{}/artifact", urls.digid_back),
        idp_cert: identities.digid_signing.cert.clone(),
    };
    let saml_identity = |files: &crate::IdentityFiles| {
        saml::SigningIdentity::from_pem(&files.identity.key_pem, &files.identity.cert_chain_pem)
            .map_err(|error| DemoError::Saml(error.to_string()))
    };
    let idp = saml::idp::IdentityProvider {
        entity_id: digid.idp_entity_id.clone(),
        sso_url: parse_url(&digid.sso_url)?,
        resolve_url: parse_url(&digid.resolve_url)?,
        identity: saml_identity(&identities.digid_signing)?,
        service_providers: vec![saml::idp::RegisteredSp {
            entity_id: digid.sp_entity_id.clone(),
            acs_url: parse_url(&digid.acs_url)?,
            cert_pem: identities
                .gateway
                .saml_signing
                .identity
                .cert_chain_pem
                .clone(),
        }],
        classes: saml::AuthnContextClasses::default(),
        assertion_lifetime: time::Duration::minutes(5),
        clock_skew: time::Duration::minutes(3),
    };
    let digid_persons = persons
        .iter()
        .map(|person| sim_digid::TestPerson {
            bsn: person.bsn.clone(),
            name: person.name.clone(),
        })
        .collect();
    let digid_tls = sim_digid::TlsConfigs {
        front: tls::server_config(&identities.digid_server.identity, ClientAuth::None)?,
        back: tls::server_config(
            &identities.digid_server.identity,
            ClientAuth::Required(ca_pem.clone()),
        )?,
    };
    tasks.push(tokio::spawn(sim_digid::serve(
        digid_front_listener,
        digid_back_listener,
        digid_tls,
        sim_digid::Settings::new(idp, digid_persons),
        options.clock.clone(),
        shutdown_signal(&receiver),
    )));

    // LSP with the GP systems: SOAP over mutual TLS, WS-Security signed by the gateway.
    let his = Arc::new(his);
    let lsp_faults = sim_his::FaultSwitch::new();
    let lsp_options = sim_his::SoapOptions {
        source: his.clone(),
        faults: lsp_faults.clone(),
        clock: options.clock.clone(),
        trusted_signer_pem: identities
            .gateway
            .aorta_signing
            .identity
            .cert_chain_pem
            .clone(),
    };
    let lsp_tls = tls::server_config(
        &identities.lsp.identity,
        ClientAuth::Required(ca_pem.clone()),
    )?;
    tasks.push(tokio::spawn(sim_his::soap::serve(
        lsp_listener,
        lsp_tls,
        lsp_options,
        shutdown_signal(&receiver),
    )));

    // Demo PGO.
    let pgo = PgoConfig {
        roots_pem: ca_pem.clone(),
        identity: identities.pgo_client.identity.clone(),
        client_id: sim_stelselnode::DEMO_PGO.to_owned(),
        redirect_uri: format!("{}/callback", urls.pgo),
        accept_language: "nl".to_owned(),
    };
    let web = sim_pgo::web::WebSettings {
        client: PgoClient::new(pgo.clone())?,
        stelselnode_url: urls.stelselnode.clone(),
        clock: options.clock.clone(),
    };
    let pgo_tls = tls::server_config(&identities.pgo_server.identity, ClientAuth::None)?;
    tasks.push(tokio::spawn(sim_pgo::web::serve(
        pgo_listener,
        pgo_tls,
        web,
        shutdown_signal(&receiver),
    )));

    tracing::info!(
        pgo = %urls.pgo,
        digid = %urls.digid_front,
        stelselnode = %urls.stelselnode,
        lsp = %urls.lsp,
        persons = persons.len(),
        "demo simulators started"
    );
    Ok(RunningSims {
        urls,
        gateway_addrs,
        ca_path: pki.ca_path(),
        ca_pem,
        persons,
        identities,
        digid,
        stelselnode,
        lists,
        pgo,
        his,
        lsp_faults,
        pki_dir: pki.dir().to_path_buf(),
        shutdown,
        tasks,
    })
}

/// The synthetic demo patients, plus the Nictiz qualification patients when their TestScript
/// fixtures are found in the reference folder.
fn demo_data(today: time::Date) -> Result<sim_his::HisData, DemoError> {
    let reference = sim_his::qualification::default_reference_dir();
    if !sim_his::qualification::fixtures_present(&reference) {
        tracing::warn!(
            reference = %reference.display(),
            "no TestScript fixtures in the reference folder, so the qualification patients are left out; set LSPPLUS_REFERENCE_DIR to the reference folder to add them"
        );
        return Ok(sim_his::HisData::demo(today)?);
    }
    sim_his::qualification::demo_with_persons(&reference, today).map_err(|error| {
        DemoError::Qualification(format!(
            "the qualification patients in {} could not be built: {error}",
            reference.display()
        ))
    })
}
