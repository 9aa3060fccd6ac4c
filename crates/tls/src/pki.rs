//! The demo and test PKI: one CA that issues server, client and XML-signing identities.
//!
//! Everything is written under one directory and reused on the next start, so a browser that
//! trusts the demo CA keeps trusting it. Files are created atomically, so several processes may
//! load the same directory at once. Certificates are for loopback tests and demos only.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SerialNumber,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::identity::Identity;

mod files;

/// Why the PKI could not be loaded or an identity not issued.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    /// A file under the PKI directory could not be read or written.
    #[error("PKI file {path}: {source}")]
    Io {
        /// The file or directory concerned.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A stored file does not hold the expected certificate and key.
    #[error("PKI file {path} is damaged; delete it to have it generated again")]
    Damaged {
        /// The damaged file.
        path: String,
    },
    /// Key generation or certificate signing failed.
    #[error("certificate generation failed: {0}")]
    Generate(String),
    /// The name cannot be used as a certificate name and file name.
    #[error("unusable identity name {0:?}: use letters, digits, '.', '-' and '_'")]
    BadName(String),
}

/// What an identity is used for; decides its key type, key usage and file name prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityKind {
    /// A TLS server certificate (also valid as client certificate, as UZI server certificates are).
    Server,
    /// A TLS client certificate.
    Client,
    /// An RSA-2048 XML-signature certificate (SAML, WS-Security).
    Signing,
}

impl IdentityKind {
    fn prefix(self) -> &'static str {
        match self {
            Self::Server => "server",
            Self::Client => "client",
            Self::Signing => "signing",
        }
    }
}

const ORGANIZATION: &str = "lspplus demo (test only)";
const CA_NAME: &str = "lspplus demo CA (test only)";

/// The loaded demo CA and the directory its identities live in.
#[derive(Clone)]
pub struct TestPki {
    dir: PathBuf,
    ca_cert_pem: String,
    ca_key_pem: String,
}

impl std::fmt::Debug for TestPki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestPki")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl TestPki {
    /// Loads the CA from `dir`, or creates the directory and a new CA in it.
    pub fn load_or_generate(dir: &Path) -> Result<Self, PkiError> {
        std::fs::create_dir_all(dir).map_err(|source| io_error(dir, source))?;
        let combined = dir.join("ca.identity.pem");
        if !combined.exists() {
            let (cert_pem, key_pem) = generate_ca()?;
            files::create_exclusive(&combined, &format!("{cert_pem}{key_pem}"))?;
        }
        let (ca_cert_pem, ca_key_pem) = files::read_identity(&combined)?;
        files::write_atomic(&dir.join("ca.crt.pem"), &ca_cert_pem, false)?;
        Ok(Self {
            dir: dir.to_owned(),
            ca_cert_pem,
            ca_key_pem,
        })
    }

    /// The directory holding the PKI files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The CA certificate (PEM): the one trust anchor of the demo.
    pub fn ca_pem(&self) -> &str {
        &self.ca_cert_pem
    }

    /// The path of the CA certificate file (`ca.crt.pem`), e.g. to import into a browser.
    pub fn ca_path(&self) -> PathBuf {
        self.dir.join("ca.crt.pem")
    }

    /// The certificate and key file paths of an identity (they exist once it was issued).
    pub fn identity_paths(&self, kind: IdentityKind, name: &str) -> (PathBuf, PathBuf) {
        let base = format!("{}-{name}", kind.prefix());
        (
            self.dir.join(format!("{base}.crt.pem")),
            self.dir.join(format!("{base}.key.pem")),
        )
    }

    /// Returns the server identity for host `name` (SANs: `name`, `localhost`, `127.0.0.1`;
    /// extended key usage serverAuth and clientAuth), issuing it on first use.
    pub fn issue_server(&self, name: &str) -> Result<Identity, PkiError> {
        self.issue(IdentityKind::Server, name)
    }

    /// Returns the client identity `name` (SAN dNSName `name`, clientAuth), issuing it on first use.
    pub fn issue_client(&self, name: &str) -> Result<Identity, PkiError> {
        self.issue(IdentityKind::Client, name)
    }

    /// Returns the XML-signing identity `name` (RSA-2048 key, PKCS#8 PEM; key usage
    /// digitalSignature and nonRepudiation), issuing it on first use.
    pub fn issue_signing(&self, name: &str) -> Result<Identity, PkiError> {
        self.issue(IdentityKind::Signing, name)
    }

    /// Returns the identity of `kind` and `name`: the stored one when the current CA issued it,
    /// otherwise a new one.
    pub fn issue(&self, kind: IdentityKind, name: &str) -> Result<Identity, PkiError> {
        check_name(name)?;
        let combined = self
            .dir
            .join(format!("{}-{name}.identity.pem", kind.prefix()));
        let stored = if combined.exists() {
            let (cert, key) = files::read_identity(&combined)?;
            self.issued_here(&cert).then_some((cert, key))
        } else {
            None
        };
        let (cert_chain_pem, key_pem) = match stored {
            Some(pair) => pair,
            None => {
                let (cert, key) = self.generate(kind, name)?;
                if combined.exists() {
                    files::write_atomic(&combined, &format!("{cert}{key}"), true)?;
                } else {
                    files::create_exclusive(&combined, &format!("{cert}{key}"))?;
                }
                files::read_identity(&combined)?
            }
        };
        let (cert_path, key_path) = self.identity_paths(kind, name);
        files::write_atomic(&cert_path, &cert_chain_pem, false)?;
        files::write_atomic(&key_path, &key_pem, true)?;
        Ok(Identity {
            cert_chain_pem,
            key_pem,
        })
    }

    /// Whether the certificate's authority key identifier is the current CA's key identifier.
    fn issued_here(&self, cert_pem: &str) -> bool {
        let (Ok(leaf), Ok(ca)) = (
            CertificateDer::from_pem_slice(cert_pem.as_bytes()),
            CertificateDer::from_pem_slice(self.ca_cert_pem.as_bytes()),
        ) else {
            return false;
        };
        let (Ok((_, leaf)), Ok((_, ca))) = (
            x509_parser::parse_x509_certificate(leaf.as_ref()),
            x509_parser::parse_x509_certificate(ca.as_ref()),
        ) else {
            return false;
        };
        let authority = leaf
            .iter_extensions()
            .find_map(|ext| match ext.parsed_extension() {
                x509_parser::extensions::ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    aki.key_identifier.as_ref().map(|id| id.0.to_vec())
                }
                _ => None,
            });
        let subject_key = ca
            .iter_extensions()
            .find_map(|ext| match ext.parsed_extension() {
                x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(id) => {
                    Some(id.0.to_vec())
                }
                _ => None,
            });
        authority.is_some() && authority == subject_key && leaf.issuer() == ca.subject()
    }

    fn generate(&self, kind: IdentityKind, name: &str) -> Result<(String, String), PkiError> {
        let ca_key = KeyPair::from_pem(&self.ca_key_pem).map_err(generate_error)?;
        let issuer = Issuer::from_ca_cert_pem(&self.ca_cert_pem, ca_key).map_err(generate_error)?;
        let (key, sans) = match kind {
            IdentityKind::Server => (
                KeyPair::generate().map_err(generate_error)?,
                vec![
                    name.to_owned(),
                    "localhost".to_owned(),
                    "127.0.0.1".to_owned(),
                ],
            ),
            IdentityKind::Client => (
                KeyPair::generate().map_err(generate_error)?,
                vec![name.to_owned()],
            ),
            IdentityKind::Signing => (rsa_key_pair()?, vec![name.to_owned()]),
        };
        let mut params = CertificateParams::new(sans).map_err(generate_error)?;
        params.distinguished_name = distinguished_name(name);
        params.serial_number = Some(random_serial());
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2050, 1, 1);
        params.use_authority_key_identifier_extension = true;
        match kind {
            IdentityKind::Server => {
                params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
                params.extended_key_usages = vec![
                    ExtendedKeyUsagePurpose::ServerAuth,
                    ExtendedKeyUsagePurpose::ClientAuth,
                ];
            }
            IdentityKind::Client => {
                params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
                params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
            }
            IdentityKind::Signing => {
                params.key_usages = vec![
                    KeyUsagePurpose::DigitalSignature,
                    KeyUsagePurpose::ContentCommitment,
                ];
            }
        }
        let cert = params.signed_by(&key, &issuer).map_err(generate_error)?;
        Ok((cert.pem(), key.serialize_pem()))
    }
}

