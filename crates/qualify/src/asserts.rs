//! Evaluation of one TestScript assert against the responses and fixtures of a run.

use std::collections::HashMap;

use serde_json::Value;

use crate::fhirpath;
use crate::http::Response;
use crate::script::Assert;

/// The result of evaluating one assert.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The assert holds.
    Pass,
    /// The assert does not hold, with the reason.
    Fail(String),
    /// The assert was not evaluated, with the reason.
    Skip(String),
}

/// Everything an assert can look at.
pub struct AssertContext<'a> {
    /// The response of the last operation.
    pub last: Option<&'a Response>,
    /// Responses kept under their `responseId`.
    pub responses: &'a HashMap<String, Response>,
    /// Fixtures by id, as FHIR JSON.
    pub fixtures: &'a HashMap<String, Value>,
    /// `TestScript.profile` (id, canonical URL) pairs.
    pub profiles: &'a [(String, String)],
}

impl AssertContext<'_> {
    fn response(&self, source_id: Option<&str>) -> Option<&Response> {
        match source_id {
            Some(id) => self.responses.get(id),
            None => self.last,
        }
    }

    /// The resource of a response or fixture id, or of the last response.
    fn resource(&self, source_id: Option<&str>) -> Option<&Value> {
        if let Some(id) = source_id
            && let Some(fixture) = self.fixtures.get(id)
        {
            return Some(fixture);
        }
        self.response(source_id)?.resource.as_ref()
    }
}

/// Evaluates `assert`. Several checks in one assert must all hold.
pub fn evaluate(assert: &Assert, ctx: &AssertContext<'_>) -> Verdict {
    if let Some(rule) = &assert.rule_id {
        return Verdict::Skip(format!("engine-specific rule {rule} is not evaluated"));
    }
    let source = assert.source_id.as_deref();
    let response = ctx.response(source);
    let operator = assert.operator.as_deref().unwrap_or("equals");
    let mut skipped = None;

    if let Some(codes) = &assert.response_code {
        let Some(response) = response else {
            return Verdict::Fail("no response to check".into());
        };
        let list: Vec<&str> = codes.split(',').map(str::trim).collect();
        let actual = response.status.to_string();
        if let Some(reason) = compare_values(operator, &[actual], &list) {
            return Verdict::Fail(format!("HTTP status: {reason}"));
        }
    }
    if let Some(name) = &assert.response {
        let Some(response) = response else {
            return Verdict::Fail("no response to check".into());
        };
        let Some(expected) = response_code_of(name) else {
            return Verdict::Skip(format!("unknown response kind {name:?}"));
        };
        if response.status != expected {
            return Verdict::Fail(format!(
                "expected HTTP {expected} ({name}), got {}",
                response.status
            ));
        }
    }
    if let Some(kind) = &assert.content_type {
        let actual = response
            .and_then(|r| r.header("content-type"))
            .unwrap_or_default();
        if !actual
            .to_ascii_lowercase()
            .contains(&kind.to_ascii_lowercase())
        {
            return Verdict::Fail(format!("expected a {kind} Content-Type, got {actual:?}"));
        }
    }
    if let Some(field) = &assert.header_field {
        let actual = response.and_then(|r| r.header(field));
        let expected = assert.value.as_deref().unwrap_or_default();
        let values: Vec<String> = actual.map(|v| vec![v.to_owned()]).unwrap_or_default();
        // Media type parameters (`; charset=...`) do not make a Content-Type differ.
        let media: Vec<String> = values
            .iter()
            .map(|v| v.split(';').next().unwrap_or_default().trim().to_owned())
            .collect();
        let full = compare_values(operator, &values, &[expected]);
        if full.is_some()
            && let Some(reason) = compare_values(operator, &media, &[expected])
        {
            return Verdict::Fail(format!("header {field}: {reason}"));
        }
    }
    if let Some(resource_type) = &assert.resource {
        match ctx
            .resource(source)
            .and_then(|r| r.get("resourceType"))
            .and_then(Value::as_str)
        {
            Some(actual) if actual == resource_type => {}
            Some(actual) => {
                return Verdict::Fail(format!("expected a {resource_type}, got a {actual}"));
            }
            None => return Verdict::Fail(no_resource(response, resource_type)),
        }
    }
    if let Some(profile_id) = &assert.validate_profile_id {
        let url = ctx
            .profiles
            .iter()
            .find(|(id, _)| id == profile_id)
            .map(|(_, url)| url.as_str())
            .unwrap_or_default();
        let base = url.rsplit('/').next().unwrap_or_default();
        match ctx
            .resource(source)
            .and_then(|r| r.get("resourceType"))
            .and_then(Value::as_str)
        {
            Some(actual) if actual == base || base.is_empty() => {
                skipped = Some(format!(
                    "profile validation against {url} is not available; only the resource type was checked"
                ));
            }
            Some(actual) => {
                return Verdict::Fail(format!("expected a {base} for {url}, got a {actual}"));
            }
            None => return Verdict::Fail(no_resource(response, base)),
        }
    }
    if let Some(expression) = &assert.expression
        && let Some(reason) = check_expression(assert, expression, operator, ctx)
    {
        return Verdict::Fail(reason);
    }
    if let Some(minimum_id) = &assert.minimum_id
        && let Some(reason) = check_minimum(minimum_id, ctx.resource(source), ctx)
    {
        return Verdict::Fail(reason);
    }
    match skipped {
        Some(reason) => Verdict::Skip(reason),
        None => Verdict::Pass,
    }
}

