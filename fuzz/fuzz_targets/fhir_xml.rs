//! Fuzzes FHIR XML parsing: whatever parses must serialize and parse again.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(resource) = fhir::Resource::from_xml(text) {
        let xml = resource.to_xml();
        assert!(fhir::Resource::from_xml(&xml).is_ok(), "serialized XML does not parse: {xml}");
        let _ = resource.to_json();
    }
});
