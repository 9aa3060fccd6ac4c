//! Hand-written hostile and odd texts: each gives a tree or a typed error, quickly, and the
//! outcome asserted is the one expected.

use std::time::{Duration, Instant};

use super::*;
use crate::read::{MAX_NODES, ReadError};

/// The maximum time for one parse: more than any case here takes in a debug build, and far less
/// than the minutes that the cases growing with the square of their size took before.
const QUICK: Duration = Duration::from_secs(20);

fn parse_within(text: &str, limit: u32) -> Result<Document<'_>, Error> {
    let start = Instant::now();
    let result = Document::parse(text, limit);
    let took = start.elapsed();
    assert!(took < QUICK, "{} bytes took {took:?}", text.len());
    result
}

fn parse(text: &str) -> Result<Document<'_>, Error> {
    parse_within(text, MAX_NODES)
}

fn syntax_message(text: &str) -> String {
    match parse(text) {
        Err(Error::Syntax { message, .. }) => message,
        other => panic!("{text:?}: expected a syntax error, got {other:?}"),
    }
}

fn attribute_message(text: &str) -> String {
    match parse(text) {
        Err(Error::Attribute { message, .. }) => message,
        other => panic!("{text:?}: expected an attribute error, got {other:?}"),
    }
}

fn root_text(text: &str) -> String {
    let doc = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
    doc.root_element().text().unwrap_or_default().to_owned()
}

#[test]
fn unclosed_markup_is_syntax_error() {
    let cases = [
        ("<a><!-- x", "comment is not closed with '-->'"),
        ("<a><!--", "comment is not closed with '-->'"),
        ("<a><!-->", "comment is not closed with '-->'"),
        ("<a><![CDATA[x]]", "CDATA section is not closed with ']]>'"),
        (
            "<a><?pi x",
            "processing instruction is not closed with '?>'",
        ),
        (
            "<?xml version='1.0'",
            "processing instruction is not closed with '?>'",
        ),
    ];

    for (text, message) in cases {
        assert_eq!(syntax_message(text), message, "{text:?}");
    }
}

#[test]
fn doctype_rejected_anywhere() {
    let cases = [
        "<!DOCTYPE a><a/>",
        "<!doctype a><a/>",
        "<!DocType a><a/>",
        "\u{feff}<?xml version='1.0'?>\n<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>",
        "<a><!DOCTYPE a></a>",
        "<a/><!DOCTYPE a>",
        "<!DOCTYPE",
        "<!ENTITY e 'x'><a>&e;</a>",
        "<a><!entity e 'x'></a>",
    ];

    for text in cases {
        assert_eq!(parse(text).unwrap_err(), Error::Dtd, "{text:?}");
        assert!(matches!(crate::read::parse(text), Err(ReadError::Dtd)));
    }
    assert_eq!(syntax_message("<!DOCTYP"), "unknown markup declaration");
}

#[test]
fn truncated_markup_is_syntax_error() {
    let cases = [
        ("<", "'<' is not followed by a name"),
        ("<a", "start tag is not closed before the end of the text"),
        ("<a/", "'/' is not followed by '>'"),
        ("<a b='1'/", "'/' is not followed by '>'"),
        ("<a b", "attribute name is not followed by '='"),
        ("<a b=", "attribute value is not quoted"),
        ("<a b='1", "attribute value is not closed"),
        ("<a></a", "end tag is not closed with '>'"),
        ("</a", "end tag is not closed with '>'"),
        ("<a>&#x41", "'&' does not start a reference ending in ';'"),
        ("<a/ >", "'/' is not followed by '>'"),
    ];

    for (text, message) in cases {
        assert_eq!(syntax_message(text), message, "{text:?}");
    }
    assert!(matches!(parse("<a>"), Err(Error::Unclosed { path }) if path == "/a"));
    for text in ["", " \r\n", "\u{feff}", "<!-- only -->", "<?pi?>"] {
        assert_eq!(parse(text).unwrap_err(), Error::NoRoot, "{text:?}");
    }
}

