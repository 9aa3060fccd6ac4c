//! The gateway configuration of the demo and the tests: test PKI identities, loopback listeners, demo practices.

use std::net::SocketAddr;
use std::path::PathBuf;

use time::macros::date;
use tls::pki::{IdentityKind, PkiError, TestPki};

use crate::config::{
    AortaSettings, Config, DigidConfig, Lifetimes, Listeners, ListsConfig, Practice, TlsFiles,
    TokenSettings,
};

/// Host name of the gateway's front and back channel.
pub const GATEWAY_HOST: &str = "lspplus.localhost";
/// Host name of the admin listener.
pub const ADMIN_HOST: &str = "admin.lspplus.localhost";
/// SAML entity id of the gateway.
pub const SP_ENTITY_ID: &str = "https://lspplus.localhost/saml/sp";
/// SAML entity id of the DigiD simulator.
pub const IDP_ENTITY_ID: &str = "https://digid.localhost/saml/idp";

/// Where the peers of the gateway listen.
#[derive(Debug, Clone)]
pub struct DemoPeers {
    /// DigiD simulator front channel base URL.
    pub digid_front_url: String,
    /// DigiD simulator back channel base URL.
    pub digid_back_url: String,
    /// Stelselnode base URL.
    pub stelselnode_url: String,
    /// LSP simulator URL.
    pub lsp_url: String,
}

/// The gateway's own sockets.
#[derive(Debug, Clone, Copy)]
pub struct DemoListeners {
    pub front: SocketAddr,
    pub back: SocketAddr,
    pub admin: SocketAddr,
}

fn url(host: &str, addr: SocketAddr) -> String {
    format!("https://{host}:{}", addr.port())
}

fn paths(pki: &TestPki, kind: IdentityKind, name: &str) -> Result<(PathBuf, PathBuf), PkiError> {
    pki.issue(kind, name)?;
    Ok(pki.identity_paths(kind, name))
}

/// Builds the demo configuration; issues the gateway's certificates in `pki` on first use.
pub fn demo_config(
    pki: &TestPki,
    peers: &DemoPeers,
    listeners: DemoListeners,
    store_url: String,
    store_key_hex: String,
) -> Result<Config, PkiError> {
    let (server_cert, server_key) = paths(pki, IdentityKind::Server, GATEWAY_HOST)?;
    let (admin_cert, admin_key) = paths(pki, IdentityKind::Server, ADMIN_HOST)?;
    let (signing_cert, signing_key) = paths(pki, IdentityKind::Signing, GATEWAY_HOST)?;
    let (idp_cert, _) = paths(pki, IdentityKind::Signing, "digid.localhost")?;
    let ca = pki.ca_path();
    Ok(Config {
        listeners: Listeners {
            front: listeners.front,
            back: listeners.back,
            admin: listeners.admin,
            front_url: url(GATEWAY_HOST, listeners.front),
            back_url: url(GATEWAY_HOST, listeners.back),
            admin_url: url(ADMIN_HOST, listeners.admin),
        },
        tls: TlsFiles {
            front_cert: server_cert.clone(),
            front_key: server_key.clone(),
            back_cert: server_cert.clone(),
            back_key: server_key.clone(),
            admin_cert,
            admin_key,
            client_roots: ca.clone(),
            outgoing_roots: ca,
        },
        lifetimes: Lifetimes::default(),
        digid: DigidConfig {
            entity_id: SP_ENTITY_ID.to_owned(),
            idp_entity_id: IDP_ENTITY_ID.to_owned(),
            idp_sso_url: format!("{}/saml/sso", peers.digid_front_url),
            idp_resolve_url: format!("{}/artifact", peers.digid_back_url),
            idp_cert,
            signing_cert: signing_cert.clone(),
            signing_key: signing_key.clone(),
            client_cert: server_cert.clone(),
            client_key: server_key.clone(),
            level: saml::AssuranceLevel::Substantieel,
        },
        lists: ListsConfig {
            stelselnode_url: peers.stelselnode_url.clone(),
            api: 2,
            refresh_secs: 900,
            stale_after_secs: 3600,
        },
        aorta: AortaSettings {
            lsp_url: peers.lsp_url.clone(),
            app_id: "4003".to_owned(),
            uzi_system_number: "00001234".to_owned(),
            ura: "00009999".to_owned(),
            org_name: "lspplus demo".to_owned(),
            client_cert: server_cert,
            client_key: server_key,
            signing_cert,
            signing_key,
            timeout_secs: 20,
        },
        store_url,
        store_key_hex,
        token: TokenSettings::default(),
        practices: demo_practices(),
    })
}

