//! Defaults for the demo topology: entity ID, endpoint paths and the identity provider settings.

use saml::idp::{IdentityProvider, RegisteredSp};
use saml::{AuthnContextClasses, SamlError, SigningIdentity};
use time::Duration;
use url::Url;

/// Entity ID of the simulated DigiD.
pub const ENTITY_ID: &str = "https://digid.localhost";
/// Host name of both channels.
pub const HOST: &str = "digid.localhost";
/// Path of the single sign-on endpoint on the front channel.
pub const SSO_PATH: &str = "/saml/sso";
/// Path of the artifact resolution endpoint on the back channel.
pub const RESOLVE_PATH: &str = "/artifact";

/// Returns the single sign-on URL for a front channel on `port`.
pub fn sso_url(port: u16) -> Result<Url, url::ParseError> {
    Url::parse(&format!("https://{HOST}:{port}{SSO_PATH}"))
}

/// Returns the artifact resolution URL for a back channel on `port`.
pub fn resolve_url(port: u16) -> Result<Url, url::ParseError> {
    Url::parse(&format!("https://{HOST}:{port}{RESOLVE_PATH}"))
}

/// Builds the identity provider for the demo: [`ENTITY_ID`], the URLs for the two ports, the
/// signing key (PEM, as `tls::pki::TestPki::issue_signing` returns it), the default level URNs,
/// assertions valid for 5 minutes and 60 seconds of allowed clock difference.
pub fn identity_provider(
    front_port: u16,
    back_port: u16,
    signing_key_pem: &str,
    signing_cert_chain_pem: &str,
    service_providers: Vec<RegisteredSp>,
) -> Result<IdentityProvider, SamlError> {
    let invalid = |e: url::ParseError| SamlError::Malformed(format!("invalid URL: {e}"));
    Ok(IdentityProvider {
        entity_id: ENTITY_ID.to_owned(),
        sso_url: sso_url(front_port).map_err(invalid)?,
        resolve_url: resolve_url(back_port).map_err(invalid)?,
        identity: SigningIdentity::from_pem(signing_key_pem, signing_cert_chain_pem)?,
        service_providers,
        classes: AuthnContextClasses::default(),
        assertion_lifetime: Duration::minutes(5),
        clock_skew: Duration::seconds(60),
    })
}
