//! Encryption of BSNs at rest (AES-256-GCM) and a keyed hash for looking them up.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use common::Bsn;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::StoreError;

/// Associated data bound to every ciphertext, so a value encrypted for another purpose under the
/// same key does not decrypt as a BSN.
const BSN_AAD: &[u8] = b"lspplus bsn v1";
const NONCE_BYTES: usize = 12;

/// Encrypts and decrypts BSNs under a configured 32-byte key.
///
/// The stored form is a random 96-bit nonce followed by the ciphertext and tag. Because the nonce
/// is random, equal BSNs encrypt differently; [`BsnCipher::lookup`] gives the stable value that
/// queries by BSN use.
#[derive(Clone)]
pub struct BsnCipher {
    cipher: Aes256Gcm,
    lookup_key: [u8; 32],
}

impl std::fmt::Debug for BsnCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BsnCipher(..)")
    }
}

impl BsnCipher {
    /// Creates a cipher from the 32-byte key.
    pub fn new(key: &[u8; 32]) -> Self {
        let cipher = Aes256Gcm::new(&(*key).into());
        // A separate key for the lookup hash, derived so the encryption key is never used twice.
        let lookup_key: [u8; 32] = hmac_sha256(key, b"lspplus bsn lookup key");
        Self { cipher, lookup_key }
    }

    /// Parses a key given as 64 hexadecimal characters (the configuration format).
    pub fn from_hex(hex_key: &str) -> Result<Self, StoreError> {
        let bytes = hex::decode(hex_key.trim()).map_err(|_| StoreError::InvalidKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| StoreError::InvalidKey)?;
        Ok(Self::new(&key))
    }

    /// Encrypts a BSN.
    pub fn encrypt(&self, bsn: &Bsn) -> Result<Vec<u8>, StoreError> {
        let mut nonce_bytes = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce_bytes);
        let nonce = Nonce::from(nonce_bytes);
        let payload = Payload {
            msg: bsn.as_str().as_bytes(),
            aad: BSN_AAD,
        };
        let ciphertext = self
            .cipher
            .encrypt(&nonce, payload)
            .map_err(|_| StoreError::Crypto)?;
        let mut stored = nonce_bytes.to_vec();
        stored.extend_from_slice(&ciphertext);
        Ok(stored)
    }

    /// Decrypts a stored BSN; fails on a wrong key or tampered data.
    pub fn decrypt(&self, stored: &[u8]) -> Result<Bsn, StoreError> {
        if stored.len() <= NONCE_BYTES {
            return Err(StoreError::Crypto);
        }
        let (nonce_bytes, ciphertext) = stored.split_at(NONCE_BYTES);
        let nonce_array: [u8; NONCE_BYTES] =
            nonce_bytes.try_into().map_err(|_| StoreError::Crypto)?;
        let payload = Payload {
            msg: ciphertext,
            aad: BSN_AAD,
        };
        let plaintext = self
            .cipher
            .decrypt(&Nonce::from(nonce_array), payload)
            .map_err(|_| StoreError::Crypto)?;
        let digits = String::from_utf8(plaintext).map_err(|_| StoreError::Crypto)?;
        Bsn::parse(&digits).map_err(|_| StoreError::Crypto)
    }

    /// Returns the keyed hash (HMAC-SHA-256, hex) used to find records by BSN.
    pub fn lookup(&self, bsn: &Bsn) -> String {
        hex::encode(hmac_sha256(&self.lookup_key, bsn.as_str().as_bytes()))
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this constructor cannot fail.
    match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message);
            mac.finalize().into_bytes().into()
        }
        Err(_) => [0u8; 32],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bsn() -> Bsn {
        Bsn::parse("999911120").unwrap()
    }

    #[test]
    fn round_trip_and_random_nonce() {
        let cipher = BsnCipher::new(&[7u8; 32]);
        let first = cipher.encrypt(&bsn()).unwrap();
        let second = cipher.encrypt(&bsn()).unwrap();
        assert_ne!(first, second);
        assert!(!first.windows(9).any(|w| w == b"999911120"));
        assert_eq!(cipher.decrypt(&first).unwrap(), bsn());
    }

    #[test]
    fn wrong_key_and_tampering_fail() {
        let cipher = BsnCipher::new(&[7u8; 32]);
        let other = BsnCipher::new(&[8u8; 32]);
        let mut stored = cipher.encrypt(&bsn()).unwrap();
        assert!(matches!(other.decrypt(&stored), Err(StoreError::Crypto)));
        let last = stored.len() - 1;
        stored[last] ^= 1;
        assert!(matches!(cipher.decrypt(&stored), Err(StoreError::Crypto)));
        assert!(matches!(
            cipher.decrypt(&[1, 2, 3]),
            Err(StoreError::Crypto)
        ));
    }

    #[test]
    fn lookup_is_stable_and_keyed() {
        let cipher = BsnCipher::new(&[7u8; 32]);
        assert_eq!(cipher.lookup(&bsn()), cipher.lookup(&bsn()));
        assert_ne!(
            cipher.lookup(&bsn()),
            BsnCipher::new(&[8u8; 32]).lookup(&bsn())
        );
        assert_eq!(cipher.lookup(&bsn()).len(), 64);
    }

    #[test]
    fn hex_key_parsing() {
        assert!(BsnCipher::from_hex(&"ab".repeat(32)).is_ok());
        assert!(matches!(
            BsnCipher::from_hex("abcd"),
            Err(StoreError::InvalidKey)
        ));
        assert!(matches!(
            BsnCipher::from_hex(&"zz".repeat(32)),
            Err(StoreError::InvalidKey)
        ));
    }
}
