//! Tests of the compact tree: agreement with roxmltree on every reference XML file, and the
//! errors for malformed and hostile text.

use super::*;

const LIMIT: u32 = 1_000_000;

fn parse(text: &str) -> Result<Document<'_>, Error> {
    Document::parse(text, LIMIT)
}

#[test]
fn names_namespaces_attributes_and_text() {
    let text = r#"<?xml version="1.0"?>
<!-- before -->
<s:Envelope xmlns:s="urn:soap" xmlns="urn:hl7-org:v3" xmlns:x="urn:x">
  <Body a="1" x:b="2">
    <code value="A &amp; B"/>
    <text>line one&#10;line &lt;two&gt;</text>
    <empty/>
  </Body>
</s:Envelope>"#;

    let doc = parse(text).unwrap();

    let root = doc.root_element();
    assert!(root.has_tag_name(("urn:soap", "Envelope")));
    assert!(!root.has_tag_name(("urn:hl7-org:v3", "Envelope")));
    let body = root.first_child().unwrap();
    assert_eq!(body.tag_name().namespace(), Some("urn:hl7-org:v3"));
    assert_eq!(body.attribute("a"), Some("1"));
    assert_eq!(body.attribute("b"), None);
    assert_eq!(body.attribute(("urn:x", "b")), Some("2"));
    let names: Vec<&str> = body.children().map(|n| n.tag_name().name()).collect();
    assert_eq!(names, ["code", "text", "empty"]);
    let code = body.first_child().unwrap();
    assert_eq!(code.attribute("value"), Some("A & B"));
    let text_element = code.next_sibling().unwrap();
    assert_eq!(text_element.text(), Some("line one\nline <two>"));
    assert_eq!(text_element.parent(), Some(body));
    assert_eq!(root.descendants().filter(Node::is_element).count(), 5);
}

#[test]
fn ranges_cover_the_element_markup() {
    let text = r#"<a><p:b xmlns:p="urn:p">x</p:b><c/></a>"#;

    let doc = parse(text).unwrap();

    let b = doc.root_element().first_child().unwrap();
    assert_eq!(&text[b.range()], r#"<p:b xmlns:p="urn:p">x</p:b>"#);
    let c = b.next_sibling().unwrap();
    assert_eq!(&text[c.range()], "<c/>");
    assert_eq!(doc.root_element().range(), 0..text.len());
}

#[test]
fn descendants_stop_at_the_end_of_the_subtree() {
    let doc = parse("<a><b><c/><d/></b><e><f/></e></a>").unwrap();

    let b = doc.root_element().first_child().unwrap();
    let below_b: Vec<&str> = b.descendants().map(|n| n.tag_name().name()).collect();
    let e = b.next_sibling().unwrap();
    let up_from_f: Vec<&str> = e
        .first_child()
        .unwrap()
        .ancestors()
        .map(|n| n.tag_name().name())
        .collect();

    assert_eq!(below_b, ["b", "c", "d"]);
    assert_eq!(up_from_f, ["f", "e", "a"]);
}

#[test]
fn blank_text_between_tags_dropped() {
    let doc = parse("<a>\n  <b> x <!-- c --> y </b>\n  <c><![CDATA[ <z> ]]></c>\r\n</a>").unwrap();

    let a = doc.root_element();
    let kinds: Vec<bool> = a.children().map(|n| n.is_element()).collect();
    let b = a.first_child().unwrap();
    let c = b.next_sibling().unwrap();

    assert_eq!(kinds, [true, true]);
    assert_eq!(b.text(), Some(" x  y "));
    assert_eq!(c.text(), Some(" <z> "));
}

#[test]
fn attribute_values_are_normalised() {
    let doc = parse("<a v=\"one\ttwo\r\nthree&#10;\" w='&quot;q&apos;'/>").unwrap();

    let a = doc.root_element();

    assert_eq!(a.attribute("v"), Some("one two three\n"));
    assert_eq!(a.attribute("w"), Some("\"q'"));
}

#[test]
fn namespaces_in_scope_follow_redeclarations() {
    let doc = parse(r#"<a xmlns="urn:1" xmlns:p="urn:p"><b xmlns="urn:2"/></a>"#).unwrap();

    let b = doc.root_element().first_child().unwrap();
    let scope: Vec<(Option<String>, String)> = b
        .namespaces()
        .iter()
        .map(|ns| (ns.name().map(str::to_owned), ns.uri().to_owned()))
        .collect();

    assert_eq!(
        scope,
        [
            (Some("p".to_owned()), "urn:p".to_owned()),
            (None, "urn:2".to_owned())
        ]
    );
}

/// Tells whether an error is the one a case expects.
type Expectation = fn(&Error) -> bool;

#[test]
fn malformed_text_gives_typed_errors_with_paths() {
    let cases: [(&str, Expectation); 11] = [
        (
            "<a><b></a>",
            |e| matches!(e, Error::MismatchedEnd { path, .. } if path == "/a/b"),
        ),
        (
            "<a><b>",
            |e| matches!(e, Error::Unclosed { path } if path == "/a/b"),
        ),
        ("<a/></a>", |e| matches!(e, Error::UnmatchedEnd { .. })),
        ("<a/><b/>", |e| matches!(e, Error::SecondRoot { .. })),
        ("x<a/>", |e| matches!(e, Error::TextOutsideRoot { .. })),
        ("", |e| matches!(e, Error::NoRoot)),
        (
            "<a><p:b/></a>",
            |e| matches!(e, Error::UnboundPrefix { prefix, path } if prefix == "p" && path.starts_with("/a")),
        ),
        (
            "<a>&ent;</a>",
            |e| matches!(e, Error::UnknownReference { name, path } if name == "ent" && path == "/a"),
        ),
        ("<a v='&#0;'/>", |e| {
            matches!(e, Error::UnknownReference { .. })
        }),
        ("<a v='1' v='2'/>", |e| matches!(e, Error::Attribute { .. })),
        (
            r#"<a xmlns:p="urn:x" xmlns:q="urn:x" p:v="1" q:v="2"/>"#,
            |e| matches!(e, Error::Attribute { .. }),
        ),
    ];

    for (text, expected) in cases {
        let error = parse(text).unwrap_err();
        assert!(expected(&error), "{text}: {error:?}");
    }
}

#[test]
fn dtds_are_refused() {
    let text = r#"<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>"#;

    assert_eq!(parse(text).unwrap_err(), Error::Dtd);
}

#[test]
fn syntax_errors_carry_a_position() {
    let error = parse("<a>\n  <b></b></a").unwrap_err();

    let Error::Syntax { pos, .. } = error else {
        panic!("expected a syntax error, got {error:?}")
    };
    assert_eq!(pos.line, 2);
}

#[test]
fn syntax_errors_name_the_open_element() {
    let error = parse("<a>\n  <b c=></b></a>").unwrap_err();

    assert!(
        matches!(&error, Error::Syntax { path, .. } if path == "/a"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "malformed XML at 2:8 in /a: attribute value is not quoted"
    );
}

#[test]
fn node_limit_counts_attributes() {
    let text = format!(
        "<a {}/>",
        (0..20).map(|i| format!("v{i}='x' ")).collect::<String>()
    );

    let error = Document::parse(&text, 10).unwrap_err();

    assert_eq!(error, Error::TooManyNodes { limit: 10 });
}

/// Resolves the shared reference directory as the project rules describe.
pub(super) fn reference_dir() -> std::path::PathBuf {
    match std::env::var_os("LSPPLUS_REFERENCE_DIR") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference"),
    }
}

pub(super) fn xml_files(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            xml_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "xml" || e == "xsd") {
            found.push(path);
        }
    }
}

