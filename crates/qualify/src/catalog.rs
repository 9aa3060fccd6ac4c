//! The qualification TestScripts on disk: where they are and which ones a run selects.

use std::path::{Path, PathBuf};

use crate::QualifyError;

/// The folders (under `reference/fhir/testscripts`) with the XIS-Server scripts of GP data 2.0
/// and PDF/A 3.0.
pub const SCRIPT_DIRS: [&str; 2] = [
    "GenPractData-2-0/output-Cert/XIS-Server",
    "PDFA-3-0/output-Cert/XIS-Server",
];

/// The qualification patients of the XIS-Server scripts, with their gegevensdienst: the scripts
/// name each patient in the variable `patient-token-<name>`.
pub const PATIENTS: [(&str, &str); 3] = [
    ("XXX_Cevat", "49"),
    ("XXX_Baltus", "51"),
    ("XXX_Schulte", "51"),
];

/// The scripts of each gegevensdienst, by name prefix.
pub const SCRIPT_PREFIXES: [(&str, &str); 2] =
    [("49", "medmij-gpdata-xis"), ("51", "medmij-pdfa-xis")];

/// Scripts for features lspplus does not offer (name prefix, reason). They still run, but a
/// DVZA that lacks the feature cannot pass them.
pub const NOT_OFFERED: [(&str, &str); 2] = [
    (
        "medmij-pdfa-xis-3-1-receive-1-document",
        "receiving documents from the patient is gegevensdienst 57, which lspplus does not offer",
    ),
    (
        "medmij-pdfa-xis-3-2-receive-2-documents",
        "receiving documents from the patient is gegevensdienst 57, which lspplus does not offer",
    ),
];

/// Returns why lspplus does not offer what the script `name` tests, if it is such a script.
pub fn not_offered(name: &str) -> Option<&'static str> {
    NOT_OFFERED
        .iter()
        .find(|(prefix, _)| name.starts_with(prefix))
        .map(|(_, reason)| *reason)
}

/// Returns the reference folder: `LSPPLUS_REFERENCE_DIR`, else `../shared/reference` next to the
/// workspace this crate was built in.
pub fn reference_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("LSPPLUS_REFERENCE_DIR") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference")
}

/// One TestScript file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptFile {
    /// The file.
    pub path: PathBuf,
    /// The file name without `.xml`, e.g. `medmij-gpdata-xis-1-1-serve-patient-json`.
    pub name: String,
}

impl ScriptFile {
    /// A script file at `path`.
    pub fn new(path: PathBuf) -> Self {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        ScriptFile { path, name }
    }

    /// `json` or `xml`, from the name suffix.
    pub fn format(&self) -> Option<&'static str> {
        if self.name.ends_with("-json") {
            Some("json")
        } else if self.name.ends_with("-xml") {
            Some("xml")
        } else {
            None
        }
    }
}

/// The XIS-Server scripts found under a testscripts folder, sorted by name.
#[derive(Debug, Clone)]
pub struct Catalog {
    scripts: Vec<ScriptFile>,
}

impl Catalog {
    /// Lists the scripts under `testscripts_dir` (the folder holding `GenPractData-2-0` and
    /// `PDFA-3-0`).
    pub fn load(testscripts_dir: &Path) -> Result<Self, QualifyError> {
        let mut scripts = Vec::new();
        for dir in SCRIPT_DIRS {
            let dir = testscripts_dir.join(dir);
            let entries = std::fs::read_dir(&dir).map_err(|source| QualifyError::Read {
                path: dir.clone(),
                source,
            })?;
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "xml") {
                    scripts.push(ScriptFile::new(path));
                }
            }
        }
        scripts.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Catalog { scripts })
    }

    /// Every script.
    pub fn scripts(&self) -> &[ScriptFile] {
        &self.scripts
    }

    /// The scripts a run selects: every script when `names` is empty, else each name as an
    /// existing file path, an exact script name or a part of script names; `format` keeps only
    /// the `json` or `xml` variants.
    pub fn select(
        &self,
        names: &[String],
        format: Option<&str>,
    ) -> Result<Vec<ScriptFile>, QualifyError> {
        let mut selected: Vec<ScriptFile> = Vec::new();
        if names.is_empty() {
            selected.extend(self.scripts.iter().cloned());
        }
        for name in names {
            let path = Path::new(name);
            let matches: Vec<ScriptFile> = if path.is_file() {
                vec![ScriptFile::new(path.to_path_buf())]
            } else if let Some(exact) = self.scripts.iter().find(|s| s.name == *name) {
                vec![exact.clone()]
            } else {
                self.scripts
                    .iter()
                    .filter(|s| s.name.contains(name.as_str()))
                    .cloned()
                    .collect()
            };
            if matches.is_empty() {
                return Err(QualifyError::NoSuchScript(name.clone()));
            }
            for script in matches {
                if !selected.contains(&script) {
                    selected.push(script);
                }
            }
        }
        if let Some(format) = format {
            selected.retain(|s| s.format().is_none_or(|f| f == format));
        }
        Ok(selected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::load(&reference_dir().join("fhir/testscripts")).unwrap()
    }

    #[test]
    fn load_finds_all_xis_server_scripts() {
        let catalog = catalog();
        assert_eq!(catalog.scripts().len(), 14 + 24);
    }

    #[test]
    fn select_by_part_and_format() {
        let catalog = catalog();
        let gp_json = catalog.select(&["gpdata".into()], Some("json")).unwrap();
        assert_eq!(gp_json.len(), 7);
        assert!(gp_json.iter().all(|s| s.name.ends_with("-json")));
        let one = catalog
            .select(&["medmij-gpdata-xis-1-1-serve-patient-xml".into()], None)
            .unwrap();
        assert_eq!(one.len(), 1);
        assert!(catalog.select(&["no-such-script".into()], None).is_err());
    }
}
