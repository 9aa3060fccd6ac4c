//! The scope grammar of the authorization request.
//!
//! Accepted forms, after form decoding (so `+` and `%20` both arrive as a space):
//! * a bare aanbiedernaam, with or without `@medmij` (the 2.x Verzamelen form that MGO sends),
//!   which requests every gegevensdienst the aanbieder offers here;
//! * one or more `<aanbiedernaam>~<GegevensdienstId>` tokens separated by spaces, all for one
//!   aanbieder, which request exactly those gegevensdiensten.
//!
//! Aanbiedernamen may contain dots and hyphens. The extension tokens `onbehalfof` and
//! `subscribe~<days>/...` are recognised and rejected, because this server does not offer them.

use std::collections::BTreeSet;

use crate::lists::{GegevensdienstId, is_aanbiedernaam_local_part};

/// Maximum accepted scope length in bytes.
pub const MAX_SCOPE_BYTES: usize = 1024;

/// A parsed scope: one aanbieder and the gegevensdiensten requested from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The aanbiedernaam without `@medmij`.
    pub aanbieder: String,
    /// The requested gegevensdiensten; `None` for a bare name, which requests all that are offered.
    pub gegevensdiensten: Option<BTreeSet<GegevensdienstId>>,
}

impl Scope {
    /// Returns the full MedMij name, `<aanbieder>@medmij`.
    pub fn aanbiedernaam(&self) -> String {
        format!("{}@medmij", self.aanbieder)
    }
}

/// The reason a scope was rejected. Every variant maps to `invalid_scope`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    /// The scope is empty or only spaces.
    #[error("scope is empty")]
    Empty,
    /// The scope is longer than [`MAX_SCOPE_BYTES`].
    #[error("scope is longer than {MAX_SCOPE_BYTES} bytes")]
    TooLong,
    /// A token matches none of the accepted forms.
    #[error("scope token {0:?} is not an aanbiedernaam or aanbiedernaam~gegevensdienst")]
    InvalidToken(String),
    /// A token uses an extension (`onbehalfof`, `subscribe~…`) that this server does not offer.
    #[error("scope extension {0:?} is not supported")]
    UnsupportedExtension(String),
    /// The tokens name more than one aanbieder.
    #[error("scope names more than one aanbieder")]
    SeveralAanbieders,
    /// A bare aanbiedernaam is combined with other tokens.
    #[error("a bare aanbiedernaam cannot be combined with other scope tokens")]
    MixedForms,
}

/// Parses a decoded scope value.
pub fn parse(scope: &str) -> Result<Scope, ScopeError> {
    if scope.len() > MAX_SCOPE_BYTES {
        return Err(ScopeError::TooLong);
    }
    let tokens: Vec<&str> = scope.split(' ').filter(|token| !token.is_empty()).collect();
    if tokens.is_empty() {
        return Err(ScopeError::Empty);
    }

    let mut aanbieder: Option<String> = None;
    let mut bare = false;
    let mut ids = BTreeSet::new();
    for token in &tokens {
        let (name, id) = parse_token(token)?;
        match &aanbieder {
            Some(existing) if *existing != name => return Err(ScopeError::SeveralAanbieders),
            Some(_) => {}
            None => aanbieder = Some(name),
        }
        match id {
            Some(id) => {
                ids.insert(id);
            }
            None => bare = true,
        }
    }
    if bare && (tokens.len() > 1 || !ids.is_empty()) {
        return Err(ScopeError::MixedForms);
    }
    let aanbieder = aanbieder.ok_or(ScopeError::Empty)?;
    Ok(Scope {
        aanbieder,
        gegevensdiensten: if bare { None } else { Some(ids) },
    })
}

