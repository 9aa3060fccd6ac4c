//! A certificate chain with its private key, as PEM text, and its conversion for rustls.

use std::path::Path;

use rustls_pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};

use crate::config::TlsError;

/// A certificate chain (leaf first) and the matching private key, both PEM.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    /// The leaf certificate, followed by any intermediates, as PEM blocks.
    pub cert_chain_pem: String,
    /// The private key as a PKCS#8 PEM block.
    pub key_pem: String,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("cert_chain_pem", &self.cert_chain_pem)
            .field("key_pem", &"<redacted>")
            .finish()
    }
}

impl Identity {
    /// Reads an identity from a certificate chain file and a key file (both PEM).
    pub fn from_files(cert_chain: &Path, key: &Path) -> Result<Self, TlsError> {
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|source| TlsError::Read {
                path: path.display().to_string(),
                source,
            })
        };
        let identity = Self {
            cert_chain_pem: read(cert_chain)?,
            key_pem: read(key)?,
        };
        identity.cert_chain()?;
        identity.private_key()?;
        Ok(identity)
    }

    /// Returns the certificates of the chain in DER, leaf first.
    pub fn cert_chain(&self) -> Result<Vec<CertificateDer<'static>>, TlsError> {
        certificates_from_pem(&self.cert_chain_pem)
    }

    /// Returns the leaf certificate in DER.
    pub fn leaf_der(&self) -> Result<CertificateDer<'static>, TlsError> {
        self.cert_chain()?
            .into_iter()
            .next()
            .ok_or(TlsError::NoCertificate)
    }

    /// Returns the private key in DER.
    pub fn private_key(&self) -> Result<PrivateKeyDer<'static>, TlsError> {
        PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes()).map_err(|_| TlsError::BadKey)
    }
}

/// Parses all CERTIFICATE blocks of a PEM text; fails when there is none.
pub(crate) fn certificates_from_pem(pem: &str) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| TlsError::BadCertificate)?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate);
    }
    Ok(certs)
}
