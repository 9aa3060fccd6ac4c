//! The full SP ↔ IdP message exchange without network, and each check failing on its own.

use std::sync::OnceLock;

use common::Bsn;
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use url::Url;

use crate::artifact::ArtifactStore;
use crate::idp::{AuthnRequestInfo, IdentityProvider, RegisteredSp};
use crate::sp::ServiceProvider;
use crate::{AssuranceLevel, AuthnContextClasses, SamlError, SigningIdentity};

const NOW: OffsetDateTime = datetime!(2026-12-04 21:00 UTC);
const BSN: &str = "999911120";

fn generate(name: &str) -> SigningIdentity {
    let private = rsa::RsaPrivateKey::new(&mut rand08::thread_rng(), 2048).unwrap();
    let key_pem = private.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
    let key_pair =
        rcgen::KeyPair::from_pem_and_sign_algo(&key_pem, &rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec![name.to_owned()])
        .unwrap()
        .self_signed(&key_pair)
        .unwrap();
    SigningIdentity::from_pem(&key_pem, &cert.pem()).unwrap()
}

fn sp_identity() -> &'static SigningIdentity {
    static ID: OnceLock<SigningIdentity> = OnceLock::new();
    ID.get_or_init(|| generate("lspplus.localhost"))
}

fn idp_identity() -> &'static SigningIdentity {
    static ID: OnceLock<SigningIdentity> = OnceLock::new();
    ID.get_or_init(|| generate("digid.localhost"))
}

fn stranger_identity() -> &'static SigningIdentity {
    static ID: OnceLock<SigningIdentity> = OnceLock::new();
    ID.get_or_init(|| generate("stranger.localhost"))
}

pub(crate) fn sp() -> ServiceProvider {
    ServiceProvider {
        entity_id: "https://lspplus.localhost".to_owned(),
        acs_url: Url::parse("https://lspplus.localhost:8440/digid/acs").unwrap(),
        identity: sp_identity().clone(),
        idp_entity_id: "https://digid.localhost".to_owned(),
        idp_sso_url: Url::parse("https://digid.localhost:8443/saml/sso").unwrap(),
        idp_resolve_url: Url::parse("https://digid.localhost:8444/artifact").unwrap(),
        idp_cert_pem: idp_identity().cert_pem().to_owned(),
        level: AssuranceLevel::Substantieel,
        classes: AuthnContextClasses::default(),
        clock_skew: Duration::seconds(60),
    }
}

pub(crate) fn idp() -> IdentityProvider {
    IdentityProvider {
        entity_id: "https://digid.localhost".to_owned(),
        sso_url: Url::parse("https://digid.localhost:8443/saml/sso").unwrap(),
        resolve_url: Url::parse("https://digid.localhost:8444/artifact").unwrap(),
        identity: idp_identity().clone(),
        service_providers: vec![RegisteredSp {
            entity_id: "https://lspplus.localhost".to_owned(),
            acs_url: Url::parse("https://lspplus.localhost:8440/digid/acs").unwrap(),
            cert_pem: sp_identity().cert_pem().to_owned(),
        }],
        classes: AuthnContextClasses::default(),
        assertion_lifetime: Duration::minutes(5),
        clock_skew: Duration::seconds(60),
    }
}

/// Runs the login up to the SOAP ArtifactResponse and returns it with the IDs to check.
struct Exchange {
    request_id: String,
    resolve_id: String,
    soap: String,
}

fn login_request() -> (AuthnRequestInfo, String) {
    let (url, request_id) = sp().authn_request_redirect("state-123", NOW).unwrap();
    let info = idp()
        .parse_authn_request(url.query().unwrap(), NOW)
        .unwrap();
    (info, request_id)
}

