//! The TestScript model: the parts of a compiled FHIR STU3 TestScript (XML) that the runner executes.

use std::path::{Path, PathBuf};

use roxmltree::Node;

use crate::QualifyError;

/// One TestScript as read from its XML file.
#[derive(Debug, Clone, PartialEq)]
pub struct TestScript {
    /// `TestScript.id`.
    pub id: String,
    /// `TestScript.name`.
    pub name: String,
    /// `TestScript.title`, or the name when there is none.
    pub title: String,
    /// Fixtures by id, with the path they reference (relative to the script's folder).
    pub fixtures: Vec<Fixture>,
    /// Profiles by id (`validateProfileId` points here).
    pub profiles: Vec<(String, String)>,
    /// Variables in document order.
    pub variables: Vec<Variable>,
    /// Actions of `setup`.
    pub setup: Vec<Action>,
    /// The tests, in order.
    pub tests: Vec<Test>,
    /// Actions of `teardown`.
    pub teardown: Vec<Action>,
}

/// A `TestScript.fixture`: a resource file the script sends or compares with.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixture {
    /// The fixture id used by `sourceId` and `minimumId`.
    pub id: String,
    /// `resource.reference` as written in the script.
    pub reference: String,
}

/// A `TestScript.variable`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Variable {
    /// The name used in `${name}`.
    pub name: String,
    /// `defaultValue`, itself subject to substitution.
    pub default_value: Option<String>,
    /// A FHIRPath expression evaluated on the response or fixture `source_id`.
    pub expression: Option<String>,
    /// `headerField` of the source response.
    pub header_field: Option<String>,
    /// The response or fixture the expression or header is taken from.
    pub source_id: Option<String>,
}

/// One `TestScript.test`.
#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    /// `test.id`, or the name.
    pub id: String,
    /// `test.name`.
    pub name: String,
    /// The operations and asserts in order.
    pub actions: Vec<Action>,
}

/// One action: an operation or an assert.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `action.operation`.
    Operation(Operation),
    /// `action.assert`.
    Assert(Assert),
}

/// `action.operation`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Operation {
    /// `type.code`: search, read, transaction, batch, create, update, delete, get, post, put, …
    pub code: String,
    /// `type.system`.
    pub system: String,
    /// `resource`: the resource type in the URL.
    pub resource: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `accept`: `json` or `xml`.
    pub accept: Option<String>,
    /// `contentType`: `json`, `xml` or `none`.
    pub content_type: Option<String>,
    /// `params`: appended to `[base]/[resource]`, starts with `?` or `/`.
    pub params: Option<String>,
    /// `url`: absolute or relative to the base, takes precedence over resource and params.
    pub url: Option<String>,
    /// `requestHeader` (field, value) pairs.
    pub request_headers: Vec<(String, String)>,
    /// `responseId`: the name under which the response is kept.
    pub response_id: Option<String>,
    /// `sourceId`: the fixture (or response) sent as the request body.
    pub source_id: Option<String>,
    /// `targetId`: the response whose resource the operation addresses.
    pub target_id: Option<String>,
}

/// `action.assert`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Assert {
    /// `description`, shown when the assert fails.
    pub description: Option<String>,
    /// `direction`: `response` (default) or `request`.
    pub direction: Option<String>,
    /// `operator`: equals (default), notEquals, in, notIn, greaterThan, lessThan, empty, notEmpty,
    /// contains, notContains, eval.
    pub operator: Option<String>,
    /// `value`, the expected value.
    pub value: Option<String>,
    /// `responseCode`: one code or a comma-separated list.
    pub response_code: Option<String>,
    /// `response`: okay, created, notFound, …
    pub response: Option<String>,
    /// `resource`: the expected resource type.
    pub resource: Option<String>,
    /// `contentType`: `json` or `xml`.
    pub content_type: Option<String>,
    /// `headerField`: the response header to check.
    pub header_field: Option<String>,
    /// `expression`: FHIRPath evaluated on the response (or `source_id`).
    pub expression: Option<String>,
    /// `compareToSourceId`: fixture or response to compare with.
    pub compare_to_source_id: Option<String>,
    /// `compareToSourceExpression`: FHIRPath evaluated on `compare_to_source_id`.
    pub compare_to_source_expression: Option<String>,
    /// `minimumId`: fixture whose content must all be present in the response.
    pub minimum_id: Option<String>,
    /// `sourceId`: the response the assert looks at instead of the last one.
    pub source_id: Option<String>,
    /// `validateProfileId`: profile id in `TestScript.profile`.
    pub validate_profile_id: Option<String>,
    /// Touchstone rule id (`testscript-assert-rule` extension): an engine-specific Groovy rule.
    pub rule_id: Option<String>,
    /// `warningOnly`: a failure is only a warning.
    pub warning_only: bool,
    /// `stopTestOnFail` (Touchstone extension element): a failure ends the test.
    pub stop_test_on_fail: bool,
}

