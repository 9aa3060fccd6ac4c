//! The gateway configuration: one TOML file, read with serde, with defaults for every tunable.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::Date;

/// An unusable configuration file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not match the configuration schema.
    #[error("invalid configuration file {path}: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    /// The content parsed but breaks a rule that serde cannot express.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// Everything `gateway::start` needs to run one gateway node.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Public URLs and socket addresses of the three listeners.
    pub listeners: Listeners,
    /// Certificates and trust anchors of the listeners and outgoing connections.
    pub tls: TlsFiles,
    /// Lifetimes of codes, tokens and sessions.
    #[serde(default)]
    pub lifetimes: Lifetimes,
    /// The DigiD connection (SAML service provider).
    pub digid: DigidConfig,
    /// The source and refresh interval of the MedMij lists.
    pub lists: ListsConfig,
    /// The AORTA connection to the LSP.
    pub aorta: AortaSettings,
    /// Database URL: `sqlite://PATH`, `sqlite::memory:` or `postgres://...`.
    pub store_url: String,
    /// Key that encrypts BSNs at rest, 64 hexadecimal characters (AES-256).
    pub store_key_hex: String,
    /// Token-endpoint compatibility switches.
    #[serde(default)]
    pub token: TokenSettings,
    /// The practices (zorgaanbieders) this gateway serves.
    #[serde(rename = "practice")]
    pub practices: Vec<Practice>,
}

/// The three listeners and the URLs under which the outside world reaches them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listeners {
    /// Browser-facing socket: authorization endpoint and screens (server certificate only).
    pub front: SocketAddr,
    /// PGO-facing socket: token endpoint and FHIR (client certificate required).
    pub back: SocketAddr,
    /// Operator socket: admin portal, health and metrics.
    pub admin: SocketAddr,
    /// Public base URL of the front channel, e.g. `https://lspplus.localhost:8440`.
    pub front_url: String,
    /// Public base URL of the back channel, e.g. `https://lspplus.localhost:8441`.
    pub back_url: String,
    /// Public base URL of the admin listener.
    pub admin_url: String,
}

/// PEM files used by the listeners and by outgoing connections.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsFiles {
    /// Front-channel server certificate chain and key.
    pub front_cert: PathBuf,
    pub front_key: PathBuf,
    /// Back-channel server certificate chain and key (also the client identity towards the stelselnode).
    pub back_cert: PathBuf,
    pub back_key: PathBuf,
    /// Admin server certificate chain and key.
    pub admin_cert: PathBuf,
    pub admin_key: PathBuf,
    /// Trust anchors for PGO client certificates on the back channel.
    pub client_roots: PathBuf,
    /// Trust anchors for outgoing connections (stelselnode, DigiD, LSP).
    pub outgoing_roots: PathBuf,
}

/// Lifetimes in seconds. MedMij fixes codes and access tokens at 15 minutes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Lifetimes {
    pub authorization_code_secs: i64,
    pub access_token_secs: i64,
    /// How long a browser session may take from authorization request to consent.
    pub session_secs: i64,
    /// Indefinite consent lapses after this many months without use (MedMij: 6).
    pub consent_idle_months: u8,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            authorization_code_secs: 900,
            access_token_secs: 900,
            session_secs: 900,
            consent_idle_months: 6,
        }
    }
}

/// The gateway as SAML service provider towards DigiD.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigidConfig {
    /// SAML entity id of the gateway.
    pub entity_id: String,
    /// SAML entity id of DigiD, expected as Issuer.
    pub idp_entity_id: String,
    /// DigiD single sign-on URL (HTTP-Redirect binding).
    pub idp_sso_url: String,
    /// DigiD artifact resolution URL (SOAP over mutual TLS).
    pub idp_resolve_url: String,
    /// DigiD signing certificate (PEM).
    pub idp_cert: PathBuf,
    /// The gateway's SAML signing certificate and RSA key (PEM).
    pub signing_cert: PathBuf,
    pub signing_key: PathBuf,
    /// Client certificate and key for artifact resolution.
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    /// Minimum assurance level; MedMij most likely requires Substantieel.
    #[serde(default = "default_level")]
    pub level: saml::AssuranceLevel,
}

fn default_level() -> saml::AssuranceLevel {
    saml::AssuranceLevel::Substantieel
}

/// The source of the four MedMij lists.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListsConfig {
    /// Base URL of the stelselnode; the file names are appended.
    pub stelselnode_url: String,
    /// Value of the `api` query parameter (the major interface version).
    #[serde(default = "default_api")]
    pub api: u32,
    /// Refresh interval in seconds; MedMij requires at most 900.
    #[serde(default = "default_refresh")]
    pub refresh_secs: u64,
    /// Age in seconds after which the last good copy counts as stale.
    #[serde(default = "default_stale")]
    pub stale_after_secs: i64,
}

