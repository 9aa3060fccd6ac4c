//! A signing key with its certificate, usable for XML signatures and redirect query signatures.

use rsa::pkcs1v15::{Signature, SigningKey as RsaSigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use sha2::Sha256;

use crate::SamlError;

/// An RSA private key and its certificate chain (PEM), as `tls::pki::TestPki::issue_signing` returns.
#[derive(Clone)]
pub struct SigningIdentity {
    xml: xmldsig::SigningKey,
    rsa: rsa::RsaPrivateKey,
    cert_pem: String,
}

impl std::fmt::Debug for SigningIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningIdentity").finish_non_exhaustive()
    }
}

impl SigningIdentity {
    /// Reads a PKCS#8 (or PKCS#1) RSA private key and the certificate chain that belongs to it.
    pub fn from_pem(key_pem: &str, cert_chain_pem: &str) -> Result<Self, SamlError> {
        let xml = xmldsig::SigningKey::from_pem(key_pem, cert_chain_pem)
            .map_err(|e| SamlError::Key(e.to_string()))?;
        let rsa = rsa::RsaPrivateKey::from_pkcs8_pem(key_pem)
            .or_else(|_| {
                use rsa::pkcs1::DecodeRsaPrivateKey;
                rsa::RsaPrivateKey::from_pkcs1_pem(key_pem)
            })
            .map_err(|e| SamlError::Key(format!("RSA private key: {e}")))?;
        Ok(Self {
            xml,
            rsa,
            cert_pem: cert_chain_pem.to_owned(),
        })
    }

    /// Returns the certificate chain in PEM, to give to the other party.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    pub(crate) fn xml_key(&self) -> &xmldsig::SigningKey {
        &self.xml
    }

    /// Signs `data` with RSASSA-PKCS1-v1_5 and SHA-256.
    pub(crate) fn sign_rsa_sha256(&self, data: &[u8]) -> Vec<u8> {
        RsaSigningKey::<Sha256>::new(self.rsa.clone())
            .sign(data)
            .to_vec()
    }
}

/// Verifies an RSASSA-PKCS1-v1_5 SHA-256 signature with the public key of a PEM certificate.
pub(crate) fn verify_rsa_sha256(
    cert_pem: &str,
    data: &[u8],
    signature: &[u8],
) -> Result<(), SamlError> {
    let (_, pem) = x509_parser::pem::parse_x509_pem(cert_pem.as_bytes())
        .map_err(|e| SamlError::Key(format!("certificate PEM: {e}")))?;
    let cert = pem
        .parse_x509()
        .map_err(|e| SamlError::Key(format!("certificate: {e}")))?;
    let public = rsa::RsaPublicKey::from_public_key_der(cert.public_key().raw)
        .map_err(|e| SamlError::Key(format!("certificate key is not RSA: {e}")))?;
    let signature = Signature::try_from(signature)
        .map_err(|e| SamlError::RedirectSignature(format!("malformed signature: {e}")))?;
    VerifyingKey::<Sha256>::new(public)
        .verify(data, &signature)
        .map_err(|_| SamlError::RedirectSignature("signature does not verify".to_owned()))
}
