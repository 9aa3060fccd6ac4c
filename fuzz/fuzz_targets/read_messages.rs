//! Fuzzes AORTA answer reading: parsing with limits, unwrapping wrappers and reading wrapper facts.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(doc) = hl7v3::read::parse(text) else { return };
    if let Ok(messages) = hl7v3::read::messages(&doc) {
        for message in messages {
            let _ = message.patient_bsns();
            let _ = message.subjects();
            let _ = message.is_error();
        }
    }
});
