//! The DigiD login: the gateway as SAML service provider, resolving artifacts over mutual TLS.

use time::OffsetDateTime;
use url::Url;

use crate::config::Config;

/// Why DigiD could not be set up or a login failed.
#[derive(Debug, thiserror::Error)]
pub enum DigidError {
    /// A certificate, key or URL in the DigiD configuration is unusable.
    #[error("invalid DigiD configuration: {0}")]
    Config(String),
    /// The SAML exchange failed.
    #[error(transparent)]
    Saml(#[from] saml::SamlError),
}

/// The DigiD connection of one gateway node.
#[derive(Debug, Clone)]
pub struct Digid {
    sp: saml::sp::ServiceProvider,
    client: reqwest::Client,
}

impl Digid {
    /// Reads the keys and certificates named in `config` and builds the mTLS client.
    pub fn from_config(config: &Config) -> Result<Digid, DigidError> {
        let digid = &config.digid;
        let read = |path: &std::path::Path| {
            std::fs::read_to_string(path)
                .map_err(|error| DigidError::Config(format!("{}: {error}", path.display())))
        };
        let url = |value: &str| {
            Url::parse(value).map_err(|error| DigidError::Config(format!("{value}: {error}")))
        };
        let identity = saml::SigningIdentity::from_pem(
            &read(&digid.signing_key)?,
            &read(&digid.signing_cert)?,
        )?;
        let sp = saml::sp::ServiceProvider {
            entity_id: digid.entity_id.clone(),
            acs_url: url(&format!("{}/oauth/acs", config.listeners.front_url))?,
            identity,
            idp_entity_id: digid.idp_entity_id.clone(),
            idp_sso_url: url(&digid.idp_sso_url)?,
            idp_resolve_url: url(&digid.idp_resolve_url)?,
            idp_cert_pem: read(&digid.idp_cert)?,
            level: digid.level,
            classes: saml::AuthnContextClasses::default(),
            clock_skew: time::Duration::seconds(60),
        };
        let client_identity = tls::Identity::from_files(&digid.client_cert, &digid.client_key)
            .map_err(|error| DigidError::Config(error.to_string()))?;
        let roots = read(&config.tls.outgoing_roots)?;
        let client = tls::http_client_builder(&roots, Some(&client_identity))
            .and_then(|builder| {
                builder
                    .timeout(std::time::Duration::from_secs(10))
                    .build()
                    .map_err(tls::TlsError::from)
            })
            .map_err(|error| DigidError::Config(error.to_string()))?;
        Ok(Digid { sp, client })
    }

    /// Returns the DigiD URL with a signed AuthnRequest, and the request id to expect back.
    pub fn login_redirect(
        &self,
        relay_state: &str,
        now: OffsetDateTime,
    ) -> Result<(Url, String), DigidError> {
        Ok(self.sp.authn_request_redirect(relay_state, now)?)
    }

    /// Resolves an artifact over mutual TLS and checks the assertion against `request_id`.
    pub async fn resolve(
        &self,
        artifact: &str,
        request_id: &str,
        now: OffsetDateTime,
    ) -> Result<saml::Assertion, DigidError> {
        Ok(saml::http::resolve(&self.client, &self.sp, artifact, request_id, now).await?)
    }
}
