//! List parsing against the reference examples, writer output against the XSDs, and differential
//! checks that the Rust structure rules reject what xmllint rejects.

use medmij::lists::{
    AnyList, Gegevensdienstnamenlijst, KeepReason, ListCache, ListError, ListKind, ListUpdate,
    MedMijList, OAuthClientList, Whitelist, WhitelistShape, ZalRelease, Zorgaanbiederslijst,
    evaluate,
};
use time::macros::datetime;

use crate::support::{read, xmllint_available, xsd_validate};

const OCL_XSDS: [&str; 2] = [
    "afsprakenset-1.0/xsd/MedMij_OAuthclientlist.xsd",
    "afsprakenset-1.1/xsd/MedMij_OAuthclientlist.xsd",
];
const ZAL_XSDS: [&str; 2] = [
    "afsprakenset-1.0/xsd/MedMij_Zorgaanbiederslijst.xsd",
    "afsprakenset-1.1/xsd/MedMij_Zorgaanbiederslijst.xsd",
];
const WHITELIST_1_0_XSD: &str = "afsprakenset-1.0/xsd/MedMij_Whitelist.xsd";
const WHITELIST_XSDS: [&str; 2] = [
    "afsprakenset-1.1/xsd/MedMij_Whitelist.xsd",
    "afsprakenset-2/xsd/MedMij_Whitelist.xsd",
];
const GNL_XSD: &str = "afsprakenset-1.1/xsd/MedMij_Gegevensdienstnamenlijst.xsd";

/// Every example or fixture with a list, the schemas that its kind and shape validate against.
const EXAMPLES: [(&str, &[&str]); 12] = [
    (
        "afsprakenset-1.0/examples/MedMij_OAuthclientlist_example.xml",
        &OCL_XSDS,
    ),
    (
        "afsprakenset-1.1/examples/MedMij_OAuthclientlist_example.xml",
        &OCL_XSDS,
    ),
    ("fixtures/python-oauth/ocl.xml", &OCL_XSDS),
    (
        "afsprakenset-1.0/examples/MedMij_Zorgaanbiederslijst_example.xml",
        &ZAL_XSDS,
    ),
    (
        "afsprakenset-1.1/examples/MedMij_Zorgaanbiederslijst_example.xml",
        &ZAL_XSDS,
    ),
    ("fixtures/python-oauth/zal.xml", &ZAL_XSDS),
    ("fixtures/zorgdoc-python/zal_example_empty.xml", &ZAL_XSDS),
    (
        "afsprakenset-1.0/examples/MedMij_Whitelist_example.xml",
        &[WHITELIST_1_0_XSD],
    ),
    (
        "fixtures/zorgdoc-python/whitelist_example_single.xml",
        &[WHITELIST_1_0_XSD],
    ),
    (
        "afsprakenset-1.1/examples/MedMij_Whitelist_example.xml",
        &WHITELIST_XSDS,
    ),
    (
        "afsprakenset-2/fixtures/mgo-dvp-proxy/whitelist.xml",
        &WHITELIST_XSDS,
    ),
    (
        "afsprakenset-1.1/examples/MedMij_Gegevensdienstnamenlijst_example.xml",
        &[GNL_XSD],
    ),
];

#[test]
fn every_example_parses_and_round_trips() {
    for (path, _) in EXAMPLES {
        let xml = read(path);
        let list = AnyList::parse(&xml).unwrap_or_else(|e| panic!("{path}: {e}"));
        let written = list.to_xml();
        let reparsed = AnyList::parse(&written).unwrap_or_else(|e| panic!("{path} rewritten: {e}"));
        assert_eq!(list, reparsed, "{path}: round trip changed the list");
    }
}

#[test]
fn reference_examples_pass_xmllint() {
    if !xmllint_available() {
        return;
    }
    for (path, xsds) in EXAMPLES {
        for xsd in xsds {
            xsd_validate(&read(path), xsd).unwrap_or_else(|e| panic!("{path} vs {xsd}: {e}"));
        }
    }
}

#[test]
fn writer_output_passes_xmllint() {
    if !xmllint_available() {
        return;
    }
    for (path, xsds) in EXAMPLES {
        let written = AnyList::parse(&read(path)).unwrap().to_xml();
        for xsd in xsds {
            xsd_validate(&written, xsd)
                .unwrap_or_else(|e| panic!("{path} vs {xsd}: {e}\n{written}"));
        }
    }
}

