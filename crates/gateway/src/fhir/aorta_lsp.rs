//! The [`Lsp`] port on top of `aorta::Client`, with the mapping of AORTA errors to [`LspError`].

use std::sync::Arc;

use aorta::AortaError;
use common::Bsn;
use futures::future::BoxFuture;
use hl7v3::Interaction;
use time::Date;

use super::ports::{HisTarget, Lsp, LspError};

/// Sends the FHIR router's queries through the AORTA client (signed SOAP over mutual TLS).
#[derive(Clone)]
pub struct AortaLsp(pub Arc<aorta::Client>);

impl Lsp for AortaLsp {
    fn query<'a>(
        &'a self,
        his: &'a HisTarget,
        interaction: Interaction,
        bsn: &'a Bsn,
        period: Option<(Date, Option<Date>)>,
        correlation_id: &'a str,
    ) -> BoxFuture<'a, Result<String, LspError>> {
        Box::pin(async move {
            let target = aorta::HisTarget {
                app_id: his.app_id.clone(),
                name: his.name.clone(),
            };
            self.0
                .query(&target, interaction, bsn, period, correlation_id)
                .await
                .map(|answer| answer.xml)
                .map_err(lsp_error)
        })
    }
}

/// Maps an AORTA client error to the FHIR router's LSP error.
pub fn lsp_error(error: AortaError) -> LspError {
    match error {
        AortaError::NoStore => LspError::Code("NOSTORE".to_owned()),
        AortaError::DestinationTimeout => LspError::Code("RTEDEST".to_owned()),
        AortaError::UnknownDestination => LspError::Code("RTUDEST".to_owned()),
        AortaError::NotRegistered => LspError::Code("KEY204".to_owned()),
        AortaError::QueryAborted => LspError::Code("QABRTITI".to_owned()),
        AortaError::SyntaxError => LspError::Code("SYN105".to_owned()),
        AortaError::Unauthorized(code) | AortaError::Lsp(code) => LspError::Code(code),
        AortaError::NotFound => LspError::NotFound,
        AortaError::Timeout => LspError::Timeout,
        AortaError::CircuitOpen => LspError::CircuitOpen,
        AortaError::WrongPatient | AortaError::WrongMessage => {
            LspError::Mismatch(error.to_string())
        }
        other => LspError::Failed(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsp_codes_survive_mapping() {
        for code in [
            "NOSTORE",
            "RTEDEST",
            "RTUDEST",
            "KEY204",
            "QABRTITI",
            "SYN105",
            "AUTERR_SWV_FALSE",
            "XYZ123",
        ] {
            assert_eq!(
                lsp_error(AortaError::from_lsp_code(code)),
                LspError::Code(code.to_owned())
            );
        }
    }

    #[test]
    fn other_failures_map_by_kind() {
        assert_eq!(lsp_error(AortaError::NotFound), LspError::NotFound);
        assert_eq!(lsp_error(AortaError::Timeout), LspError::Timeout);
        assert_eq!(lsp_error(AortaError::CircuitOpen), LspError::CircuitOpen);
        assert!(matches!(
            lsp_error(AortaError::WrongPatient),
            LspError::Mismatch(_)
        ));
        assert!(matches!(
            lsp_error(AortaError::Http(500)),
            LspError::Failed(_)
        ));
    }
}
