//! Tests of the FHIRPath operators and functions, mostly with expressions from the qualification
//! scripts on a small searchset Bundle.

use serde_json::{Value, json};

use super::*;

fn bundle() -> Value {
    json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 2,
        "link": [{"relation": "self", "url": "https://x.example/fhir/DocumentReference?status=current"}],
        "entry": [
            {
                "fullUrl": "https://x.example/fhir/DocumentReference/d1",
                "search": {"mode": "match"},
                "resource": {
                    "resourceType": "DocumentReference",
                    "id": "d1",
                    "meta": {"profile": ["p"]},
                    "status": "current",
                    "masterIdentifier": {"system": "urn:ietf:rfc:3986", "value": "urn:oid:1.2.3"},
                    "type": {"coding": [{"system": "http://loinc.org", "code": "68688-1", "display": "Doc"}]},
                    "subject": {"reference": "Patient/p1", "display": "Jan"},
                    "content": [{"attachment": {"url": "Binary/b1"}}]
                }
            },
            {
                "fullUrl": "https://x.example/fhir/DocumentReference/d2",
                "search": {"mode": "match"},
                "resource": {
                    "resourceType": "DocumentReference",
                    "id": "d2",
                    "meta": {"profile": ["p"]},
                    "status": "current",
                    "type": {"coding": [{"system": "http://loinc.org", "code": "34781-5", "display": "Doc"}]},
                    "subject": {"reference": "Patient/p1", "display": "Jan"},
                    "content": [{"attachment": {"url": "https://y.example/pdf/2"}}]
                }
            },
            {
                "fullUrl": "https://x.example/fhir/Patient/p1",
                "search": {"mode": "include"},
                "resource": {
                    "resourceType": "Patient",
                    "id": "p1",
                    "meta": {"profile": ["p"]},
                    "identifier": [{"system": "http://fhir.nl/fhir/NamingSystem/bsn",
                                    "_value": {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "masked"}]}}]
                }
            }
        ]
    })
}

fn strings(expression: &str, resource: &Value) -> Vec<String> {
    evaluate_to_strings(expression, resource).unwrap_or_else(|e| panic!("{expression}: {e}"))
}

fn truth(expression: &str, resource: &Value) -> Option<bool> {
    let items = evaluate(expression, resource).unwrap_or_else(|e| panic!("{expression}: {e}"));
    to_boolean(&items).unwrap()
}

#[test]
fn paths_and_root_type() {
    let b = bundle();
    assert_eq!(strings("Bundle.type", &b), vec!["searchset"]);
    assert_eq!(
        strings("Bundle.entry.resource.id", &b),
        vec!["d1", "d2", "p1"]
    );
    assert!(strings("Patient.id", &b).is_empty());
    assert_eq!(strings("entry[2].resource.id", &b), vec!["p1"]);
}

#[test]
fn equality_and_inequality() {
    let b = bundle();
    assert_eq!(truth("Bundle.type = 'searchset'", &b), Some(true));
    assert_eq!(truth("Bundle.type != 'searchset'", &b), Some(false));
    assert_eq!(truth("Bundle.missing = 'x'", &b), None);
    assert_eq!(truth("Bundle.entry.resource.id = 'd1'", &b), Some(false));
    assert_eq!(truth("1 = 1.0", &b), Some(true));
    assert_eq!(truth("'a' ~ 'A'", &b), Some(true));
    assert_eq!(truth("'a' !~ 'b'", &b), Some(true));
    assert_eq!(
        truth(
            "Bundle.link.url.contains('http://fhir.nl/fhir/NamingSystem/bsn') = false",
            &b
        ),
        Some(true)
    );
}

#[test]
fn comparisons_and_arithmetic() {
    let b = bundle();
    let total = "Bundle.total.exists() implies (Bundle.total.toInteger() <= \
                 Bundle.entry.where(search.empty() or search.mode = 'match').count())";
    assert_eq!(truth(total, &b), Some(true));
    assert_eq!(truth("Bundle.total > 2", &b), Some(false));
    assert_eq!(truth("Bundle.total >= 2", &b), Some(true));
    assert_eq!(truth("Bundle.total < 2.5", &b), Some(true));
    assert_eq!(strings("1 + 2 * 3", &b), vec!["7"]);
    assert_eq!(strings("7 div 2", &b), vec!["3"]);
    assert_eq!(strings("7 mod 2", &b), vec!["1"]);
    assert_eq!(strings("5 - 7", &b), vec!["-2"]);
    assert_eq!(strings("'a' + 'b' & {}", &b), vec!["ab"]);
}

