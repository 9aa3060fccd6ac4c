//! Locating the reference data and running xmllint.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Returns the reference directory: `LSPPLUS_REFERENCE_DIR`, or `../shared/reference` next to the
/// workspace root.
pub fn reference_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("LSPPLUS_REFERENCE_DIR") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference")
}

/// Returns `reference/medmij/<relative>`.
pub fn medmij(relative: &str) -> PathBuf {
    reference_dir().join("medmij").join(relative)
}

/// Reads `reference/medmij/<relative>` as text.
pub fn read(relative: &str) -> String {
    let path = medmij(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Checks whether xmllint is available. Under `CI=true` a missing xmllint fails the test instead of
/// skipping the schema checks.
pub fn xmllint_available() -> bool {
    let found = Command::new("xmllint").arg("--version").output().is_ok();
    if !found && std::env::var("CI").as_deref() == Ok("true") {
        panic!("xmllint is required under CI=true (apt-get install libxml2-utils)");
    }
    if !found {
        eprintln!("xmllint not installed: skipping XSD validation");
    }
    found
}

/// Validates `xml` against `reference/medmij/<xsd>` with xmllint; returns xmllint's output on failure.
pub fn xsd_validate(xml: &str, xsd: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("list.xml");
    std::fs::write(&file, xml).unwrap();
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(medmij(xsd))
        .arg(&file)
        .output()
        .unwrap();
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}
