//! Atomic file creation and the combined certificate-and-key files of the PKI directory.

use std::io::Write;
use std::path::Path;

use super::{PkiError, io_error, key_decodes};

/// Writes `contents` to a fresh temporary file next to `path` and returns its path.
fn write_temp(path: &Path, contents: &str, secret: bool) -> Result<std::path::PathBuf, PkiError> {
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("pki");
    let temp = path.with_file_name(format!(
        ".{file_name}.{}.tmp",
        uuid::Uuid::new_v4().simple()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file = options
        .open(&temp)
        .map_err(|source| io_error(&temp, source))?;
    file.write_all(contents.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|source| io_error(&temp, source))?;
    Ok(temp)
}

/// Creates `path` with `contents` unless it exists already (another process won the race);
/// the file appears complete or not at all.
pub(super) fn create_exclusive(path: &Path, contents: &str) -> Result<(), PkiError> {
    let temp = write_temp(path, contents, true)?;
    let linked = std::fs::hard_link(&temp, path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(io_error(path, source)),
    }
}

/// Replaces `path` with `contents` atomically, unless it already holds exactly that.
pub(super) fn write_atomic(path: &Path, contents: &str, secret: bool) -> Result<(), PkiError> {
    if std::fs::read_to_string(path).is_ok_and(|current| current == contents) {
        return Ok(());
    }
    let temp = write_temp(path, contents, secret)?;
    std::fs::rename(&temp, path).map_err(|source| {
        let _ = std::fs::remove_file(&temp);
        io_error(path, source)
    })
}

/// Reads a combined file: the CERTIFICATE blocks first, then one PRIVATE KEY block.
pub(super) fn read_identity(path: &Path) -> Result<(String, String), PkiError> {
    let text = std::fs::read_to_string(path).map_err(|source| io_error(path, source))?;
    let damaged = || PkiError::Damaged {
        path: path.display().to_string(),
    };
    let split = text
        .find("-----BEGIN PRIVATE KEY-----")
        .ok_or_else(damaged)?;
    let (cert, key) = text.split_at(split);
    if !cert.contains("-----BEGIN CERTIFICATE-----") || !key_decodes(key) {
        return Err(damaged());
    }
    Ok((cert.to_owned(), key.to_owned()))
}