fn no_resource(response: Option<&Response>, expected: &str) -> String {
    match response {
        None => "no response to check".into(),
        Some(r) => match &r.body_error {
            Some(error) => format!("expected a {expected}, but {error}"),
            None => format!(
                "expected a {expected}, got no FHIR body (HTTP {}, Content-Type {:?})",
                r.status,
                r.header("content-type").unwrap_or_default()
            ),
        },
    }
}

fn check_expression(
    assert: &Assert,
    expression: &str,
    operator: &str,
    ctx: &AssertContext<'_>,
) -> Option<String> {
    let source = assert.source_id.as_deref();
    let Some(resource) = ctx.resource(source) else {
        return Some(no_resource(ctx.response(source), "FHIR resource"));
    };
    let actual = match fhirpath::evaluate(expression, resource) {
        Ok(items) => items,
        Err(error) => return Some(error.to_string()),
    };
    if let Some(compare_id) = &assert.compare_to_source_id {
        let Some(other) = ctx.resource(Some(compare_id)) else {
            return Some(format!("no resource under {compare_id:?} to compare with"));
        };
        let other_expression = assert
            .compare_to_source_expression
            .as_deref()
            .unwrap_or(expression);
        let expected = match fhirpath::evaluate_to_strings(other_expression, other) {
            Ok(values) => values,
            Err(error) => return Some(error.to_string()),
        };
        let actual = texts(&actual);
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        return compare_collections(operator, &actual, &expected);
    }
    if assert.value.is_some() || assert.operator.is_some() {
        let values: Vec<&str> = match &assert.value {
            Some(value) if operator == "in" || operator == "notIn" => {
                value.split(',').map(str::trim).collect()
            }
            Some(value) => vec![value.as_str()],
            None => Vec::new(),
        };
        return compare_values(operator, &texts(&actual), &values);
    }
    match fhirpath::to_boolean(&actual) {
        Ok(Some(true)) => None,
        Ok(Some(false)) => Some("the expression is false".into()),
        Ok(None) => Some("the expression returned no value".into()),
        Err(error) => Some(error.to_string()),
    }
}

