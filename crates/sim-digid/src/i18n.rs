//! Page texts from the fluent files in `locales/`, Dutch first and English second.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "nl",
        // Unicode isolation marks around arguments would end up inside the HTML.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The language of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Dutch, the default.
    #[default]
    Nl,
    /// English.
    En,
}

impl Lang {
    /// Reads the `lang` parameter; anything but `en` means Dutch.
    pub fn from_param(value: Option<&str>) -> Self {
        match value {
            Some("en") => Self::En,
            _ => Self::Nl,
        }
    }

    /// Returns the language code for `lang` attributes and parameters.
    pub fn code(self) -> &'static str {
        match self {
            Self::Nl => "nl",
            Self::En => "en",
        }
    }

    /// Returns the other language, for the switch link.
    pub fn other(self) -> Self {
        match self {
            Self::Nl => Self::En,
            Self::En => Self::Nl,
        }
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Self::Nl => langid!("nl"),
            Self::En => langid!("en"),
        }
    }

    /// Returns the text with this key.
    pub fn text(self, key: &str) -> String {
        LOCALES.lookup(&self.id(), key)
    }

    /// Returns the text with this key and arguments.
    pub fn text_with(self, key: &str, args: &[(&'static str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.clone())))
            .collect();
        LOCALES.lookup_with_args(&self.id(), key, &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_is_default_and_english_exists() {
        assert_eq!(Lang::from_param(None), Lang::Nl);
        assert_eq!(Lang::Nl.text("login-button"), "Inloggen");
        assert_eq!(Lang::En.text("login-button"), "Log in");
    }

    #[test]
    fn arguments_are_filled_in() {
        let text = Lang::Nl.text_with("request-from", &[("sp", "lspplus".to_owned())]);
        assert_eq!(text, "Inlogverzoek van lspplus");
    }
}