#[test]
fn demo_lists_pass_xmllint() {
    let now = datetime!(2026-12-04 20:00:00.123 UTC);
    let ocl = OAuthClientList {
        tijdstempel: now,
        volgnummer: 1,
        clients: vec![
            medmij::lists::OAuthClient {
                hostname: "pgo.localhost".into(),
                organisatienaam: "Demo PGO & <Co>".into(),
            },
            medmij::lists::OAuthClient {
                hostname: "other-pgo.localhost".into(),
                organisatienaam: "Andere PGO".into(),
            },
        ],
    };
    let whitelist = Whitelist {
        shape: WhitelistShape::V1_1,
        tijdstempel: now,
        volgnummer: 7,
        hostnames: vec!["pgo.localhost".into(), "lspplus.localhost".into()],
    };
    let mut old_whitelist = whitelist.clone();
    old_whitelist.shape = WhitelistShape::V1_0;

    assert_eq!(OAuthClientList::parse(&ocl.to_xml()).unwrap(), ocl);
    assert_eq!(Whitelist::parse(&whitelist.to_xml()).unwrap(), whitelist);
    assert_eq!(
        Whitelist::parse(&old_whitelist.to_xml()).unwrap(),
        old_whitelist
    );
    if !xmllint_available() {
        return;
    }
    for xsd in OCL_XSDS {
        xsd_validate(&ocl.to_xml(), xsd).unwrap();
    }
    for xsd in WHITELIST_XSDS {
        xsd_validate(&whitelist.to_xml(), xsd).unwrap();
    }
    xsd_validate(&old_whitelist.to_xml(), WHITELIST_1_0_XSD).unwrap();
    assert!(xsd_validate(&old_whitelist.to_xml(), WHITELIST_XSDS[0]).is_err());
}

#[test]
fn whitelist_shapes_detected() {
    let old = Whitelist::parse(&read(
        "afsprakenset-1.0/examples/MedMij_Whitelist_example.xml",
    ))
    .unwrap();
    assert_eq!(old.shape, WhitelistShape::V1_0);
    assert_eq!(old.hostnames.len(), 8);
    assert!(old.contains("rcf-rso.nl"));
    let new = Whitelist::parse(&read(
        "afsprakenset-1.1/examples/MedMij_Whitelist_example.xml",
    ))
    .unwrap();
    assert_eq!(new.shape, WhitelistShape::V1_1);
    assert_eq!(new.volgnummer, 28654);
    assert!(new.contains("medmij.deenigeechtepgo.nl"));
    assert!(!new.contains("medmij.deenigeechtepgo.nl.evil.example"));
}

#[test]
fn header_values_exposed() {
    let ocl = OAuthClientList::parse(&read(
        "afsprakenset-1.1/examples/MedMij_OAuthclientlist_example.xml",
    ))
    .unwrap();
    assert_eq!(ocl.volgnummer(), 522);
    assert_eq!(ocl.tijdstempel(), datetime!(2018-04-16 11:41:59 UTC));
    assert_eq!(
        ocl.find("pgocluster68.personalhealthprovider.net")
            .unwrap()
            .organisatienaam,
        "Unstealth Health Midden-Nederland"
    );
    assert!(
        ocl.find("PGOCLUSTER68.personalhealthprovider.net")
            .is_none()
    );
    let gnl = Gegevensdienstnamenlijst::parse(&read(
        "afsprakenset-1.1/examples/MedMij_Gegevensdienstnamenlijst_example.xml",
    ))
    .unwrap();
    assert_eq!(gnl.volgnummer, 28800);
    assert_eq!(gnl.weergavenaam("6"), Some("Documenten"));
}

#[test]
fn release3_aanbiederslijst_parses() {
    let xml = read("afsprakenset-2/examples/MedMij_Zorgaanbiederslijst_example.9.3.xml");
    let zal = Zorgaanbiederslijst::parse(&xml).unwrap();
    assert_eq!(zal.release, ZalRelease::Release3);
    assert_eq!(zal.volgnummer, 9);
    assert_eq!(zal.tijdstempel, datetime!(2021-05-04 17:13:51 UTC));
    let umc = zal.find("umcharderwijk@medmij").unwrap();
    assert_eq!(umc.aanbiedertype, Some(medmij::lists::Aanbiedertype::Za));
    assert_eq!(umc.interfaceversies[0].id.as_deref(), Some("1.4.0"));
    let first = umc.gegevensdiensten().next().unwrap();
    assert_eq!(first.id.as_str(), "4");
    assert_eq!(first.abonneren.as_ref().unwrap().maximale_duur, 365);
    assert_eq!(Zorgaanbiederslijst::parse(&zal.to_xml()).unwrap(), zal);
}

