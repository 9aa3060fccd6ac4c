//! Authorization codes, access tokens and refresh tokens: random values that are stored only as hashes.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Number of random bytes in a secret (256 bits).
const SECRET_BYTES: usize = 32;

/// A freshly generated secret value. `Debug` hides it; only [`Secret::as_str`] reveals it, for the
/// one response that hands it to the client.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Generates 256 random bits from the thread-local CSPRNG (ChaCha, seeded from the operating
    /// system) and encodes them as unpadded base64url (43 characters, URL-safe).
    pub fn generate() -> Self {
        let mut bytes = [0u8; SECRET_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Returns the value to send to the client.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the hash under which the value is stored.
    pub fn hash(&self) -> String {
        hash(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Returns the lowercase hex SHA-256 of a presented code or token, the key used to look it up.
///
/// A plain hash suffices because the values carry 256 random bits, so there is nothing to guess.
pub fn hash(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn secrets_are_random_and_url_safe() {
        let values: HashSet<String> = (0..1000).map(|_| Secret::generate().0).collect();
        assert_eq!(values.len(), 1000);
        for value in &values {
            assert_eq!(value.len(), 43);
            assert!(
                value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            );
        }
    }

    #[test]
    fn hash_is_sha256_hex() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let secret = Secret::generate();
        assert_eq!(secret.hash(), hash(secret.as_str()));
        assert!(!format!("{secret:?}").contains(secret.as_str()));
    }
}