/// Every XML file of the reference set reads the same as with roxmltree: names, namespaces,
/// attributes and the text that is not whitespace between tags.
#[test]
fn reference_files_read_as_with_roxmltree() {
    let dir = reference_dir();
    if !dir.is_dir() {
        assert!(
            std::env::var("CI").is_err(),
            "reference folder {} is missing",
            dir.display()
        );
        eprintln!("skipped: reference folder {} is missing", dir.display());
        return;
    }
    let mut files = Vec::new();
    xml_files(&dir, &mut files);
    assert!(
        files.len() > 100,
        "only {} XML files under {}",
        files.len(),
        dir.display()
    );

    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let theirs = roxmltree::Document::parse(&text);
        let ours = parse(&text);
        match (theirs, ours) {
            (Ok(theirs), Ok(ours)) => {
                let compared =
                    super::differential_tests::compare(theirs.root_element(), ours.root_element());
                assert_eq!(compared, Ok(()), "{}", file.display());
            }
            (Err(_), Err(_)) => {}
            (theirs, ours) => panic!(
                "{}: roxmltree {:?}, here {:?}",
                file.display(),
                theirs.err(),
                ours.err()
            ),
        }
    }
    eprintln!("{} reference XML files read alike", files.len());
}

#[test]
fn depth_limit_names_the_path() {
    let text = "<a><b><c><d/></c></b></a>";

    let error = Document::parse_nested(text, LIMIT, 3).unwrap_err();

    assert_eq!(
        error,
        Error::TooDeep {
            limit: 3,
            path: "/a/b/c".to_owned()
        }
    );
    assert!(Document::parse_nested(text, LIMIT, 4).is_ok());
}

#[test]
fn value_specials_found_at_every_position() {
    for special in ["\t", "\n", "\r", "&amp;", "&#233;"] {
        for at in 0..20 {
            let value = format!("{}{special}{}", "x".repeat(at), "é".repeat(3));
            let text = format!("<a v=\"{value}\"/>");

            let doc = parse(&text).unwrap();

            let expected = match special {
                "&amp;" => "&",
                "&#233;" => "é",
                _ => " ",
            };
            let read = doc.root_element().attribute("v").unwrap();
            assert_eq!(read, format!("{}{expected}ééé", "x".repeat(at)), "{text:?}");
        }
    }
}

/// The tree of each Ketenzorg example takes less heap than the example's text, which keeps a
/// translation under six times the answer's size.
#[test]
fn ketenzorg_trees_smaller_than_their_text() {
    let dir = reference_dir().join("hl7v3/ketenzorg-3.0.2/hl7v3_instance");
    if !dir.is_dir() {
        assert!(std::env::var("CI").is_err(), "{} is missing", dir.display());
        eprintln!("skipped: {} is missing", dir.display());
        return;
    }
    let mut files = Vec::new();
    xml_files(&dir, &mut files);
    assert_eq!(files.len(), 18, "Ketenzorg examples in {}", dir.display());

    let mut largest = 0.0_f64;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let doc = crate::read::parse(&text).unwrap();

        let ratio = doc.heap_bytes() as f64 / text.len() as f64;
        assert!(ratio < 1.0, "{}: tree {ratio:.2}x its text", file.display());
        largest = largest.max(ratio);
    }
    eprintln!("largest tree: {largest:.2}x its text");
}

#[test]
fn blank_after_reference_kept() {
    let doc = parse("<a>&amp;  <b/>\n  <c/></a>").unwrap();

    let a = doc.root_element();
    let first = a.first_child().unwrap();
    let kinds: Vec<bool> = a.children().map(|n| n.is_element()).collect();

    assert_eq!(first.text(), Some("&  "));
    assert_eq!(kinds, [false, true, true]);
}
