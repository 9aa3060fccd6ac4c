//! SAML artifacts (type 0x0004) and the identity provider's store that resolves each one once.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha1::{Digest, Sha1};
use time::{Duration, OffsetDateTime};

use crate::SamlError;

/// Type code of the only artifact format SAML 2.0 defines.
const TYPE_CODE: [u8; 2] = [0x00, 0x04];
/// Type code, endpoint index, SourceID and MessageHandle: 2 + 2 + 20 + 20 bytes.
const ARTIFACT_LEN: usize = 44;

/// The parts of a type 0x0004 artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedArtifact {
    /// Index of the resolution endpoint at the issuer.
    pub endpoint_index: u16,
    /// SHA-1 of the issuer's entity ID.
    pub source_id: [u8; 20],
}

/// Returns the SourceID of an entity: the SHA-1 hash of its entity ID.
pub fn source_id(entity_id: &str) -> [u8; 20] {
    Sha1::digest(entity_id.as_bytes()).into()
}

/// Creates a fresh artifact for `issuer_entity_id` with a random 20-byte MessageHandle.
pub fn new_artifact(issuer_entity_id: &str, endpoint_index: u16) -> String {
    let mut bytes = Vec::with_capacity(ARTIFACT_LEN);
    bytes.extend_from_slice(&TYPE_CODE);
    bytes.extend_from_slice(&endpoint_index.to_be_bytes());
    bytes.extend_from_slice(&source_id(issuer_entity_id));
    bytes.extend_from_slice(&rand::random::<[u8; 20]>());
    STANDARD.encode(bytes)
}

/// Decodes and checks the layout of an artifact.
pub fn parse_artifact(artifact: &str) -> Result<ParsedArtifact, SamlError> {
    let bytes = STANDARD
        .decode(artifact.trim())
        .map_err(|e| SamlError::Artifact(format!("not base64: {e}")))?;
    if bytes.len() != ARTIFACT_LEN {
        return Err(SamlError::Artifact(format!(
            "{} bytes instead of {ARTIFACT_LEN}",
            bytes.len()
        )));
    }
    if bytes[..2] != TYPE_CODE {
        return Err(SamlError::Artifact("type code is not 0x0004".to_owned()));
    }
    let mut source_id = [0u8; 20];
    source_id.copy_from_slice(&bytes[4..24]);
    Ok(ParsedArtifact {
        endpoint_index: u16::from_be_bytes([bytes[2], bytes[3]]),
        source_id,
    })
}

#[derive(Debug)]
struct Entry {
    response_xml: String,
    sp_entity_id: String,
    expires: OffsetDateTime,
}

/// Issued artifacts waiting for resolution. Each resolves at most once and expires after a lifetime.
#[derive(Debug)]
pub struct ArtifactStore {
    lifetime: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

impl ArtifactStore {
    /// Creates an empty store whose artifacts expire `lifetime` after issue.
    pub fn new(lifetime: Duration) -> Self {
        Self {
            lifetime,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Stores a signed `samlp:Response` for `sp_entity_id` and returns the artifact that names it.
    pub fn issue(
        &self,
        idp_entity_id: &str,
        sp_entity_id: &str,
        response_xml: String,
        now: OffsetDateTime,
    ) -> String {
        let artifact = new_artifact(idp_entity_id, 0);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.retain(|_, entry| entry.expires > now);
        entries.insert(
            artifact.clone(),
            Entry {
                response_xml,
                sp_entity_id: sp_entity_id.to_owned(),
                expires: now + self.lifetime,
            },
        );
        artifact
    }

    /// Removes the artifact and returns its Response when it is known, unexpired and was issued for
    /// `requester_entity_id`. A second call with the same artifact fails.
    pub fn take(
        &self,
        artifact: &str,
        requester_entity_id: &str,
        now: OffsetDateTime,
    ) -> Result<String, SamlError> {
        let entry = self
            .entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(artifact)
            .ok_or_else(|| SamlError::Artifact("unknown or already resolved".to_owned()))?;
        if entry.expires <= now {
            return Err(SamlError::Artifact("expired".to_owned()));
        }
        if entry.sp_entity_id != requester_entity_id {
            return Err(SamlError::Artifact(format!(
                "issued for another service provider than {requester_entity_id:?}"
            )));
        }
        Ok(entry.response_xml)
    }

    /// Returns the number of artifacts not yet resolved, expired ones included until the next issue.
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Returns whether no artifact is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-04 21:00 UTC);

    #[test]
    fn artifact_layout_round_trips() {
        let artifact = new_artifact("https://digid.localhost", 1);
        let parsed = parse_artifact(&artifact).unwrap();
        assert_eq!(parsed.endpoint_index, 1);
        assert_eq!(parsed.source_id, source_id("https://digid.localhost"));
        assert_ne!(artifact, new_artifact("https://digid.localhost", 1));
    }

    #[test]
    fn malformed_artifact_rejected() {
        assert!(parse_artifact("not base64!").is_err());
        assert!(parse_artifact(&STANDARD.encode([0u8; 44])).is_err());
        assert!(parse_artifact(&STANDARD.encode([0u8, 4, 0, 0])).is_err());
    }

    #[test]
    fn replayed_artifact_rejected() {
        let store = ArtifactStore::new(Duration::minutes(5));
        let artifact = store.issue("idp", "sp", "<Response/>".to_owned(), NOW);
        assert_eq!(store.take(&artifact, "sp", NOW).unwrap(), "<Response/>");
        let error = store.take(&artifact, "sp", NOW).unwrap_err();
        assert!(matches!(error, SamlError::Artifact(_)), "{error:?}");
    }

    #[test]
    fn expired_artifact_rejected() {
        let store = ArtifactStore::new(Duration::minutes(5));
        let artifact = store.issue("idp", "sp", "<Response/>".to_owned(), NOW);
        let error = store
            .take(&artifact, "sp", NOW + Duration::minutes(5))
            .unwrap_err();
        assert!(matches!(error, SamlError::Artifact(m) if m == "expired"));
    }

    #[test]
    fn artifact_for_other_sp_rejected() {
        let store = ArtifactStore::new(Duration::minutes(5));
        let artifact = store.issue("idp", "sp", "<Response/>".to_owned(), NOW);
        assert!(store.take(&artifact, "other-sp", NOW).is_err());
        assert!(store.is_empty());
    }
}