/// Opens the store named by `config.store_url`: `sqlite::memory:`, `sqlite://PATH` or `postgres://...`.
pub async fn open_store(
    config: &Config,
) -> Result<std::sync::Arc<dyn store::Store>, store::StoreError> {
    let cipher = store::BsnCipher::from_hex(&config.store_key_hex)?;
    let url = config.store_url.as_str();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = store::postgres::PostgresStore::connect(url, cipher).await?;
        return Ok(std::sync::Arc::new(store));
    }
    let location = match url.strip_prefix("sqlite://") {
        Some(path) => Some(std::path::Path::new(path)),
        None if url == "sqlite::memory:" => None,
        None => Some(std::path::Path::new(url)),
    };
    let store = match location {
        Some(path) => {
            store::sqlite::SqliteStore::open(store::sqlite::SqliteLocation::File(path), cipher)
                .await?
        }
        None => {
            store::sqlite::SqliteStore::open(store::sqlite::SqliteLocation::InMemory, cipher)
                .await?
        }
    };
    Ok(std::sync::Arc::new(store))
}

/// Builds the gateway configuration for the simulators of `sim::Demo::start`.
pub fn config_for_sims(
    sims: &sim::RunningSims,
    store_url: String,
    store_key_hex: String,
) -> Config {
    let gateway = &sims.identities.gateway;
    let addrs = sims.gateway_addrs;
    Config {
        listeners: Listeners {
            front: addrs.front,
            back: addrs.back,
            admin: addrs.admin,
            front_url: sims.urls.gateway_front.clone(),
            back_url: sims.urls.gateway_back.clone(),
            admin_url: sims.urls.gateway_admin.clone(),
        },
        tls: TlsFiles {
            front_cert: gateway.front.cert.clone(),
            front_key: gateway.front.key.clone(),
            back_cert: gateway.back.cert.clone(),
            back_key: gateway.back.key.clone(),
            admin_cert: gateway.admin.cert.clone(),
            admin_key: gateway.admin.key.clone(),
            client_roots: sims.ca_path.clone(),
            outgoing_roots: sims.ca_path.clone(),
        },
        lifetimes: Lifetimes::default(),
        digid: DigidConfig {
            entity_id: sims.digid.sp_entity_id.clone(),
            idp_entity_id: sims.digid.idp_entity_id.clone(),
            idp_sso_url: sims.digid.sso_url.clone(),
            idp_resolve_url: sims.digid.resolve_url.clone(),
            idp_cert: sims.digid.idp_cert.clone(),
            signing_cert: gateway.saml_signing.cert.clone(),
            signing_key: gateway.saml_signing.key.clone(),
            client_cert: gateway.digid_client.cert.clone(),
            client_key: gateway.digid_client.key.clone(),
            level: saml::AssuranceLevel::Substantieel,
        },
        lists: ListsConfig {
            stelselnode_url: sims.urls.stelselnode.clone(),
            api: 2,
            refresh_secs: 900,
            stale_after_secs: 3600,
        },
        aorta: AortaSettings {
            lsp_url: sims.urls.lsp.clone(),
            app_id: "4003".to_owned(),
            uzi_system_number: "00001234".to_owned(),
            ura: "00009999".to_owned(),
            org_name: "lspplus demo".to_owned(),
            client_cert: gateway.uzi.cert.clone(),
            client_key: gateway.uzi.key.clone(),
            signing_cert: gateway.aorta_signing.cert.clone(),
            signing_key: gateway.aorta_signing.key.clone(),
            timeout_secs: 20,
        },
        store_url,
        store_key_hex,
        token: TokenSettings::default(),
        practices: demo_practices(),
    }
}

/// The two demo practices (zorgaanbieders) and their GP systems.
pub fn demo_practices() -> Vec<Practice> {
    vec![
        Practice {
            medmij_naam: "huisartsenpraktijk-delinde@medmij".to_owned(),
            display_name: "Huisartsenpraktijk De Linde".to_owned(),
            ura: "00001111".to_owned(),
            his_app_id: "4001".to_owned(),
            gegevensdiensten: vec!["49".to_owned(), "51".to_owned()],
            online_access_start: date!(2020 - 01 - 01),
        },
        Practice {
            medmij_naam: "huisartsenpraktijk-hetanker@medmij".to_owned(),
            display_name: "Huisartsenpraktijk Het Anker".to_owned(),
            ura: "00002222".to_owned(),
            his_app_id: "4002".to_owned(),
            gegevensdiensten: vec!["49".to_owned(), "51".to_owned()],
            online_access_start: date!(2021 - 06 - 01),
        },
    ]
}
