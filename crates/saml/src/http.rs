//! Artifact resolution over HTTP: the one place in this crate that does I/O.

use time::OffsetDateTime;

use crate::sp::ServiceProvider;
use crate::{Assertion, SamlError};

/// Largest ArtifactResponse read from the identity provider, in bytes.
const MAX_RESPONSE_BYTES: usize = 256 * 1024;

/// POSTs a signed ArtifactResolve for `artifact` to the identity provider and checks the answer.
///
/// `client` must present the service provider's TLS client certificate (the back channel requires
/// mutual TLS) and trust the identity provider's server certificate. `expected_request_id` is the
/// ID returned by [`ServiceProvider::authn_request_redirect`] for this login.
pub async fn resolve(
    client: &reqwest::Client,
    sp: &ServiceProvider,
    artifact: &str,
    expected_request_id: &str,
    now: OffsetDateTime,
) -> Result<Assertion, SamlError> {
    let request = sp.artifact_resolve(artifact, now)?;
    let mut response = client
        .post(sp.idp_resolve_url.clone())
        .header("Content-Type", "text/xml; charset=utf-8")
        .header(
            "SOAPAction",
            "\"http://www.oasis-open.org/committees/security\"",
        )
        .body(request.xml)
        .send()
        .await
        .map_err(|e| SamlError::Http(e.to_string()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(SamlError::Http(format!(
            "the identity provider answered HTTP {status}"
        )));
    }
    if response
        .content_length()
        .is_some_and(|length| length > MAX_RESPONSE_BYTES as u64)
    {
        return Err(SamlError::Http(
            "the ArtifactResponse is too large".to_owned(),
        ));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| SamlError::Http(e.to_string()))?
    {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(SamlError::Http(
                "the ArtifactResponse is too large".to_owned(),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    let xml = std::str::from_utf8(&body)
        .map_err(|_| SamlError::Malformed("the ArtifactResponse is not UTF-8".to_owned()))?;
    sp.parse_artifact_response_to(xml, &request.id, expected_request_id, now)
}