#[test]
fn references_complete_and_xml_chars() {
    let cases = [
        ("<a>&</a>", "&"),
        ("<a>&amp</a>", "&amp"),
        ("<a>&lt x;</a>", "&lt x;"),
    ];
    for (text, what) in cases {
        let error = parse(text).unwrap_err();
        assert!(
            matches!(
                &error,
                Error::Syntax { .. } | Error::UnknownReference { .. }
            ),
            "{what}: {error:?}"
        );
    }
    // The reference ends within 64 bytes or not at all.
    let long = format!("<a>&{};</a>", "x".repeat(100));
    assert_eq!(
        syntax_message(&long),
        "'&' does not start a reference ending in ';'"
    );

    let rejected = [
        "#xD800",
        "#xDFFF",
        "#x110000",
        "#xFFFE",
        "#xFFFF",
        "#0",
        "#x0",
        "#1",
        "#x+41",
        "#+65",
        "#-65",
        "#X41",
        "#x",
        "#",
        "#x 41",
        "#65 ",
        "nbsp",
        "Amp",
        "#99999999999999999999",
    ];
    for name in rejected {
        for text in [format!("<a>&{name};</a>"), format!("<a b='&{name};'/>")] {
            let error = parse(&text).unwrap_err();
            assert!(
                matches!(&error, Error::UnknownReference { name: found, .. } if found == name),
                "{text:?}: {error:?}"
            );
        }
    }
    assert!(matches!(
        parse("<a b='&amp'/>"),
        Err(Error::UnknownReference { .. })
    ));

    let accepted = [
        ("#x41", "A"),
        ("#65", "A"),
        ("#x0000041", "A"),
        ("#x1F600", "\u{1F600}"),
        ("#xFFFD", "\u{FFFD}"),
        ("#x9", "\t"),
        ("#13", "\r"),
        ("quot", "\""),
    ];
    for (name, expected) in accepted {
        assert_eq!(root_text(&format!("<a>&{name};</a>")), expected, "{name}");
    }
}

#[test]
fn byte_order_mark_only_at_start() {
    assert!(parse("\u{feff}<a/>").is_ok());
    assert!(parse("\u{feff}<?xml version='1.0'?>\n<a/>").is_ok());
    assert!(matches!(
        parse("\u{feff}\u{feff}<a/>"),
        Err(Error::TextOutsideRoot { .. })
    ));
    assert_eq!(root_text("<a>\u{feff}</a>"), "\u{feff}");
}

#[test]
fn names_must_be_qualified() {
    let elements = [
        "<a:b:c xmlns:a='urn:a'/>",
        "<:a/>",
        "<a: xmlns:a='urn:a'/>",
        "<p:-a xmlns:p='urn:p'/>",
        "<p:1a xmlns:p='urn:p'/>",
        "<p:.a xmlns:p='urn:p'/>",
    ];
    for text in elements {
        assert!(
            syntax_message(text).ends_with("is not a qualified name"),
            "{text:?}"
        );
    }
    for text in ["<1a/>", "<-a/>", "<.a/>", "< a/>", "<\t/>"] {
        assert_eq!(
            syntax_message(text),
            "'<' is not followed by a name",
            "{text:?}"
        );
    }
    let attributes = [
        "<a b:='1' xmlns:b='urn:b'/>",
        "<a :b='1'/>",
        "<a p:b:c='1' xmlns:p='urn:p'/>",
        "<a xmlns:='urn:x'/>",
        "<a xmlns:p:q='urn:x'/>",
    ];
    for text in attributes {
        assert!(
            attribute_message(text).ends_with("is not a qualified name"),
            "{text:?}"
        );
    }

    // Characters beyond ASCII are taken as name characters without looking closer.
    let doc = parse("<\u{e9}t\u{e9} a\u{d7}='1'><a-b.c_d/></\u{e9}t\u{e9}>").unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "\u{e9}t\u{e9}");
    assert_eq!(root.attribute("a\u{d7}"), Some("1"));
}

#[test]
fn line_ends_normalised_everywhere() {
    assert_eq!(root_text("<a>1\r\n2\r3\n4</a>"), "1\n2\n3\n4");
    assert_eq!(root_text("<a><![CDATA[1\r\n2\r3]]></a>"), "1\n2\n3");
    assert_eq!(root_text("<a>1\r<!-- c -->\n2</a>"), "1\n\n2");
    // A carriage return from a reference stays one.
    assert_eq!(root_text("<a>&#13;\r\n&#xD;</a>"), "\r\n\r");
    assert_eq!(root_text("<a>&lt;\r</a>"), "<\n");

    let doc = parse("<a v='1\r\n2\r3\n4\t5&#13;&#10;&#9;6'/>").unwrap();

    assert_eq!(doc.root_element().attribute("v"), Some("1 2 3 4 5\r\n\t6"));
}