fn generate_ca() -> Result<(String, String), PkiError> {
    let key = KeyPair::generate().map_err(generate_error)?;
    let mut params = CertificateParams::default();
    params.distinguished_name = distinguished_name(CA_NAME);
    params.serial_number = Some(random_serial());
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2050, 1, 1);
    let cert = params.self_signed(&key).map_err(generate_error)?;
    Ok((cert.pem(), key.serialize_pem()))
}

/// Generates an RSA-2048 key with the `rsa` crate (ring cannot generate RSA keys) and hands it
/// to rcgen for signing with RSA-SHA256.
fn rsa_key_pair() -> Result<KeyPair, PkiError> {
    use rsa::pkcs8::{EncodePrivateKey, LineEnding};
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).map_err(generate_error)?;
    let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(generate_error)?;
    KeyPair::from_pkcs8_pem_and_sign_algo(&pem, &rcgen::PKCS_RSA_SHA256).map_err(generate_error)
}

fn distinguished_name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "NL");
    dn.push(DnType::OrganizationName, ORGANIZATION);
    dn.push(DnType::CommonName, common_name);
    dn
}

fn random_serial() -> SerialNumber {
    let mut bytes = *uuid::Uuid::new_v4().as_bytes();
    bytes[0] = (bytes[0] & 0x7f) | 0x01;
    SerialNumber::from_slice(&bytes)
}

fn check_name(name: &str) -> Result<(), PkiError> {
    let usable = !name.is_empty()
        && !name.starts_with('.')
        && name.len() <= 200
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if usable {
        Ok(())
    } else {
        Err(PkiError::BadName(name.to_owned()))
    }
}

/// Checks that a PEM private key can be decoded (used when reading stored files).
fn key_decodes(key_pem: &str) -> bool {
    PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).is_ok()
}

fn generate_error(error: impl std::fmt::Display) -> PkiError {
    PkiError::Generate(error.to_string())
}

fn io_error(path: &Path, source: std::io::Error) -> PkiError {
    PkiError::Io {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests;