/// Parses one token into the aanbiedernaam without `@medmij` and the optional id.
fn parse_token(token: &str) -> Result<(String, Option<GegevensdienstId>), ScopeError> {
    if token == "onbehalfof" || token.starts_with("subscribe~") {
        return Err(ScopeError::UnsupportedExtension(token.to_owned()));
    }
    let invalid = || ScopeError::InvalidToken(shorten(token));
    let (name, id) = match token.split_once('~') {
        Some((name, id)) => (name, Some(id)),
        None => (token, None),
    };
    let local = name.strip_suffix("@medmij").unwrap_or(name);
    if !is_aanbiedernaam_local_part(local) {
        return Err(invalid());
    }
    let id = match id {
        Some(id) if is_gegevensdienst_id(id) => Some(GegevensdienstId::new(id)),
        Some(_) => return Err(invalid()),
        None => None,
    };
    Ok((local.to_owned(), id))
}

/// Checks a GegevensdienstId in a scope: 1 to 30 ASCII letters, digits, dots, hyphens or underscores.
fn is_gegevensdienst_id(id: &str) -> bool {
    (1..=30).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

fn shorten(token: &str) -> String {
    token.chars().take(64).collect()
}

/// Formats granted gegevensdiensten for the token response: ids ascending, single spaces (`"49 51"`).
pub fn granted_scope<'a>(ids: impl IntoIterator<Item = &'a GegevensdienstId>) -> String {
    let sorted: BTreeSet<&GegevensdienstId> = ids.into_iter().collect();
    sorted
        .into_iter()
        .map(GegevensdienstId::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(scope: &Scope) -> Vec<&str> {
        scope
            .gegevensdiensten
            .as_ref()
            .map(|ids| ids.iter().map(GegevensdienstId::as_str).collect())
            .unwrap_or_default()
    }

    #[test]
    fn bare_name_with_and_without_suffix() {
        for input in [
            "huisartsenpraktijk-delinde",
            "huisartsenpraktijk-delinde@medmij",
            " huisartsenpraktijk-delinde ",
        ] {
            let scope = parse(input).unwrap();
            assert_eq!(scope.aanbieder, "huisartsenpraktijk-delinde");
            assert_eq!(scope.gegevensdiensten, None);
            assert_eq!(scope.aanbiedernaam(), "huisartsenpraktijk-delinde@medmij");
        }
        assert_eq!(
            parse("medmij.ontwikkel.verplicht.interoplab")
                .unwrap()
                .aanbieder,
            "medmij.ontwikkel.verplicht.interoplab"
        );
    }

    #[test]
    fn name_id_tokens() {
        let scope = parse("umcharderwijk~51 umcharderwijk~49").unwrap();
        assert_eq!(scope.aanbieder, "umcharderwijk");
        assert_eq!(ids(&scope), ["49", "51"]);
        let scope = parse("test.huisarts~49 test.huisarts@medmij~49").unwrap();
        assert_eq!(ids(&scope), ["49"]);
    }

    #[test]
    fn rejected_tokens() {
        assert_eq!(parse(""), Err(ScopeError::Empty));
        assert_eq!(parse("   "), Err(ScopeError::Empty));
        assert_eq!(parse("a~49 b~49"), Err(ScopeError::SeveralAanbieders));
        assert_eq!(parse("a a~49"), Err(ScopeError::MixedForms));
        assert_eq!(parse("a a"), Err(ScopeError::MixedForms));
        assert!(matches!(
            parse("a~49 onbehalfof"),
            Err(ScopeError::UnsupportedExtension(_))
        ));
        assert!(matches!(
            parse("subscribe~30/a~49"),
            Err(ScopeError::UnsupportedExtension(_))
        ));
        for bad in [
            "49",
            "~49",
            "a~",
            "a~4 9",
            "A~49",
            "a~49~1",
            "a/b",
            "a+b",
            "a%20b",
            "a@other",
            ".a",
            "a.",
            "a~49;",
            "a@medmij@medmij",
            "1.2",
        ] {
            let result = parse(bad);
            assert!(result.is_err(), "{bad:?} accepted: {result:?}");
        }
        assert_eq!(parse(&"a".repeat(1025)), Err(ScopeError::TooLong));
    }

    #[test]
    fn granted_scope_ascending() {
        let ids = [GegevensdienstId::from("51"), GegevensdienstId::from("49")];
        assert_eq!(granted_scope(&ids), "49 51");
    }
}