#[test]
fn boolean_logic_is_three_valued() {
    let b = bundle();
    assert_eq!(truth("true and {}", &b), None);
    assert_eq!(truth("false and {}", &b), Some(false));
    assert_eq!(truth("true or {}", &b), Some(true));
    assert_eq!(truth("{} or false", &b), None);
    assert_eq!(truth("true xor true", &b), Some(false));
    assert_eq!(truth("false implies {}", &b), Some(true));
    assert_eq!(truth("{} implies true", &b), Some(true));
    assert_eq!(truth("true implies false", &b), Some(false));
    assert_eq!(truth("{}.not()", &b), None);
    assert_eq!(truth("true.not()", &b), Some(false));
}

#[test]
fn existence_and_counting() {
    let b = bundle();
    assert_eq!(
        truth(
            "Bundle.entry.where(resource.is(DocumentReference)).count() = 2",
            &b
        ),
        Some(true)
    );
    assert_eq!(
        truth(
            "Bundle.entry.where(resource.is(DocumentReference)).count() in (1 | 2)",
            &b
        ),
        Some(true)
    );
    assert_eq!(
        truth(
            "Bundle.entry.where(resource.is(Patient)).count() in (2 | 3)",
            &b
        ),
        Some(false)
    );
    assert_eq!(truth("(1 | 2) contains 2", &b), Some(true));
    assert_eq!(
        truth(
            "Bundle.link.where(relation = 'self' and url.exists()).exists()",
            &b
        ),
        Some(true)
    );
    assert_eq!(
        truth("Bundle.entry.exists(resource.id = 'p1')", &b),
        Some(true)
    );
    assert_eq!(
        truth(
            "Bundle.entry.resource.where(is(OperationOutcome).not()).where(meta.profile.empty()).empty()",
            &b
        ),
        Some(true)
    );
    assert_eq!(
        truth(
            "Bundle.entry.where(resource.is(DocumentReference)).all(resource.status = 'current')",
            &b
        ),
        Some(true)
    );
    assert_eq!(
        truth("Bundle.entry.all(resource.status = 'current')", &b),
        Some(false)
    );
    assert_eq!(truth("{}.all(false)", &b), Some(true));
}

#[test]
fn fullurl_checks_from_scripts() {
    let b = bundle();
    let ids = "Bundle.entry.all( $this.fullUrl.matches('^urn:oid:[0-2](\\\\.(0|[1-9]\\\\d*))*$') or \
               $this.resource.id.exists())";
    assert_eq!(truth(ids, &b), Some(true));
    let ends = "Bundle.entry.where(fullUrl.exists() and resource.id.exists()).all($this.fullUrl.endsWith($this.resource.id))";
    assert_eq!(truth(ends, &b), Some(true));
    let absolute = "Bundle.entry.fullUrl.all( startsWith('http://') or startsWith('https://') or \
                    matches('^urn:uuid:[A-Fa-f\\\\d]{8}-[A-Fa-f\\\\d]{4}-[A-Fa-f\\\\d]{4}-[A-Fa-f\\\\d]{4}-[A-Fa-f\\\\d]{12}$') )";
    assert_eq!(truth(absolute, &b), Some(true));
    let bad = json!({"resourceType": "Bundle", "entry": [{"fullUrl": "urn:uuid:nope", "resource": {"resourceType": "Basic"}}]});
    assert_eq!(truth(absolute, &bad), Some(false));
}

#[test]
fn descendants_and_types() {
    let b = bundle();
    let codings =
        "Bundle.descendants().where($this.is(Coding)).all(system.exists() and code.exists())";
    assert_eq!(truth(codings, &b), Some(true));
    assert_eq!(
        strings("Bundle.descendants().where($this.is(Coding)).count()", &b),
        vec!["2"]
    );
    assert_eq!(
        strings(
            "Bundle.descendants().where($this.is(CodeableConcept)).count()",
            &b
        ),
        vec!["2"]
    );
    assert_eq!(
        strings(
            "Bundle.descendants().where($this.is(Reference)).count()",
            &b
        ),
        vec!["2"]
    );
    assert_eq!(
        strings(
            "Bundle.descendants().where($this.is(Identifier)).count()",
            &b
        ),
        vec!["2"]
    );
    assert_eq!(
        strings("Bundle.descendants().where($this.is(coding)).count()", &b),
        vec!["0"]
    );
    assert_eq!(
        strings("Bundle.entry.resource.ofType(Patient).id", &b),
        vec!["p1"]
    );
    assert_eq!(
        strings("Bundle.entry.resource.as(Patient).id", &b),
        vec!["p1"]
    );
    assert_eq!(truth("Bundle.type is string", &b), Some(true));
    assert_eq!(truth("Bundle.type.is(System.String)", &b), Some(true));
    let bad = json!({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Basic",
        "code": {"coding": [{"code": "x"}]}}}]});
    assert_eq!(truth(codings, &bad), Some(false));
}

