//! Assurance levels and the authentication context class URNs that stand for them.

use serde::{Deserialize, Serialize};

/// A DigiD assurance level, ordered from weak to strong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssuranceLevel {
    /// Username and password.
    Basis,
    /// Two factors, eIDAS substantial (the level MedMij is expected to require).
    Substantieel,
    /// Identity card chip, eIDAS high.
    Hoog,
}

/// The `AuthnContextClassRef` URN per level, configurable because DigiD defines them per connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthnContextClasses {
    /// URN for [`AssuranceLevel::Basis`].
    pub basis: String,
    /// URN for [`AssuranceLevel::Substantieel`].
    pub substantieel: String,
    /// URN for [`AssuranceLevel::Hoog`].
    pub hoog: String,
}

impl Default for AuthnContextClasses {
    fn default() -> Self {
        Self {
            basis: "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport".to_owned(),
            substantieel: "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract"
                .to_owned(),
            hoog: "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard".to_owned(),
        }
    }
}

impl AuthnContextClasses {
    /// Returns the URN of `level`.
    pub fn urn(&self, level: AssuranceLevel) -> &str {
        match level {
            AssuranceLevel::Basis => &self.basis,
            AssuranceLevel::Substantieel => &self.substantieel,
            AssuranceLevel::Hoog => &self.hoog,
        }
    }

    /// Returns the level a URN stands for, if any.
    pub fn level(&self, urn: &str) -> Option<AssuranceLevel> {
        [
            AssuranceLevel::Basis,
            AssuranceLevel::Substantieel,
            AssuranceLevel::Hoog,
        ]
        .into_iter()
        .find(|level| self.urn(*level) == urn)
    }
}
