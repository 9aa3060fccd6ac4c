//! FHIRPath string functions: startsWith, endsWith, contains, matches, replaceMatches, replace,
//! indexOf, substring, length, upper, lower, trim.

use super::FhirPathError;
use super::eval::{Collection, Scope, eval, single_primitive};
use super::item::{Item, Primitive};
use super::parser::Expr;

/// Calls string function `name` on `input`, which must hold one string (or be empty).
pub fn call<'a>(
    name: &str,
    input: &[Item<'a>],
    args: &[Expr],
    focus: &[Item<'a>],
    scope: Scope<'a>,
) -> Result<Collection<'a>, FhirPathError> {
    let expected = match name {
        "length" | "upper" | "lower" | "trim" => 0,
        "startsWith" | "endsWith" | "contains" | "matches" | "indexOf" => 1,
        "replaceMatches" | "replace" => 2,
        "substring" => args.len().clamp(1, 2),
        other => return Err(FhirPathError::Unsupported(format!("function {other}()"))),
    };
    if args.len() != expected {
        return Err(FhirPathError::Eval(format!(
            "{name}() takes {expected} argument(s), got {}",
            args.len()
        )));
    }
    let Some(subject) = single_primitive(input, name)? else {
        return Ok(Vec::new());
    };
    let Primitive::Str(subject) = subject else {
        return Err(FhirPathError::Eval(format!(
            "{name}() needs a string, got {subject:?}"
        )));
    };
    let mut values = Vec::with_capacity(args.len());
    for arg in args {
        match single_primitive(&eval(arg, focus, scope)?, name)? {
            Some(value) => values.push(value),
            None => return Ok(Vec::new()),
        }
    }
    let text = |i: usize| -> Result<&str, FhirPathError> {
        match values.get(i) {
            Some(Primitive::Str(s)) => Ok(s),
            other => Err(FhirPathError::Eval(format!(
                "{name}() needs a string argument, got {other:?}"
            ))),
        }
    };
    let int = |i: usize| -> Result<i64, FhirPathError> {
        match values.get(i) {
            Some(Primitive::Int(n)) => Ok(*n),
            other => Err(FhirPathError::Eval(format!(
                "{name}() needs an integer argument, got {other:?}"
            ))),
        }
    };
    let length = |s: &str| i64::try_from(s.chars().count()).unwrap_or(i64::MAX);
    let item = match name {
        "length" => Item::Int(length(&subject)),
        "upper" => Item::Str(subject.to_uppercase()),
        "lower" => Item::Str(subject.to_lowercase()),
        "trim" => Item::Str(subject.trim().to_owned()),
        "startsWith" => Item::Bool(subject.starts_with(text(0)?)),
        "endsWith" => Item::Bool(subject.ends_with(text(0)?)),
        "contains" => Item::Bool(subject.contains(text(0)?)),
        "matches" => Item::Bool(regex(text(0)?)?.is_match(&subject)),
        "replaceMatches" => Item::Str(
            regex(text(0)?)?
                .replace_all(&subject, text(1)?)
                .into_owned(),
        ),
        "replace" => Item::Str(subject.replace(text(0)?, text(1)?)),
        "indexOf" => Item::Int(
            subject
                .find(text(0)?)
                .map_or(-1, |byte| length(&subject[..byte])),
        ),
        _ => {
            let start = usize::try_from(int(0)?).unwrap_or(usize::MAX);
            if start >= subject.chars().count() {
                return Ok(Vec::new());
            }
            let take = if values.len() == 2 {
                usize::try_from(int(1)?).unwrap_or(0)
            } else {
                usize::MAX
            };
            Item::Str(subject.chars().skip(start).take(take).collect())
        }
    };
    Ok(vec![item])
}

fn regex(pattern: &str) -> Result<regex::Regex, FhirPathError> {
    regex::Regex::new(pattern).map_err(|error| {
        FhirPathError::Eval(format!("invalid regular expression {pattern:?}: {error}"))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::fhirpath::evaluate_to_strings;

    #[test]
    fn string_functions() {
        let resource = json!({"resourceType": "Basic", "id": "abc-123"});
        let cases = [
            ("id.startsWith('abc')", "true"),
            ("id.endsWith('124')", "false"),
            ("id.contains('c-1')", "true"),
            ("id.matches('^[a-z]+-\\\\d+$')", "true"),
            ("id.replaceMatches('\\\\d', 'x')", "abc-xxx"),
            ("id.replace('-', '_')", "abc_123"),
            ("id.indexOf('1')", "4"),
            ("id.substring(4)", "123"),
            ("id.substring(1, 2)", "bc"),
            ("id.length()", "7"),
            ("id.upper()", "ABC-123"),
            ("id.lower()", "abc-123"),
        ];
        for (expression, expected) in cases {
            let values = evaluate_to_strings(expression, &resource).unwrap();
            assert_eq!(values, vec![expected.to_owned()], "{expression}");
        }
    }

    #[test]
    fn string_function_on_empty_is_empty() {
        let resource = json!({"resourceType": "Basic"});
        assert!(
            evaluate_to_strings("id.startsWith('a')", &resource)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn string_function_on_many_items_fails() {
        let resource = json!({"resourceType": "Basic", "x": ["a", "b"]});
        assert!(evaluate_to_strings("x.startsWith('a')", &resource).is_err());
    }
}