fn exchange_with(idp: &IdentityProvider, level: AssuranceLevel) -> Exchange {
    let (info, request_id) = login_request();
    let response = idp
        .success_response(&info, &Bsn::parse(BSN).unwrap(), level, NOW)
        .unwrap();
    let store = ArtifactStore::new(Duration::minutes(5));
    let artifact = store.issue(&idp.entity_id, &info.sp_entity_id, response, NOW);
    let resolve = sp().artifact_resolve(&artifact, NOW).unwrap();
    let resolution = idp.resolve(&resolve.xml, &store, NOW).unwrap();
    assert!(resolution.artifact_error.is_none());
    Exchange {
        request_id,
        resolve_id: resolve.id,
        soap: resolution.soap_xml,
    }
}

fn exchange() -> Exchange {
    exchange_with(&idp(), AssuranceLevel::Substantieel)
}

#[test]
fn full_exchange_yields_bsn() {
    let exchange = exchange();
    let assertion = sp()
        .parse_artifact_response_to(
            &exchange.soap,
            &exchange.resolve_id,
            &exchange.request_id,
            NOW,
        )
        .unwrap();
    assert_eq!(assertion.bsn.as_str(), BSN);
    assert_eq!(assertion.level, AssuranceLevel::Substantieel);
    assert!(assertion.session_index.is_some());
    assert_eq!(assertion.not_on_or_after, NOW + Duration::minutes(5));
}

#[test]
fn authn_request_carries_level_and_relay_state() {
    let (info, request_id) = login_request();
    assert_eq!(info.id, request_id);
    assert_eq!(info.relay_state.as_deref(), Some("state-123"));
    assert_eq!(info.requested_level, Some(AssuranceLevel::Substantieel));
    assert_eq!(
        info.acs_url.as_str(),
        "https://lspplus.localhost:8440/digid/acs"
    );
}

#[test]
fn authn_request_query_is_signed() {
    let (url, _) = sp().authn_request_redirect("state-123", NOW).unwrap();
    let query = url.query().unwrap();
    assert!(
        query.contains("SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256")
    );
    assert!(query.contains("&Signature="));
}

#[test]
fn tampered_relay_state_rejected() {
    let (url, _) = sp().authn_request_redirect("state-123", NOW).unwrap();
    let query = url.query().unwrap().replace("state-123", "state-124");
    let error = idp().parse_authn_request(&query, NOW).unwrap_err();
    assert!(
        matches!(error, SamlError::RedirectSignature(_)),
        "{error:?}"
    );
}

#[test]
fn authn_request_from_unknown_key_rejected() {
    let mut impostor = sp();
    impostor.identity = stranger_identity().clone();
    let (url, _) = impostor.authn_request_redirect("s", NOW).unwrap();
    let error = idp()
        .parse_authn_request(url.query().unwrap(), NOW)
        .unwrap_err();
    assert!(
        matches!(error, SamlError::RedirectSignature(_)),
        "{error:?}"
    );
}

#[test]
fn stale_authn_request_rejected() {
    let (url, _) = sp().authn_request_redirect("s", NOW).unwrap();
    let later = NOW + Duration::minutes(10);
    let error = idp()
        .parse_authn_request(url.query().unwrap(), later)
        .unwrap_err();
    assert!(matches!(error, SamlError::Expired(_)), "{error:?}");
}

#[test]
fn long_relay_state_rejected() {
    assert!(sp().authn_request_redirect(&"x".repeat(81), NOW).is_err());
}

#[test]
fn tampered_response_rejected() {
    let exchange = exchange();
    let soap = exchange.soap.replace(BSN, "111222333");
    let error = sp()
        .parse_artifact_response(&soap, &exchange.request_id, NOW)
        .unwrap_err();
    assert!(matches!(error, SamlError::Signature(_)), "{error:?}");
}

#[test]
fn response_from_other_key_rejected() {
    let mut impostor = idp();
    impostor.identity = stranger_identity().clone();
    let exchange = exchange_with(&impostor, AssuranceLevel::Substantieel);
    let error = sp()
        .parse_artifact_response(&exchange.soap, &exchange.request_id, NOW)
        .unwrap_err();
    assert!(matches!(error, SamlError::Signature(_)), "{error:?}");
}

