//! Throwaway RSA-2048 signing identities with self-signed certificates.

use std::sync::OnceLock;

use rsa::pkcs8::{EncodePrivateKey, LineEnding};

pub struct TestIdentity {
    pub key_pem: String,
    pub cert_pem: String,
}

impl TestIdentity {
    pub fn signing_key(&self) -> xmldsig::SigningKey {
        xmldsig::SigningKey::from_pem(&self.key_pem, &self.cert_pem).unwrap()
    }
}

fn generate(name: &str) -> TestIdentity {
    let mut rng = rand08::thread_rng();
    let private = rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap();
    let key_pem = private.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
    let key_pair =
        rcgen::KeyPair::from_pem_and_sign_algo(&key_pem, &rcgen::PKCS_RSA_SHA256).unwrap();
    let params = rcgen::CertificateParams::new(vec![name.to_owned()]).unwrap();
    let cert = params.self_signed(&key_pair).unwrap();
    TestIdentity {
        key_pem,
        cert_pem: cert.pem(),
    }
}

/// The identity that signs in the tests.
pub fn signer() -> &'static TestIdentity {
    static SIGNER: OnceLock<TestIdentity> = OnceLock::new();
    SIGNER.get_or_init(|| generate("signer.localhost"))
}

/// A second identity that the verifier does not trust.
pub fn stranger() -> &'static TestIdentity {
    static STRANGER: OnceLock<TestIdentity> = OnceLock::new();
    STRANGER.get_or_init(|| generate("stranger.localhost"))
}