#[test]
fn attributes_and_declarations_unique() {
    let duplicates = [
        "<a b='1' b='2'/>",
        "<a xmlns:p='urn:x' xmlns:q='urn:x' p:v='1' q:v='2'/>",
        "<a xmlns='urn:1' xmlns='urn:2'/>",
        "<a xmlns:p='urn:1' xmlns:p='urn:2'/>",
    ];
    for text in duplicates {
        let message = attribute_message(text);
        assert!(
            message.ends_with("appears twice") || message.ends_with("is declared twice"),
            "{text:?}: {message}"
        );
    }

    // Same local name in different namespaces, and a prefix declared again further down.
    let text = "<a v='1' p:v='2' xmlns:p='urn:p'><p:b xmlns:p='urn:q' p:v='3'/><p:c/></a>";
    let doc = parse(text).unwrap();
    let a = doc.root_element();
    let b = a.first_child().unwrap();
    let c = b.next_sibling().unwrap();
    assert_eq!(a.attribute("v"), Some("1"));
    assert_eq!(a.attribute(("urn:p", "v")), Some("2"));
    assert_eq!(b.tag_name().namespace(), Some("urn:q"));
    assert_eq!(b.attribute(("urn:q", "v")), Some("3"));
    assert_eq!(c.tag_name().namespace(), Some("urn:p"));
}

#[test]
fn prefix_scope_restored_many_bindings() {
    // More bindings than the tree looks through one by one, declared again below the root.
    let declarations: String = (0..40).map(|i| format!(" xmlns:p{i}='urn:{i}'")).collect();
    let text = format!(
        "<p0:a{declarations}><p1:b xmlns:p1='urn:other' xmlns='urn:default'><p1:c/><d/></p1:b>\
         <p1:e/><f/><p39:g/></p0:a>"
    );

    let doc = parse(&text).unwrap();

    let namespaces: Vec<(&str, Option<&str>)> = doc
        .descendants()
        .map(|n| (n.tag_name().name(), n.tag_name().namespace()))
        .collect();
    assert_eq!(
        namespaces,
        [
            ("a", Some("urn:0")),
            ("b", Some("urn:other")),
            ("c", Some("urn:other")),
            ("d", Some("urn:default")),
            ("e", Some("urn:1")),
            ("f", None),
            ("g", Some("urn:39")),
        ]
    );
    assert!(matches!(
        parse(&format!("<a{declarations}><b xmlns:q='urn:q'/><q:c/></a>")),
        Err(Error::UnboundPrefix { prefix, .. }) if prefix == "q"
    ));
}

#[test]
fn reserved_namespace_declarations_rejected() {
    let rejected = [
        (
            "<a xmlns:p=''/>",
            "cannot be bound to an empty namespace name",
        ),
        (
            "<a xmlns:xml='urn:other'/>",
            "must be bound to the xml namespace",
        ),
        (
            "<a xmlns:p='http://www.w3.org/XML/1998/namespace'/>",
            "cannot be bound to the xml namespace",
        ),
        (
            "<a xmlns='http://www.w3.org/XML/1998/namespace'/>",
            "cannot be bound to the xml namespace",
        ),
        ("<a xmlns:xmlns='urn:x'/>", "cannot be declared"),
        (
            "<a xmlns:p='http://www.w3.org/2000/xmlns/'/>",
            "cannot be bound to the xmlns namespace",
        ),
    ];
    for (text, problem) in rejected {
        let message = attribute_message(text);
        assert!(message.ends_with(problem), "{text:?}: {message}");
    }

    let doc = parse(
        "<a xmlns='urn:d' xmlns:xml='http://www.w3.org/XML/1998/namespace'>\
         <b xmlns='' xml:lang='nl'/></a>",
    )
    .unwrap();
    let b = doc.root_element().first_child().unwrap();
    assert_eq!(doc.root_element().tag_name().namespace(), Some("urn:d"));
    assert_eq!(b.tag_name().namespace(), None);
    assert_eq!(b.attribute((XML_NS, "lang")), Some("nl"));
}

#[test]
fn less_than_in_value_rejected() {
    assert_eq!(attribute_message("<a b='<'/>"), "a value contains '<'");
    assert_eq!(
        attribute_message("<a xmlns:p='urn:<'/>"),
        "a value contains '<'"
    );
    let doc = parse("<a b='>' c=\"'\" d='\"'/>").unwrap();
    let a = doc.root_element();
    assert_eq!(
        (a.attribute("b"), a.attribute("c"), a.attribute("d")),
        (Some(">"), Some("'"), Some("\""))
    );
}