fn default_api() -> u32 {
    2
}
fn default_refresh() -> u64 {
    900
}
fn default_stale() -> i64 {
    3600
}

/// The gateway's identity on the LSP.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AortaSettings {
    /// URL of the LSP SOAP endpoint.
    pub lsp_url: String,
    /// The gateway's own AORTA application id.
    pub app_id: String,
    /// UZI system number of the gateway's server certificate.
    pub uzi_system_number: String,
    /// URA of the organisation that runs the gateway.
    pub ura: String,
    /// Organisation name sent as author.
    pub org_name: String,
    /// UZI server certificate and key (mutual TLS towards the LSP).
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    /// Signing certificate and RSA key for the WS-Security header.
    pub signing_cert: PathBuf,
    pub signing_key: PathBuf,
    /// Timeout of one LSP request in seconds.
    #[serde(default = "default_aorta_timeout")]
    pub timeout_secs: u64,
}

fn default_aorta_timeout() -> u64 {
    20
}

/// Switches for PGOs that deviate from OAuth 2.0.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenSettings {
    /// Accept `grant_type=refresh_code` as an alias of `refresh_token` (MGO sends it).
    pub refresh_code_alias: bool,
    /// Issue an unredeemable refresh token with one-off consent, because MGO requires the field.
    pub one_off_refresh_token: bool,
    /// Time in milliseconds the store may take to redeem a code or a refresh token. When it passes,
    /// the transaction is rolled back and the request gets 503 with `Retry-After: 1`, so that the
    /// PGO's retry can still redeem the code. MGO gives up after 5 s without data.
    pub store_deadline_ms: u64,
}

impl Default for TokenSettings {
    fn default() -> Self {
        Self {
            refresh_code_alias: true,
            one_off_refresh_token: true,
            store_deadline_ms: 3000,
        }
    }
}

/// One practice (zorgaanbieder) served by this gateway.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    /// MedMij-naam, e.g. `huisartsenpraktijk-delinde@medmij`.
    pub medmij_naam: String,
    /// Name shown on the consent screen (NaamAanbieder).
    pub display_name: String,
    /// URA number of the practice.
    pub ura: String,
    /// AORTA application id of the practice's GP system.
    pub his_app_id: String,
    /// GegevensdienstIds offered, e.g. `["49", "51"]`.
    pub gegevensdiensten: Vec<String>,
    /// First day on which the practice offered online access (consultation lines before it stay hidden).
    pub online_access_start: Date,
}

impl Practice {
    /// The MedMij-naam without the `@medmij` suffix, as used in scopes and FHIR paths.
    pub fn short_name(&self) -> &str {
        self.medmij_naam
            .strip_suffix("@medmij")
            .unwrap_or(&self.medmij_naam)
    }
}

impl Config {
    /// Reads and validates a TOML configuration file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let config: Config = toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.to_owned(),
            source: Box::new(source),
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Serializes the configuration as TOML (the demo writes it next to its data).
    pub fn to_toml(&self) -> Result<String, ConfigError> {
        toml::to_string_pretty(self).map_err(|error| ConfigError::Invalid(error.to_string()))
    }

    /// Checks the rules that serde cannot express.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.practices.is_empty() {
            return Err(ConfigError::Invalid(
                "at least one [[practice]] is required".into(),
            ));
        }
        if self.lists.refresh_secs == 0 || self.lists.refresh_secs > 900 {
            return Err(ConfigError::Invalid(format!(
                "lists.refresh_secs must be between 1 and 900, got {}",
                self.lists.refresh_secs
            )));
        }
        let mut names = std::collections::HashSet::new();
        for practice in &self.practices {
            if !practice.medmij_naam.ends_with("@medmij") {
                return Err(ConfigError::Invalid(format!(
                    "practice MedMij-naam {:?} must end in @medmij",
                    practice.medmij_naam
                )));
            }
            if !names.insert(practice.short_name().to_owned()) {
                return Err(ConfigError::Invalid(format!(
                    "practice {:?} is configured twice",
                    practice.medmij_naam
                )));
            }
            if practice.gegevensdiensten.is_empty() {
                return Err(ConfigError::Invalid(format!(
                    "practice {:?} offers no gegevensdienst",
                    practice.medmij_naam
                )));
            }
        }
        if self.store_key_hex.len() != 64 || hex::decode(&self.store_key_hex).is_err() {
            return Err(ConfigError::Invalid(
                "store_key_hex must be 64 hexadecimal characters".into(),
            ));
        }
        Ok(())
    }

    /// Finds a practice by MedMij-naam, with or without `@medmij`.
    pub fn practice(&self, name: &str) -> Option<&Practice> {
        let short = name.strip_suffix("@medmij").unwrap_or(name);
        self.practices.iter().find(|p| p.short_name() == short)
    }
}