#[test]
fn bsn_check_respects_masked_value() {
    let b = bundle();
    let expression = "Bundle.descendants().select(identifier.where(system = 'http://fhir.nl/fhir/NamingSystem/bsn')\
                      .where(value.empty().not() and value.extension.exists().not())).count() = 0";
    assert_eq!(truth(expression, &b), Some(true));
    let leaking = json!({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient",
        "identifier": [{"system": "http://fhir.nl/fhir/NamingSystem/bsn", "value": "999911132"}]}}]});
    assert_eq!(truth(expression, &leaking), Some(false));
}

#[test]
fn select_as_indexer_and_iif() {
    let b = bundle();
    let first = "iif(Bundle.entry.select(resource as DocumentReference)[0].content[0].attachment.url.startsWith('Binary/'), \
                 Bundle.link.where(relation='self').url.replaceMatches('DocumentReference[/?].*$','') + \
                 Bundle.entry.select(resource as DocumentReference)[0].content[0].attachment.url, \
                 Bundle.entry.select(resource as DocumentReference)[0].content[0].attachment.url)";
    assert_eq!(strings(first, &b), vec!["https://x.example/fhir/Binary/b1"]);
    let second = first.replace("DocumentReference)[0]", "DocumentReference)[1]");
    assert_eq!(strings(&second, &b), vec!["https://y.example/pdf/2"]);
    let master = "Bundle.entry.select(resource as DocumentReference).where(type.coding.where(code ='68688-1')).masterIdentifier.value";
    assert_eq!(strings(master, &b), vec!["urn:oid:1.2.3"]);
    assert_eq!(strings("iif(false, 'a')", &b), Vec::<String>::new());
    assert_eq!(
        strings("Bundle.entry.select($index)", &b),
        vec!["0", "1", "2"]
    );
}

#[test]
fn subsetting_functions() {
    let b = bundle();
    assert_eq!(strings("Bundle.entry.resource.id.first()", &b), vec!["d1"]);
    assert_eq!(strings("Bundle.entry.resource.id.last()", &b), vec!["p1"]);
    assert_eq!(
        strings("Bundle.entry.resource.id.tail()", &b),
        vec!["d2", "p1"]
    );
    assert_eq!(
        strings("Bundle.entry.resource.id.skip(1).take(1)", &b),
        vec!["d2"]
    );
    assert_eq!(
        strings("Bundle.entry.resource.status.distinct()", &b),
        vec!["current"]
    );
    assert_eq!(strings("('a' | 'b').combine('a').count()", &b), vec!["3"]);
    assert_eq!(strings("('a' | 'a').count()", &b), vec!["1"]);
    assert!(evaluate("Bundle.entry.single()", &b).is_err());
}

#[test]
fn resolve_within_bundle() {
    let b = bundle();
    assert_eq!(
        strings(
            "Bundle.entry.resource.ofType(DocumentReference).subject.resolve().id",
            &b
        ),
        vec!["p1", "p1"]
    );
    assert_eq!(strings("%resource.type", &b), vec!["searchset"]);
}

#[test]
fn conversions() {
    let b = bundle();
    assert_eq!(strings("'12'.toInteger() + 1", &b), vec!["13"]);
    assert_eq!(strings("'x'.toInteger()", &b), Vec::<String>::new());
    assert_eq!(strings("Bundle.total.toString()", &b), vec!["2"]);
    assert_eq!(strings("'1.5'.toDecimal()", &b), vec!["1.5"]);
}

#[test]
fn every_script_expression_parses() {
    let root = crate::catalog::reference_dir().join("fhir/testscripts");
    let Ok(catalog) = crate::Catalog::load(&root) else {
        panic!("reference TestScripts not found under {}", root.display())
    };
    let mut count = 0;
    for file in catalog.scripts() {
        let text = std::fs::read_to_string(&file.path).unwrap();
        for part in text.split("<expression value=\"").skip(1) {
            let raw = &part[..part.find('"').unwrap()];
            let expression = raw
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&apos;", "'");
            parse(&expression)
                .unwrap_or_else(|e| panic!("{}: {expression}: {e}", file.path.display()));
            count += 1;
        }
    }
    assert!(count > 500, "only {count} expressions found");
}
