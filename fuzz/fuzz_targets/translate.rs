//! Fuzzes the HL7v3 to FHIR translation and the Bundle serializations of its result.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ctx = translate::Context::new("https://lspplus.localhost:8441/fhir/fuzz/49");
    if let Ok(translation) = translate::translate(text, &ctx) {
        let bundle = translation.to_bundle(&ctx, "https://lspplus.localhost:8441/fhir/fuzz/49/EpisodeOfCare");
        let _ = bundle.to_json();
        let _ = bundle.to_xml();
    }
});