#[test]
fn only_markup_surrounds_root() {
    assert!(parse(" \r\n<!-- c --><?pi?>\t<a/>\r\n<!-- c --> <?pi x?>\n").is_ok());
    for text in [
        "<a/>x",
        "<a/>&amp;",
        "<a/><![CDATA[]]>",
        "x<a/>",
        "&#32;<a/>",
    ] {
        assert!(
            matches!(parse(text), Err(Error::TextOutsideRoot { .. })),
            "{text:?}"
        );
    }
    assert!(matches!(parse("<a/><b/>"), Err(Error::SecondRoot { .. })));
    assert!(matches!(parse("<a/></a>"), Err(Error::UnmatchedEnd { .. })));
}

#[test]
fn forbidden_characters_rejected_everywhere() {
    let cases = [
        ("<a>\u{0}</a>", "U+0000"),
        ("<a b='\u{1}'/>", "U+0001"),
        ("<a><!-- \u{1b} --></a>", "U+001B"),
        ("<a><?pi \u{7}?></a>", "U+0007"),
        ("<a><![CDATA[\u{8}]]></a>", "U+0008"),
        ("\u{c}<a/>", "U+000C"),
        ("<a>\u{fffe}</a>", "U+FFFE"),
        ("<a>\u{ffff}</a>", "U+FFFF"),
    ];
    for (text, character) in cases {
        let message = syntax_message(text);
        assert_eq!(
            message,
            format!("character {character} is not allowed in XML"),
            "{text:?}"
        );
    }
    // Neighbours of the rejected ones, and the three control characters XML allows.
    let text = "<a>\t\n\r\u{7f}\u{85}\u{fffd}\u{f000}\u{efff}\u{1F600}</a>";
    assert_eq!(
        root_text(text),
        "\t\n\n\u{7f}\u{85}\u{fffd}\u{f000}\u{efff}\u{1F600}"
    );
}

#[test]
fn last_namespace_id_stays_unused() {
    // Ids 0 and 1 are no namespace and the xml namespace; 65,533 more fit.
    let declarations = |count: usize| -> String {
        (0..count)
            .map(|i| format!(" xmlns:p{i}='urn:{i}'"))
            .collect()
    };
    let local = "n".repeat(usize::from(u16::MAX));
    let text = format!("<p65532:{local}{}/>", declarations(65_533));

    let doc = parse(&text).unwrap();

    let root = doc.root_element();
    assert!(root.is_element());
    assert_eq!(root.tag_name().name(), local);
    assert_eq!(root.tag_name().namespace(), Some("urn:65532"));
    assert_eq!(
        parse(&format!("<a{}/>", declarations(65_534))).unwrap_err(),
        Error::TooBig
    );
}

#[test]
fn many_attributes_linear_and_bounded() {
    let attributes: String = (0..200_000).map(|i| format!(" a{i}=''")).collect();

    let text = format!("<a{attributes}/>");
    let doc = parse(&text).unwrap();

    assert_eq!(doc.root_element().attributes().count(), 200_000);
    let repeated = format!("<a{attributes} a199999='again'/>");
    assert!(attribute_message(&repeated).ends_with("appears twice"));
    // The start tag's attribute list stops at the limit, before any duplicate is looked for.
    let same = " a=''".repeat(3_000);
    assert_eq!(
        parse_within(&format!("<a{same}/>"), 1_000).unwrap_err(),
        Error::TooManyNodes { limit: 1_000 }
    );
    // The largest message of all-but-identical attributes stops at the limit too.
    let most = " a=''".repeat(crate::read::MAX_MESSAGE_BYTES / 5 - 1);
    assert!(matches!(
        crate::read::parse(&format!("<a{most}/>")),
        Err(ReadError::Xml(Error::TooManyNodes { limit: MAX_NODES }))
    ));
}

#[test]
fn many_declarations_read_linearly() {
    // In one tag.
    let declarations: String = (0..200_000).map(|i| format!(" xmlns:p{i}='u'")).collect();
    assert!(parse(&format!("<a{declarations}><p0:b/></a>")).is_ok());

    // One on each of many nested elements, under elements that look up the default namespace.
    let depth = 100_000;
    let nested = "<a xmlns:p='u'>".repeat(depth) + &"<b/>".repeat(depth) + &"</a>".repeat(depth);
    assert_eq!(parse(&nested).unwrap().descendants().count(), 2 * depth);

    // Many namespaces, then many elements that declare the last one again.
    let uris: String = (0..20_000)
        .map(|i| format!(" xmlns:p{i}='urn:{i}'"))
        .collect();
    let children = "<b xmlns='urn:19999'/>".repeat(200_000);
    let text = format!("<a{uris}>{children}</a>");
    let doc = parse(&text).unwrap();
    let last = doc.root_element().children().last().unwrap();
    assert_eq!(last.tag_name().namespace(), Some("urn:19999"));

    // Declarations count towards the node limit.
    assert_eq!(
        parse_within("<a xmlns:p='u' xmlns:q='u' xmlns:r='u'/>", 3).unwrap_err(),
        Error::TooManyNodes { limit: 3 }
    );
}