#[test]
fn wrong_audience_rejected() {
    let exchange = exchange();
    let mut other = sp();
    other.entity_id = "https://other.localhost".to_owned();
    let error = other
        .parse_artifact_response(&exchange.soap, &exchange.request_id, NOW)
        .unwrap_err();
    assert!(matches!(error, SamlError::WrongParty(_)), "{error:?}");
}

#[test]
fn wrong_in_response_to_rejected() {
    let exchange = exchange();
    let error = sp()
        .parse_artifact_response(&exchange.soap, "_other_request", NOW)
        .unwrap_err();
    assert!(
        matches!(error, SamlError::WrongInResponseTo { .. }),
        "{error:?}"
    );

    let error = sp()
        .parse_artifact_response_to(&exchange.soap, "_other_resolve", &exchange.request_id, NOW)
        .unwrap_err();
    assert!(
        matches!(error, SamlError::WrongInResponseTo { .. }),
        "{error:?}"
    );
}

#[test]
fn expired_assertion_rejected() {
    let exchange = exchange();
    let later = NOW + Duration::minutes(6) + Duration::seconds(1);
    let error = sp()
        .parse_artifact_response(&exchange.soap, &exchange.request_id, later)
        .unwrap_err();
    assert!(matches!(error, SamlError::Expired(_)), "{error:?}");
}

#[test]
fn future_assertion_rejected() {
    let exchange = exchange();
    let earlier = NOW - Duration::minutes(2);
    let error = sp()
        .parse_artifact_response(&exchange.soap, &exchange.request_id, earlier)
        .unwrap_err();
    assert!(matches!(error, SamlError::Expired(_)), "{error:?}");
}

#[test]
fn low_level_rejected() {
    let exchange = exchange_with(&idp(), AssuranceLevel::Basis);
    let error = sp()
        .parse_artifact_response(&exchange.soap, &exchange.request_id, NOW)
        .unwrap_err();
    assert!(matches!(error, SamlError::LevelTooLow(_)), "{error:?}");
}

#[test]
fn replayed_artifact_rejected_at_idp() {
    let (info, _) = login_request();
    let idp = idp();
    let response = idp
        .success_response(&info, &Bsn::parse(BSN).unwrap(), AssuranceLevel::Hoog, NOW)
        .unwrap();
    let store = ArtifactStore::new(Duration::minutes(5));
    let artifact = store.issue(&idp.entity_id, &info.sp_entity_id, response, NOW);

    let first = idp
        .resolve(
            &sp().artifact_resolve(&artifact, NOW).unwrap().xml,
            &store,
            NOW,
        )
        .unwrap();
    assert!(first.artifact_error.is_none());
    let second = idp
        .resolve(
            &sp().artifact_resolve(&artifact, NOW).unwrap().xml,
            &store,
            NOW,
        )
        .unwrap();
    assert!(matches!(
        second.artifact_error,
        Some(SamlError::Artifact(_))
    ));
    let error = sp()
        .parse_artifact_response(&second.soap_xml, &info.id, NOW)
        .unwrap_err();
    assert!(matches!(error, SamlError::Artifact(_)), "{error:?}");
}

#[test]
fn unsigned_artifact_resolve_rejected_at_idp() {
    let store = ArtifactStore::new(Duration::minutes(5));
    let artifact = crate::artifact::new_artifact("https://digid.localhost", 0);
    let resolve = sp().artifact_resolve(&artifact, NOW).unwrap();
    let start = resolve.xml.find("<ds:Signature").unwrap();
    let end = resolve.xml.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let unsigned = format!("{}{}", &resolve.xml[..start], &resolve.xml[end..]);
    let error = idp().resolve(&unsigned, &store, NOW).unwrap_err();
    assert!(matches!(error, SamlError::Signature(_)), "{error:?}");
}