#[test]
fn release3_accepts_dots_hyphens_ports_and_unknown_elements() {
    let xml = read("afsprakenset-2/examples/MedMij_Zorgaanbiederslijst_example.9.3.xml")
        .replacen("umcharderwijk@medmij", "test.huisarts-amsterdam@medmij", 1)
        .replacen(
            "https://medmij.za982.xisbridge.net/oauth/authorize",
            "https://lspplus.localhost:8440/oauth/authorize",
            1,
        )
        .replacen(
            "<Aanbiedertype>ZA</Aanbiedertype>",
            "<Aanbiedertype>ZA</Aanbiedertype><Toekomst>x</Toekomst>",
            1,
        );
    let zal = Zorgaanbiederslijst::parse(&xml).unwrap();
    assert!(zal.find("test.huisarts-amsterdam@medmij").is_some());
}

#[test]
fn release3_requires_paths() {
    let xml = read("afsprakenset-2/examples/MedMij_Zorgaanbiederslijst_example.9.3.xml");
    let cases = [
        xml.replacen("<Aanbiedertype>ZA</Aanbiedertype>", "", 1),
        xml.replacen(
            "<Aanbiedertype>ZA</Aanbiedertype>",
            "<Aanbiedertype>XX</Aanbiedertype>",
            1,
        ),
        xml.replacen("<InterfaceversieId>1.4.0</InterfaceversieId>", "", 1),
        xml.replacen(
            "https://medmij.xisbridge.net/oauth/token",
            "http://medmij.xisbridge.net/oauth/token",
            1,
        ),
        xml.replacen("umcharderwijk@medmij", "umcharderwijk", 1),
        xml.replacen("<Volgnummer>9</Volgnummer>", "", 1),
    ];
    for (index, case) in cases.iter().enumerate() {
        assert!(
            Zorgaanbiederslijst::parse(case).is_err(),
            "case {index} was accepted"
        );
    }
}

#[test]
fn koppellijst_is_unknown_root() {
    let xml = read("afsprakenset-2/examples/MedMij_Zorgaanbiederskoppellijst_example.5.1.xml");
    assert!(matches!(
        AnyList::parse(&xml),
        Err(ListError::UnknownRoot { .. })
    ));
}

#[test]
fn dtd_and_wrong_kind_rejected() {
    let ocl = read("afsprakenset-1.1/examples/MedMij_OAuthclientlist_example.xml");
    let with_dtd = ocl.replacen(
        "<!--File version: 2-->",
        "<!DOCTYPE OAuthclientlist [<!ENTITY x \"y\">]>",
        1,
    );
    assert_eq!(
        OAuthClientList::parse(&with_dtd),
        Err(ListError::DtdNotAllowed)
    );
    let empty_dtd = ocl.replacen("<!--File version: 2-->", "<!DOCTYPE OAuthclientlist>", 1);
    assert_eq!(
        OAuthClientList::parse(&empty_dtd),
        Err(ListError::DtdNotAllowed)
    );
    assert_eq!(
        Whitelist::parse(&ocl),
        Err(ListError::WrongKind {
            expected: ListKind::Whitelist,
            found: ListKind::OAuthClientList
        })
    );
    assert!(matches!(
        OAuthClientList::parse("<OAuthclientlist/>"),
        Err(ListError::UnknownRoot { .. })
    ));
    assert!(matches!(
        OAuthClientList::parse("<a"),
        Err(ListError::Xml(_))
    ));
}