fn texts(items: &[fhirpath::Item<'_>]) -> Vec<String> {
    items
        .iter()
        .map(|item| {
            item.to_text()
                .or_else(|| item.json().map(Value::to_string))
                .unwrap_or_default()
        })
        .collect()
}

/// Compares two collections item by item (`equals`) or as a whole (`notEquals`).
fn compare_collections(operator: &str, actual: &[String], expected: &[&str]) -> Option<String> {
    let same = actual.len() == expected.len() && actual.iter().zip(expected).all(|(a, e)| a == e);
    let holds = match operator {
        "equals" => same,
        "notEquals" => !same,
        _ => return compare_values(operator, actual, expected),
    };
    (!holds).then(|| format!("expected {operator} {expected:?}, got {}", shown(actual)))
}

/// Checks `actual` against `expected` with a TestScript operator; returns why it fails.
pub fn compare_values(operator: &str, actual: &[String], expected: &[&str]) -> Option<String> {
    let first = expected.first().copied().unwrap_or_default();
    let holds = match operator {
        "equals" => !actual.is_empty() && actual.iter().all(|a| a == first),
        "notEquals" => actual.iter().all(|a| a != first),
        "in" => !actual.is_empty() && actual.iter().all(|a| expected.contains(&a.as_str())),
        "notIn" => actual.iter().all(|a| !expected.contains(&a.as_str())),
        "contains" => actual.iter().any(|a| a.contains(first)),
        "notContains" => actual.iter().all(|a| !a.contains(first)),
        "empty" => actual.is_empty(),
        "notEmpty" => !actual.is_empty(),
        "greaterThan" | "lessThan" => match (actual, first.parse::<f64>()) {
            ([a], Ok(e)) => a.parse::<f64>().is_ok_and(|a| {
                if operator == "greaterThan" {
                    a > e
                } else {
                    a < e
                }
            }),
            ([a], Err(_)) => {
                if operator == "greaterThan" {
                    a.as_str() > first
                } else {
                    a.as_str() < first
                }
            }
            _ => false,
        },
        other => return Some(format!("unsupported operator {other:?}")),
    };
    if holds {
        return None;
    }
    let wanted = match operator {
        "empty" | "notEmpty" => operator.to_owned(),
        "in" | "notIn" => format!("{operator} {}", expected.join(",")),
        _ => format!("{operator} {first:?}"),
    };
    Some(format!("expected {wanted}, got {}", shown(actual)))
}

fn shown(values: &[String]) -> String {
    match values {
        [] => "nothing".into(),
        [one] => format!("{:?}", truncate(one)),
        many => format!(
            "{} values [{}]",
            many.len(),
            many.iter()
                .take(5)
                .map(|v| format!("{:?}", truncate(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn truncate(value: &str) -> String {
    if value.chars().count() <= 120 {
        return value.to_owned();
    }
    let head: String = value.chars().take(120).collect();
    format!("{head}…")
}

fn check_minimum(
    minimum_id: &str,
    actual: Option<&Value>,
    ctx: &AssertContext<'_>,
) -> Option<String> {
    let Some(expected) = ctx.fixtures.get(minimum_id) else {
        return Some(format!("no fixture {minimum_id:?}"));
    };
    let Some(actual) = actual else {
        return Some("no resource to compare with the minimum fixture".into());
    };
    let parse = |value: &Value| fhir::Resource::from_json(&value.to_string());
    let (Ok(actual), Ok(expected)) = (parse(actual), parse(expected)) else {
        return Some("the response or the minimum fixture is not valid FHIR".into());
    };
    let differences = fhir::compare(&actual, &expected);
    let first = differences.first()?;
    Some(format!(
        "{} elements of fixture {minimum_id} differ, first: {first}",
        differences.len()
    ))
}

fn response_code_of(name: &str) -> Option<u16> {
    Some(match name {
        "okay" => 200,
        "created" => 201,
        "noContent" => 204,
        "notModified" => 304,
        "bad" => 400,
        "forbidden" => 403,
        "notFound" => 404,
        "methodNotAllowed" => 405,
        "conflict" => 409,
        "gone" => 410,
        "preconditionFailed" => 412,
        "unprocessable" => 422,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn response(status: u16, resource: Value) -> Response {
        Response {
            status,
            headers: vec![(
                "content-type".into(),
                "application/fhir+json; charset=utf-8".into(),
            )],
            resource: Some(resource),
            body_error: None,
        }
    }

    fn run(assert: &Assert, last: &Response) -> Verdict {
        let responses = HashMap::new();
        let fixtures = HashMap::new();
        let profiles = vec![(
            "Bundle-profile".to_owned(),
            "http://hl7.org/fhir/StructureDefinition/Bundle".to_owned(),
        )];
        evaluate(
            assert,
            &AssertContext {
                last: Some(last),
                responses: &responses,
                fixtures: &fixtures,
                profiles: &profiles,
            },
        )
    }

    #[test]
    fn response_code_operators() {
        let last = response(404, json!({"resourceType": "OperationOutcome"}));
        let mut assert = Assert {
            response_code: Some("200,201".into()),
            operator: Some("in".into()),
            ..Assert::default()
        };
        assert_eq!(
            run(&assert, &last),
            Verdict::Fail("HTTP status: expected in 200,201, got \"404\"".into())
        );
        assert.response_code = Some("404,410".into());
        assert_eq!(run(&assert, &last), Verdict::Pass);
        let not_ok = Assert {
            response_code: Some("200".into()),
            operator: Some("notEquals".into()),
            ..Assert::default()
        };
        assert_eq!(run(&not_ok, &last), Verdict::Pass);
    }

    #[test]
    fn expression_value_and_boolean() {
        let last = response(200, json!({"resourceType": "Bundle", "type": "searchset"}));
        let equals = Assert {
            expression: Some("Bundle.type".into()),
            operator: Some("equals".into()),
            value: Some("searchset".into()),
            ..Assert::default()
        };
        assert_eq!(run(&equals, &last), Verdict::Pass);
        let boolean = Assert {
            expression: Some("Bundle.entry.count() = 7".into()),
            ..Assert::default()
        };
        assert_eq!(
            run(&boolean, &last),
            Verdict::Fail("the expression is false".into())
        );
        let resource = Assert {
            resource: Some("OperationOutcome".into()),
            ..Assert::default()
        };
        assert_eq!(
            run(&resource, &last),
            Verdict::Fail("expected a OperationOutcome, got a Bundle".into())
        );
    }

    #[test]
    fn header_ignores_media_type_parameters() {
        let last = response(200, json!({"resourceType": "Bundle"}));
        let header = Assert {
            header_field: Some("Content-Type".into()),
            value: Some("application/fhir+json".into()),
            ..Assert::default()
        };
        assert_eq!(run(&header, &last), Verdict::Pass);
        let pdf = Assert {
            header_field: Some("Content-Type".into()),
            value: Some("application/pdf".into()),
            ..Assert::default()
        };
        assert!(matches!(run(&pdf, &last), Verdict::Fail(_)));
    }

    #[test]
    fn profile_and_rule_are_not_evaluated() {
        let last = response(200, json!({"resourceType": "Bundle"}));
        let profile = Assert {
            validate_profile_id: Some("Bundle-profile".into()),
            ..Assert::default()
        };
        assert!(matches!(run(&profile, &last), Verdict::Skip(_)));
        let rule = Assert {
            rule_id: Some("r".into()),
            ..Assert::default()
        };
        assert!(matches!(run(&rule, &last), Verdict::Skip(_)));
        let wrong = response(200, json!({"resourceType": "Binary"}));
        assert!(matches!(run(&profile, &wrong), Verdict::Fail(_)));
    }
}