#[test]
fn deep_nesting_and_floods_bounded() {
    let deep = "<a>".repeat(3_000_000);
    assert_eq!(
        parse(&deep).unwrap_err(),
        Error::TooManyNodes { limit: MAX_NODES }
    );

    let comments = format!("<a>{}</a>", "<!---->".repeat(3_000_000));
    assert_eq!(parse(&comments).unwrap().descendants().count(), 1);

    let instructions = format!("<a>{}x</a>", "<?p?>".repeat(3_000_000));
    assert_eq!(root_text(&instructions), "x");

    let references = format!("<a>{}</a>", "&amp;".repeat(3_000_000));
    assert_eq!(root_text(&references).len(), 3_000_000);
}

/// Counts a subtree by walking the child links, as a check on `descendants`.
fn walked_size(node: Node) -> usize {
    1 + node.children().map(walked_size).sum::<usize>()
}

#[test]
fn subtree_sizes_counted_without_walking() {
    let depth = 200_000;
    let nested = "<r>".repeat(depth) + &"</r>".repeat(depth);
    let doc = parse(&nested).unwrap();
    let start = Instant::now();

    let total: usize = doc.descendants().map(|n| n.descendants().count()).sum();

    assert_eq!(total, depth * (depth + 1) / 2);
    assert!(start.elapsed() < QUICK, "{:?}", start.elapsed());

    let text = "<a>x<b><c/>y<d><e/></d></b><f/>z<g>w</g></a>";
    let doc = parse(text).unwrap();
    for node in doc.descendants() {
        let walked: Vec<_> = node.descendants().map(|n| n.id()).collect();
        assert_eq!(node.descendants().count(), walked.len(), "{node:?}");
        assert_eq!(walked_size(node), walked.len(), "{node:?}");
        assert_eq!(node.descendants().len(), walked.len(), "{node:?}");
    }
    let last = doc.root_element().children().last().unwrap();
    assert_eq!(last.tag_name().name(), "g");
    assert!(last.next_sibling().is_none());
    assert!(doc.root_element().next_sibling().is_none());
}

#[test]
fn errors_short_for_huge_input() {
    let name = "n".repeat(1_000_000);
    let error = parse(&format!("<a></{name}>")).unwrap_err();
    assert!(
        matches!(&error, Error::MismatchedEnd { found, .. } if found.len() == 40),
        "{}",
        error.to_string().len()
    );
    let error = parse(&format!("<{name}:a/>")).unwrap_err();
    assert!(error.to_string().len() < 200, "{}", error.to_string().len());

    let depth = 100_000;
    let error = parse(&format!("{}</b>", "<a>".repeat(depth))).unwrap_err();
    let Error::MismatchedEnd { path, .. } = error else {
        panic!("expected a mismatched end tag, got {error:?}")
    };
    assert!(path.starts_with("/…/a/a"), "{}", &path[..20]);
    assert_eq!(path.matches('/').count(), 65);
}

#[test]
fn harmless_leniencies_accepted() {
    // roxmltree rejects these, but they change nothing that a reader of the tree gets.
    assert_eq!(root_text("<a>]]></a>"), "]]>");
    assert_eq!(root_text("<a><!-- a -- b -->x</a>"), "x");
    assert_eq!(root_text("<a><?xml version='1.0'?>x</a>"), "x");
    assert!(parse("<?xml version='1.0' encoding='UTF-16'?><a/>").is_ok());
    assert!(parse("<?xml version=1.0?><a/>").is_ok());
    // The xml prefix is bound everywhere, element names included.
    assert_eq!(
        parse("<xml:a/>")
            .unwrap()
            .root_element()
            .tag_name()
            .namespace(),
        Some(XML_NS)
    );
}

#[test]
fn read_parse_checks_size_first() {
    let text = " ".repeat(crate::read::MAX_MESSAGE_BYTES + 1);

    assert!(matches!(
        crate::read::parse(&text),
        Err(ReadError::TooLarge { .. })
    ));
}