/// Mutations of valid 1.1 documents: (base example, xsd, from, to). Both the Rust rules and xmllint
/// must reject each result.
const INVALID_MUTATIONS: [(&str, &str, &str, &str); 22] = [
    (
        "OAuthclientlist",
        OCL_XSDS[1],
        "<OAuthclient>",
        "<OAuthclient id=\"1\">",
    ),
    (
        "Whitelist",
        WHITELIST_XSDS[1],
        "<Hostname>medmij.deenigeechtepgo.nl",
        "<Hostname x:a=\"1\" xmlns:x=\"urn:x\">medmij.deenigeechtepgo.nl",
    ),
    (
        "OAuthclientlist",
        OCL_XSDS[1],
        "<Hostname>medmij.deenigeechtepgo.nl",
        "<Hostname>Medmij.deenigeechtepgo.nl",
    ),
    (
        "OAuthclientlist",
        OCL_XSDS[1],
        "<Hostname>medmij.deenigeechtepgo.nl",
        "<Hostname>medmij.deenigeechtepgo.nl:443",
    ),
    (
        "OAuthclientlist",
        OCL_XSDS[1],
        "<Hostname>medmij.deenigeechtepgo.nl",
        "<Hostname>localhost",
    ),
    (
        "OAuthclientlist",
        OCL_XSDS[1],
        "<Hostname>pgocluster68.personalhealthprovider.net",
        "<Hostname>medmij.deenigeechtepgo.nl",
    ),
    (
        "OAuthclientlist",
        OCL_XSDS[1],
        ">De Enige Echte PGO<",
        ">PG<",
    ),
    (
        "OAuthclientlist",
        OCL_XSDS[1],
        ">De Enige Echte PGO<",
        ">De Enige Echte PGO met een naam die te lang is voor de lijst<",
    ),
    (
        "OAuthclientlist",
        OCL_XSDS[1],
        "<Volgnummer>522</Volgnummer>",
        "",
    ),
    (
        "OAuthclientlist",
        OCL_XSDS[1],
        "<Volgnummer>522</Volgnummer>",
        "<Volgnummer>0</Volgnummer>",
    ),
    (
        "OAuthclientlist",
        OCL_XSDS[1],
        "</OAuthclients>",
        "</OAuthclients><Extra/>",
    ),
    (
        "OAuthclientlist",
        OCL_XSDS[1],
        "<OAuthclient>",
        "<OAuthclient>tekst",
    ),
    (
        "OAuthclientlist",
        OCL_XSDS[1],
        "<OAuthclient>",
        "<OAuthclient><x:Hostname xmlns:x=\"urn:other\">a.bc</x:Hostname>",
    ),
    (
        "OAuthclientlist",
        OCL_XSDS[1],
        "<Tijdstempel>2018-04-16T11:41:59Z</Tijdstempel>\n    <Volgnummer>522</Volgnummer>",
        "<Volgnummer>522</Volgnummer><Tijdstempel>2018-04-16T11:41:59Z</Tijdstempel>",
    ),
    (
        "Whitelist",
        WHITELIST_XSDS[1],
        "<Hostname>medmij.deenigeechtepgo.nl</Hostname>",
        "medmij.deenigeechtepgo.nl",
    ),
    (
        "Whitelist",
        WHITELIST_XSDS[1],
        "<Hostname>medmij.deenigeechtepgo.nl</Hostname>",
        "<Hostname>medmij.deenigeechtepgo.nl</Hostname><Hostname>a.bc</Hostname>",
    ),
    (
        "Zorgaanbiederslijst",
        ZAL_XSDS[1],
        "umcharderwijk@medmij",
        "umc-harderwijk@medmij",
    ),
    (
        "Zorgaanbiederslijst",
        ZAL_XSDS[1],
        "https://medmij.za982.xisbridge.net/oauth/authorize",
        "https://medmij.za982.xisbridge.net:8440/oauth/authorize",
    ),
    (
        "Zorgaanbiederslijst",
        ZAL_XSDS[1],
        "https://medmij.xisbridge.net/oauth/token",
        "https://medmij.xisbridge.net/oauth/token?x=1",
    ),
    (
        "Zorgaanbiederslijst",
        ZAL_XSDS[1],
        "<Systeemrolcode>LAB-1.0.0-LRB-FHIR",
        "<Systeemrolcode>LAB-1.0.0-LRB-FHIR-0123456789-abcd",
    ),
    (
        "Zorgaanbiederslijst",
        ZAL_XSDS[1],
        "<GegevensdienstId>6</GegevensdienstId>",
        "<GegevensdienstId>4</GegevensdienstId>",
    ),
    (
        "Gegevensdienstnamenlijst",
        GNL_XSD,
        "<Weergavenaam>Documenten</Weergavenaam>",
        "<Weergavenaam>Do</Weergavenaam>",
    ),
];

