//! Fuzzes FHIR JSON parsing: whatever parses must serialize and parse again.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(resource) = fhir::Resource::from_json(text) {
        let json = resource.to_json();
        assert!(fhir::Resource::from_json(&json).is_ok(), "serialized JSON does not parse: {json}");
        let _ = resource.to_xml();
    }
});
