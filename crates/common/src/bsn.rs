//! The Burgerservicenummer, validated with the 11-test.
//!
//! A BSN identifies the patient towards the LSP and must never reach a PGO, a URL or a log line, so
//! `Debug` and `Display` print it masked; [`Bsn::as_str`] is the only way to the digits.

use std::fmt;

/// Why a string is not a BSN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BsnError {
    /// The value is not exactly nine ASCII digits.
    #[error("a BSN has exactly 9 digits, got {length} characters")]
    Length { length: usize },
    /// The value contains something other than a digit.
    #[error("a BSN contains only digits")]
    NotDigits,
    /// The weighted digit sum is not a multiple of 11.
    #[error("the BSN fails the 11-test")]
    ElevenTest,
}

/// A BSN that passed the 11-test.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bsn(String);

impl Bsn {
    /// Parses nine digits whose weighted sum (weights 9 down to 2, and -1 for the last digit) is a
    /// multiple of 11. Eight-digit numbers must be given with a leading zero.
    pub fn parse(value: &str) -> Result<Self, BsnError> {
        if value.len() != 9 {
            return Err(BsnError::Length {
                length: value.chars().count(),
            });
        }
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BsnError::NotDigits);
        }
        if !passes_eleven_test(value) {
            return Err(BsnError::ElevenTest);
        }
        Ok(Self(value.to_owned()))
    }

    /// Returns the nine digits, for the HL7v3 query and the encrypted audit trail only.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the BSN masked except for its last two digits, for screens that confirm the login.
    pub fn masked(&self) -> String {
        format!("*******{}", &self.0[7..])
    }
}

fn passes_eleven_test(digits: &str) -> bool {
    let sum: i64 = digits
        .bytes()
        .zip([9, 8, 7, 6, 5, 4, 3, 2, -1])
        .map(|(digit, weight)| i64::from(digit - b'0') * weight)
        .sum();
    sum != 0 && sum % 11 == 0
}

impl TryFrom<String> for Bsn {
    type Error = BsnError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Bsn> for String {
    fn from(bsn: Bsn) -> Self {
        bsn.0
    }
}

impl fmt::Debug for Bsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bsn({})", self.masked())
    }
}

impl fmt::Display for Bsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_bsn() {
        assert!(Bsn::parse("999911120").is_ok());
        assert!(Bsn::parse("111222333").is_ok());
    }

    #[test]
    fn rejects_failed_eleven_test() {
        assert_eq!(Bsn::parse("999911121"), Err(BsnError::ElevenTest));
    }

    #[test]
    fn rejects_wrong_length_and_letters() {
        assert_eq!(Bsn::parse("12345678"), Err(BsnError::Length { length: 8 }));
        assert_eq!(Bsn::parse("12345678a"), Err(BsnError::NotDigits));
        assert_eq!(Bsn::parse("000000000"), Err(BsnError::ElevenTest));
    }

    #[test]
    fn debug_and_display_mask_digits() {
        let bsn = Bsn::parse("999911120").unwrap();
        assert!(!format!("{bsn:?}").contains("9999111"));
        assert_eq!(bsn.to_string(), "*******20");
    }
}