/// Reads and parses one TestScript file.
pub fn load(path: &Path) -> Result<TestScript, QualifyError> {
    let text = std::fs::read_to_string(path).map_err(|source| QualifyError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text).map_err(|error| match error {
        QualifyError::Script { message, .. } => QualifyError::Script {
            path: path.to_path_buf(),
            message,
        },
        other => other,
    })
}

/// Parses the XML text of a TestScript.
pub fn parse(xml: &str) -> Result<TestScript, QualifyError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(xml, options).map_err(|error| {
        QualifyError::Script {
            path: PathBuf::new(),
            message: format!("invalid XML: {error}"),
        }
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "TestScript" {
        return Err(QualifyError::Script {
            path: PathBuf::new(),
            message: format!(
                "root element is {}, expected TestScript",
                root.tag_name().name()
            ),
        });
    }
    let name = value_of(root, "name").unwrap_or_default();
    let mut script = TestScript {
        id: value_of(root, "id").unwrap_or_else(|| name.clone()),
        title: value_of(root, "title").unwrap_or_else(|| name.clone()),
        name,
        fixtures: Vec::new(),
        profiles: Vec::new(),
        variables: Vec::new(),
        setup: Vec::new(),
        tests: Vec::new(),
        teardown: Vec::new(),
    };
    for child in root.children().filter(Node::is_element) {
        match child.tag_name().name() {
            "fixture" => script.fixtures.push(Fixture {
                id: child.attribute("id").unwrap_or_default().to_owned(),
                reference: child
                    .children()
                    .find(|n| n.has_tag_name(("http://hl7.org/fhir", "resource")))
                    .and_then(|n| value_of(n, "reference"))
                    .unwrap_or_default(),
            }),
            "profile" => script.profiles.push((
                child.attribute("id").unwrap_or_default().to_owned(),
                child.attribute("value").unwrap_or_default().to_owned(),
            )),
            "variable" => script.variables.push(Variable {
                name: value_of(child, "name").unwrap_or_default(),
                default_value: value_of(child, "defaultValue"),
                expression: value_of(child, "expression"),
                header_field: value_of(child, "headerField"),
                source_id: value_of(child, "sourceId"),
            }),
            "setup" => script.setup = actions(child),
            "teardown" => script.teardown = actions(child),
            "test" => {
                let name = value_of(child, "name").unwrap_or_default();
                script.tests.push(Test {
                    id: child
                        .attribute("id")
                        .map_or_else(|| name.clone(), str::to_owned),
                    name,
                    actions: actions(child),
                });
            }
            _ => {}
        }
    }
    Ok(script)
}

/// Reads the operations and asserts under `setup`, `test` or `teardown`.
fn actions(parent: Node<'_, '_>) -> Vec<Action> {
    let mut out = Vec::new();
    for action in element_children(parent, "action") {
        for child in action.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "operation" => out.push(Action::Operation(operation(child))),
                "assert" => out.push(Action::Assert(assert(child))),
                _ => {}
            }
        }
    }
    out
}

fn operation(node: Node<'_, '_>) -> Operation {
    let kind = element_children(node, "type").next();
    Operation {
        code: kind.and_then(|k| value_of(k, "code")).unwrap_or_default(),
        system: kind.and_then(|k| value_of(k, "system")).unwrap_or_default(),
        resource: value_of(node, "resource"),
        description: value_of(node, "description"),
        accept: value_of(node, "accept"),
        content_type: value_of(node, "contentType"),
        params: value_of(node, "params"),
        url: value_of(node, "url"),
        request_headers: element_children(node, "requestHeader")
            .map(|h| {
                (
                    value_of(h, "field").unwrap_or_default(),
                    value_of(h, "value").unwrap_or_default(),
                )
            })
            .collect(),
        response_id: value_of(node, "responseId"),
        source_id: value_of(node, "sourceId"),
        target_id: value_of(node, "targetId"),
    }
}

