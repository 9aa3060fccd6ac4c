//! Translates every Ketenzorg 3.0.2 example answer and compares it with the Nictiz reference
//! Bundle. Known, deliberate deviations are listed in `tests/deviations.txt`; any other difference
//! fails the test. `GOLDEN_ONLY=<part of a file name>` limits the run to matching examples.

use std::path::PathBuf;

use fhir::{Resource, compare_resources};
use translate::{Context, translate};

const BASE_URL: &str = "https://example.org/fhir";

/// Returns the reference folder, or `None` (after printing why) when it is absent outside CI.
fn reference_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("LSPPLUS_REFERENCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference")
        });
    if dir.join("hl7v3/ketenzorg-3.0.2").is_dir() {
        return Some(dir);
    }
    let message = format!(
        "reference folder {} not found; set LSPPLUS_REFERENCE_DIR",
        dir.display()
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{message}");
    }
    eprintln!("skipping golden test: {message}");
    None
}

/// Returns the deviations file: one `file<TAB>path prefix<TAB>reason` per line.
fn deviations() -> Vec<(String, String)> {
    let text = include_str!("../deviations.txt");
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let mut parts = line.split('\t');
            Some((parts.next()?.to_owned(), parts.next()?.to_owned()))
        })
        .collect()
}

#[test]
fn golden_reference_examples() {
    let Some(dir) = reference_dir() else { return };
    let inputs = dir.join("hl7v3/ketenzorg-3.0.2/hl7v3_instance");
    let outputs = dir.join("hl7v3/ketenzorg-3.0.2/fhir_stu3_output");
    let allowed = deviations();
    let mut names: Vec<String> = std::fs::read_dir(&inputs)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".xml"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 18, "expected the 18 Ketenzorg 3.0.2 examples");
    let only = std::env::var("GOLDEN_ONLY").ok();
    let (mut agreeing, mut total, mut unexplained) = (0, 0, Vec::new());
    for name in names
        .iter()
        .filter(|n| only.as_deref().is_none_or(|o| n.contains(o)))
    {
        let input = std::fs::read_to_string(inputs.join(name)).unwrap();
        let expected =
            Resource::from_xml(&std::fs::read_to_string(outputs.join(name)).unwrap()).unwrap();
        let ctx = Context::new(BASE_URL);
        let actual = match translate(&input, &ctx) {
            Ok(translation) => translation.to_bundle(&ctx, "https://example.org/fhir/search"),
            Err(error) => {
                println!("{name}: translation failed: {error}");
                unexplained.push(format!("{name}: {error}"));
                continue;
            }
        };
        let comparison = compare_resources(&actual, &expected);
        agreeing += comparison.agreeing;
        total += comparison.expected_leaves;
        let open: Vec<_> = comparison
            .differences
            .iter()
            .filter(|d| {
                !allowed
                    .iter()
                    .any(|(file, prefix)| file == name && d.path.starts_with(prefix.as_str()))
            })
            .collect();
        println!(
            "{name}: {}/{} expected elements agree, {} differences ({} not listed as deviations)",
            comparison.agreeing,
            comparison.expected_leaves,
            comparison.differences.len(),
            open.len()
        );
        for difference in &open {
            println!("    {difference}");
            unexplained.push(format!("{name}: {difference}"));
        }
    }
    println!("total: {agreeing}/{total} expected elements agree");
    if std::env::var("GOLDEN_STRICT").as_deref() == Ok("1") {
        assert!(
            unexplained.is_empty(),
            "{} unexplained differences",
            unexplained.len()
        );
    }
}

#[test]
fn separate_answers_translate_together() {
    let Some(dir) = reference_dir() else { return };
    let inputs = dir.join("hl7v3/ketenzorg-3.0.2/hl7v3_instance");
    let encounters =
        std::fs::read_to_string(inputs.join("contactmomenten_PRPA_IN900350NL_01.xml")).unwrap();
    let journal =
        std::fs::read_to_string(inputs.join("contactverslag_REPC_IN990101NL_01.xml")).unwrap();
    let ctx = Context::new(BASE_URL);
    let translation = translate::translate_all(&[&journal, &encounters], &ctx).unwrap();
    let compositions: Vec<_> = translation
        .resources
        .iter()
        .filter(|r| r.resource_type() == "Composition")
        .collect();
    assert_eq!(compositions.len(), 2);
    for composition in compositions {
        let encounter = composition.element.child("encounter").unwrap();
        let target = encounter.child_value("reference").unwrap();
        assert!(target.starts_with("Encounter/"), "{target}");
    }
    let matches = translation
        .modes
        .iter()
        .filter(|m| **m == translate::SearchMode::Match)
        .count();
    assert_eq!(
        matches, 2,
        "only the Compositions match; encounters are context"
    );
}

#[test]
fn medication_agreements_carry_copy_indicator_and_instructions() {
    let Some(dir) = reference_dir() else { return };
    let input = std::fs::read_to_string(
        dir.join("hl7v3/ketenzorg-3.0.2/hl7v3_instance/medicatieafspraken_Kwalificatie.xml"),
    )
    .unwrap();
    let translation = translate(&input, &Context::new(BASE_URL)).unwrap();
    let requests: Vec<_> = translation
        .resources
        .iter()
        .filter(|r| r.resource_type() == "MedicationRequest")
        .collect();
    assert_eq!(requests.len(), 7);
    for request in &requests {
        let copy = request
            .element
            .children_named("extension")
            .find(|e| {
                e.url()
                    == Some(
                        "http://nictiz.nl/fhir/StructureDefinition/zib-Medication-CopyIndicator",
                    )
            })
            .expect("copy indicator");
        assert_eq!(copy.child_value("valueBoolean"), Some("false"));
    }
    let instructions: Vec<_> = requests
        .iter()
        .flat_map(|r| r.element.children_named("dosageInstruction"))
        .filter_map(|d| d.child("additionalInstruction"))
        .filter_map(|i| i.child("coding"))
        .filter_map(|c| c.child_value("code"))
        .collect();
    assert_eq!(instructions, ["1137"]);
}
