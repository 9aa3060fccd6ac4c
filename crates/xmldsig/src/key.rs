//! The private key and certificate that sign, loaded from PEM.

use crate::XmlSigError;

/// An RSA private key with its certificate, placed in `ds:KeyInfo/ds:X509Data` when signing.
#[derive(Clone)]
pub struct SigningKey {
    key_pem: String,
    cert_der: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Reads an RSA private key (PKCS#8 or PKCS#1 PEM) and the first certificate of a PEM chain.
    pub fn from_pem(key_pem: &str, cert_chain_pem: &str) -> Result<Self, XmlSigError> {
        bergshamra::keys::loader::load_rsa_private_pem(key_pem.as_bytes())
            .map_err(|e| XmlSigError::Key(e.to_string()))?;
        let cert_der = first_certificate_der(cert_chain_pem)?;
        Ok(Self {
            key_pem: key_pem.to_owned(),
            cert_der,
        })
    }

    /// Returns the DER encoding of the signing certificate.
    pub fn certificate_der(&self) -> &[u8] {
        &self.cert_der
    }

    pub(crate) fn to_bergshamra(&self) -> Result<bergshamra::Key, XmlSigError> {
        let mut key = bergshamra::keys::loader::load_rsa_private_pem(self.key_pem.as_bytes())
            .map_err(|e| XmlSigError::Key(e.to_string()))?;
        key.x509_chain = vec![self.cert_der.clone()];
        Ok(key)
    }
}

/// Decodes the first `CERTIFICATE` block of a PEM text.
pub(crate) fn first_certificate_der(pem: &str) -> Result<Vec<u8>, XmlSigError> {
    use base64::Engine as _;

    let begin = "-----BEGIN CERTIFICATE-----";
    let end = "-----END CERTIFICATE-----";
    let start = pem
        .find(begin)
        .ok_or_else(|| XmlSigError::Key("no CERTIFICATE block in the PEM text".to_owned()))?
        + begin.len();
    let stop = pem[start..]
        .find(end)
        .ok_or_else(|| XmlSigError::Key("unterminated CERTIFICATE block".to_owned()))?
        + start;
    let body: String = pem[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|e| XmlSigError::Key(format!("certificate PEM is not base64: {e}")))
}