fn assert(node: Node<'_, '_>) -> Assert {
    let rule_id = node
        .descendants()
        .filter(|n| n.has_tag_name(("http://hl7.org/fhir", "extension")))
        .find(|n| n.attribute("url") == Some("ruleId"))
        .and_then(|n| value_of(n, "valueId"));
    Assert {
        description: value_of(node, "description"),
        direction: value_of(node, "direction"),
        operator: value_of(node, "operator"),
        value: value_of(node, "value"),
        response_code: value_of(node, "responseCode"),
        response: value_of(node, "response"),
        resource: value_of(node, "resource"),
        content_type: value_of(node, "contentType"),
        header_field: value_of(node, "headerField"),
        expression: value_of(node, "expression"),
        compare_to_source_id: value_of(node, "compareToSourceId"),
        compare_to_source_expression: value_of(node, "compareToSourceExpression"),
        minimum_id: value_of(node, "minimumId"),
        source_id: value_of(node, "sourceId"),
        validate_profile_id: value_of(node, "validateProfileId"),
        rule_id,
        warning_only: value_of(node, "warningOnly").as_deref() == Some("true"),
        stop_test_on_fail: value_of(node, "stopTestOnFail").as_deref() == Some("true"),
    }
}

fn element_children<'a, 'i>(
    node: Node<'a, 'i>,
    name: &'static str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

/// The `value` attribute of the first child element called `name`.
fn value_of(node: Node<'_, '_>, name: &'static str) -> Option<String> {
    element_children(node, name)
        .next()
        .and_then(|n| n.attribute("value"))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = r#"<TestScript xmlns="http://hl7.org/fhir">
  <id value="s1"/><name value="S1"/><title value="Scenario 1"/>
  <fixture id="fx"><autocreate value="false"/><resource><reference value="../_reference/a.xml"/></resource></fixture>
  <profile id="Bundle-profile" value="http://hl7.org/fhir/StructureDefinition/Bundle"/>
  <variable><name value="T"/><defaultValue value="${CURRENTDATE}"/></variable>
  <variable><name value="u"/><expression value="Bundle.link.url"/><sourceId value="r1"/></variable>
  <test id="t1"><name value="Test 1"/>
    <action><operation><type><system value="http://hl7.org/fhir/restful-interaction"/><code value="search"/></type>
      <resource value="EpisodeOfCare"/><accept value="json"/><params value="?a=b"/>
      <requestHeader><field value="Authorization"/><value value="${tok}"/></requestHeader>
      <responseId value="r1"/></operation></action>
    <action><assert><description value="ok"/><operator value="in"/><responseCode value="200,201"/>
      <stopTestOnFail value="true"/><warningOnly value="false"/></assert></action>
    <action><assert>
      <extension url="http://touchstone.aegis.net/touchstone/fhir/testing/StructureDefinition/testscript-assert-rule">
        <extension url="ruleId"><valueId value="rule-x"/></extension></extension>
      <warningOnly value="true"/></assert></action>
  </test>
</TestScript>"#;

    #[test]
    fn parse_reads_every_part() {
        let script = parse(SCRIPT).unwrap();
        assert_eq!(script.id, "s1");
        assert_eq!(script.title, "Scenario 1");
        assert_eq!(script.fixtures[0].reference, "../_reference/a.xml");
        assert_eq!(script.profiles[0].0, "Bundle-profile");
        assert_eq!(script.variables.len(), 2);
        assert_eq!(script.variables[1].source_id.as_deref(), Some("r1"));
        let test = &script.tests[0];
        assert_eq!(test.id, "t1");
        assert_eq!(test.actions.len(), 3);
        let Action::Operation(op) = &test.actions[0] else {
            panic!("expected an operation")
        };
        assert_eq!(op.code, "search");
        assert_eq!(op.params.as_deref(), Some("?a=b"));
        assert_eq!(op.request_headers[0].0, "Authorization");
        assert_eq!(op.response_id.as_deref(), Some("r1"));
        let Action::Assert(first) = &test.actions[1] else {
            panic!("expected an assert")
        };
        assert_eq!(first.response_code.as_deref(), Some("200,201"));
        assert!(first.stop_test_on_fail);
        assert!(!first.warning_only);
        let Action::Assert(rule) = &test.actions[2] else {
            panic!("expected an assert")
        };
        assert_eq!(rule.rule_id.as_deref(), Some("rule-x"));
        assert!(rule.warning_only);
    }

    #[test]
    fn parse_rejects_other_root() {
        assert!(parse("<Bundle xmlns=\"http://hl7.org/fhir\"/>").is_err());
    }
}