#[test]
fn artifact_of_other_idp_rejected_at_sp() {
    let artifact = crate::artifact::new_artifact("https://evil.localhost", 0);
    let error = sp().artifact_resolve(&artifact, NOW).unwrap_err();
    assert!(matches!(error, SamlError::Artifact(_)), "{error:?}");
}

#[test]
fn cancelled_login_reported() {
    let (info, request_id) = login_request();
    let idp = idp();
    let response = idp.failure_response(&info, "Authentication cancelled", NOW);
    let store = ArtifactStore::new(Duration::minutes(5));
    let artifact = store.issue(&idp.entity_id, &info.sp_entity_id, response, NOW);
    let resolution = idp
        .resolve(
            &sp().artifact_resolve(&artifact, NOW).unwrap().xml,
            &store,
            NOW,
        )
        .unwrap();
    let error = sp()
        .parse_artifact_response(&resolution.soap_xml, &request_id, NOW)
        .unwrap_err();
    assert!(matches!(error, SamlError::AuthnFailed(m) if m == "Authentication cancelled"));
}

#[test]
fn name_id_must_be_sector_bsn() {
    use crate::response::bsn_from_name_id;
    assert_eq!(
        bsn_from_name_id("s00000000:999911120").unwrap().as_str(),
        BSN
    );
    assert!(matches!(
        bsn_from_name_id("999911120"),
        Err(SamlError::NameId(_))
    ));
    assert!(matches!(
        bsn_from_name_id("s00000000:999911121"),
        Err(SamlError::NameId(_))
    ));
}

#[test]
fn level_urns_are_configurable() {
    let classes = AuthnContextClasses::default();
    assert_eq!(
        classes.urn(AssuranceLevel::Substantieel),
        "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract"
    );
    assert_eq!(
        classes.level("urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard"),
        Some(AssuranceLevel::Hoog)
    );
    assert_eq!(classes.level("urn:other"), None);
    assert!(AssuranceLevel::Basis < AssuranceLevel::Substantieel);
}

#[test]
fn wrapped_assertion_rejected() {
    // The genuine signed assertion moves into Extensions and a forged one without ID takes its
    // place; the ArtifactResponse around it is unsigned. Every signature still verifies, but none
    // covers the assertion the SP reads.
    let (info, request_id) = login_request();
    let idp = idp();
    let response = idp
        .success_response(&info, &Bsn::parse(BSN).unwrap(), AssuranceLevel::Hoog, NOW)
        .unwrap();
    let start = response.find("<saml:Assertion").unwrap();
    let end = response.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
    let genuine = &response[start..end];
    let forged = genuine
        .replace(BSN, "111222333")
        .replacen(r#" ID=""#, r#" Forged=""#, 1);
    let forged_start = forged.find("<ds:Signature").unwrap();
    let forged_end = forged.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let forged = format!("{}{}", &forged[..forged_start], &forged[forged_end..]);
    let wrapped_response = format!(
        "{}<samlp:Extensions>{genuine}</samlp:Extensions>{forged}{}",
        &response[..start],
        &response[end..]
    );
    let soap = format!(
        concat!(
            r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>"#,
            r#"<samlp:ArtifactResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" "#,
            r#"xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_ar" Version="2.0" "#,
            r#"IssueInstant="2026-12-04T21:00:00Z" InResponseTo="_resolve">"#,
            r#"<saml:Issuer>https://digid.localhost</saml:Issuer><samlp:Status>"#,
            r#"<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>"#,
            "{}</samlp:ArtifactResponse></soap:Body></soap:Envelope>"
        ),
        wrapped_response
    );
    assert!(xmldsig::verify(&soap, idp_identity().cert_pem()).is_ok());
    let error = sp()
        .parse_artifact_response(&soap, &request_id, NOW)
        .unwrap_err();
    assert!(matches!(error, SamlError::Signature(_)), "{error:?}");
}