fn base_example(root: &str) -> String {
    let file = match root {
        "OAuthclientlist" => "MedMij_OAuthclientlist_example.xml",
        "Whitelist" => "MedMij_Whitelist_example.xml",
        "Zorgaanbiederslijst" => "MedMij_Zorgaanbiederslijst_example.xml",
        _ => "MedMij_Gegevensdienstnamenlijst_example.xml",
    };
    read(&format!("afsprakenset-1.1/examples/{file}"))
}

#[test]
fn invalid_mutations_rejected_like_xmllint() {
    let lint = xmllint_available();
    for (index, (root, xsd, from, to)) in INVALID_MUTATIONS.iter().enumerate() {
        let base = base_example(root);
        assert!(base.contains(from), "mutation {index}: {from:?} not found");
        let mutated = base.replacen(from, to, 1);
        let result = AnyList::parse(&mutated);
        assert!(
            result.is_err(),
            "mutation {index} accepted by the parser: {to:?}"
        );
        if lint {
            assert!(
                xsd_validate(&mutated, xsd).is_err(),
                "mutation {index} accepted by xmllint"
            );
        }
    }
}

#[test]
fn harmless_changes_accepted_like_xmllint() {
    let lint = xmllint_available();
    let cases = [
        (
            "OAuthclientlist",
            OCL_XSDS[1],
            "<OAuthclient>",
            "<OAuthclient><!-- comment -->",
        ),
        (
            "OAuthclientlist",
            OCL_XSDS[1],
            "<Volgnummer>522</Volgnummer>",
            "<Volgnummer> 523 </Volgnummer>",
        ),
        (
            "OAuthclientlist",
            OCL_XSDS[1],
            ">De Enige Echte PGO<",
            ">De &amp; Echte PGO<",
        ),
        (
            "Zorgaanbiederslijst",
            ZAL_XSDS[1],
            "https://78834.umcharderwijk.nl:8099/oauth/token",
            "https://78834.umcharderwijk.nl:1/oauth/token",
        ),
    ];
    for (index, (root, xsd, from, to)) in cases.iter().enumerate() {
        let mutated = base_example(root).replacen(from, to, 1);
        assert!(
            AnyList::parse(&mutated).is_ok(),
            "case {index} rejected by the parser"
        );
        if lint {
            xsd_validate(&mutated, xsd).unwrap_or_else(|e| panic!("case {index}: {e}"));
        }
    }
}

#[test]
fn cache_accepts_only_higher_volgnummer() {
    let xml = read("afsprakenset-1.1/examples/MedMij_OAuthclientlist_example.xml");
    let newer = xml.replacen("<Volgnummer>522", "<Volgnummer>523", 1);
    let broken = newer.replacen("<Hostname>medmij", "<Hostname>MEDMIJ", 1);
    let t0 = datetime!(2026-12-04 10:00 UTC);

    let first = evaluate::<OAuthClientList>(None, &xml);
    assert!(matches!(first, ListUpdate::Accept(ref list) if list.volgnummer == 522));

    let mut cache = ListCache::<OAuthClientList>::default();
    assert!(cache.is_stale(t0, time::Duration::minutes(15)));
    assert_eq!(cache.offer(&xml, t0).unwrap().volgnummer, 522);
    assert_eq!(
        cache.offer(&xml, t0).unwrap_err(),
        KeepReason::NotNewer {
            current: 522,
            offered: 522
        }
    );
    let older = xml.replacen("<Volgnummer>522", "<Volgnummer>521", 1);
    assert_eq!(
        cache.offer(&older, t0).unwrap_err(),
        KeepReason::NotNewer {
            current: 522,
            offered: 521
        }
    );
    assert!(matches!(
        cache.offer(&broken, t0),
        Err(KeepReason::Invalid(_))
    ));
    assert_eq!(cache.current().unwrap().volgnummer, 522);

    let later = t0 + time::Duration::minutes(16);
    assert!(cache.is_stale(later, time::Duration::minutes(15)));
    assert_eq!(cache.offer(&newer, later).unwrap().volgnummer, 523);
    assert!(!cache.is_stale(later, time::Duration::minutes(15)));
}

#[test]
fn truncated_documents_rejected_without_panic() {
    for (path, _) in EXAMPLES {
        let xml = read(path);
        let end = xml.trim_end().len();
        for cut in (0..end).filter(|cut| xml.is_char_boundary(*cut)).step_by(3) {
            let result = AnyList::parse(&xml[..cut]);
            assert!(result.is_err(), "{path} cut at {cut} was accepted");
        }
    }
}
