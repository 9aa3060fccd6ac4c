//! Screen texts: fluent files under `locales/`, Dutch by default and English on request.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "nl",
        // Unicode isolation marks around placeables would end up as invisible characters in HTML.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static NL: LanguageIdentifier = langid!("nl");
static EN: LanguageIdentifier = langid!("en");

/// A screen language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Dutch, the default for every screen.
    #[default]
    Nl,
    /// English.
    En,
}

impl Lang {
    /// Parses a language code such as `nl`, `en` or `en-GB`.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The ISO 639-1 code, for the `lang` attribute and the `?lang=` parameter.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The other language, offered by the language switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Nl => &NL,
            Lang::En => &EN,
        }
    }

    /// Picks the language from an explicit choice, else from `Accept-Language`, else Dutch.
    ///
    /// `explicit` is the `?lang=` parameter or the stored choice of the session.
    pub fn negotiate(explicit: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = explicit.and_then(Lang::parse) {
            return lang;
        }
        let Some(header) = accept_language else {
            return Lang::Nl;
        };
        let mut best: Option<(Lang, f32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if best.is_none_or(|(_, q)| quality > q) {
                best = Some((lang, quality));
            }
        }
        best.map_or(Lang::Nl, |(lang, _)| lang)
    }
}

/// Looks up screen texts in one language; templates call [`Tr::t`] and [`Tr::ta`].
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    /// The language of every lookup.
    pub lang: Lang,
}

impl Tr {
    /// Returns the text for `key`.
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(self.lang.id(), key)
    }

    /// Returns the text for `key` with named arguments filled in.
    pub fn ta(&self, key: &str, args: &[(&'static str, &str)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.to_string())))
            .collect();
        LOCALES.lookup_with_args(self.lang.id(), key, &map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiate_prefers_explicit_choice() {
        assert_eq!(Lang::negotiate(Some("en"), Some("nl")), Lang::En);
        assert_eq!(
            Lang::negotiate(Some("xx"), Some("en-GB,en;q=0.8")),
            Lang::En
        );
    }

    #[test]
    fn negotiate_reads_accept_language_quality() {
        assert_eq!(
            Lang::negotiate(None, Some("de, en;q=0.5, nl;q=0.9")),
            Lang::Nl
        );
        assert_eq!(Lang::negotiate(None, Some("fr, en;q=0.3")), Lang::En);
        assert_eq!(Lang::negotiate(None, Some("fr")), Lang::Nl);
        assert_eq!(Lang::negotiate(None, None), Lang::Nl);
    }

    #[test]
    fn every_key_exists_in_both_languages() {
        let nl = include_str!("../locales/nl/main.ftl");
        let en = include_str!("../locales/en/main.ftl");
        let keys = |text: &str| -> Vec<String> {
            text.lines()
                .filter_map(|line| line.split_once(" ="))
                .filter(|(key, _)| !key.starts_with(['#', ' ']) && !key.is_empty())
                .map(|(key, _)| key.to_owned())
                .collect()
        };
        assert_eq!(keys(nl), keys(en));
    }

    #[test]
    fn lookup_fills_arguments() {
        let text = Tr { lang: Lang::En }.ta(
            "consent-question",
            &[("pgo", "Demo PGO"), ("provider", "De Linde")],
        );
        assert!(text.contains("Demo PGO"), "{text}");
        assert!(text.contains("De Linde"), "{text}");
    }
}
