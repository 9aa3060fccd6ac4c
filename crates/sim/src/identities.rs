//! The certificates of the demo: which identity each service uses, issued by one demo CA.

use std::path::PathBuf;

use serde::Serialize;
use tls::Identity;
use tls::pki::{IdentityKind, TestPki};

use crate::DemoError;

/// An identity with the files it is stored in (PEM), for configurations that take paths.
#[derive(Debug, Clone, Serialize)]
pub struct IdentityFiles {
    /// Certificate chain file.
    pub cert: PathBuf,
    /// Private key file (PKCS#8).
    pub key: PathBuf,
    /// The loaded identity.
    #[serde(skip)]
    pub identity: Identity,
}

impl IdentityFiles {
    /// Issues (or loads) the identity `name` of `kind`.
    pub fn issue(pki: &TestPki, kind: IdentityKind, name: &str) -> Result<Self, DemoError> {
        let identity = pki.issue(kind, name)?;
        let (cert, key) = pki.identity_paths(kind, name);
        Ok(Self {
            cert,
            key,
            identity,
        })
    }
}

/// The identities the gateway needs to run against the simulators.
#[derive(Debug, Clone, Serialize)]
pub struct GatewayIdentities {
    /// Server certificate of the front channel (`lspplus.localhost`).
    pub front: IdentityFiles,
    /// Server certificate of the back channel (`lspplus.localhost`).
    pub back: IdentityFiles,
    /// Server certificate of the admin portal (`admin.lspplus.localhost`).
    pub admin: IdentityFiles,
    /// UZI server certificate, presented as client certificate to the LSP.
    pub uzi: IdentityFiles,
    /// RSA signing identity for WS-Security on AORTA messages.
    pub aorta_signing: IdentityFiles,
    /// RSA signing identity of the DigiD service provider (AuthnRequest, ArtifactResolve).
    pub saml_signing: IdentityFiles,
    /// Client certificate for the DigiD back channel.
    pub digid_client: IdentityFiles,
}

/// Everything the demo issues from the PKI. The gateway's names match `gateway::demo_setup`, so
/// both find the same files in a shared PKI directory.
#[derive(Debug, Clone)]
pub struct DemoIdentities {
    /// The gateway's identities.
    pub gateway: GatewayIdentities,
    /// Server certificate of the demo PGO web app.
    pub pgo_server: IdentityFiles,
    /// Client certificate of the demo PGO (`pgo.localhost`).
    pub pgo_client: IdentityFiles,
    /// Client certificate of the second PGO (`other-pgo.localhost`).
    pub other_pgo_client: IdentityFiles,
    /// Server certificate of the DigiD simulator (`digid.localhost`).
    pub digid_server: IdentityFiles,
    /// Signing identity of the DigiD simulator.
    pub digid_signing: IdentityFiles,
    /// Server certificate of the stelselnode.
    pub stelselnode: IdentityFiles,
    /// Server certificate of the LSP simulator.
    pub lsp: IdentityFiles,
    /// Signing identity of the LSP simulator's responses.
    pub lsp_signing: IdentityFiles,
}

impl DemoIdentities {
    /// Issues every identity, reusing the files already in the PKI directory.
    pub fn issue(pki: &TestPki) -> Result<Self, DemoError> {
        use IdentityKind::{Client, Server, Signing};
        Ok(Self {
            gateway: GatewayIdentities {
                front: IdentityFiles::issue(pki, Server, "lspplus.localhost")?,
                back: IdentityFiles::issue(pki, Server, "lspplus.localhost")?,
                admin: IdentityFiles::issue(pki, Server, "admin.lspplus.localhost")?,
                uzi: IdentityFiles::issue(pki, Server, "lspplus.localhost")?,
                aorta_signing: IdentityFiles::issue(pki, Signing, "lspplus.localhost")?,
                saml_signing: IdentityFiles::issue(pki, Signing, "lspplus.localhost")?,
                digid_client: IdentityFiles::issue(pki, Server, "lspplus.localhost")?,
            },
            pgo_server: IdentityFiles::issue(pki, Server, "pgo.localhost")?,
            pgo_client: IdentityFiles::issue(pki, Client, "pgo.localhost")?,
            other_pgo_client: IdentityFiles::issue(pki, Client, "other-pgo.localhost")?,
            digid_server: IdentityFiles::issue(pki, Server, "digid.localhost")?,
            digid_signing: IdentityFiles::issue(pki, Signing, "digid.localhost")?,
            stelselnode: IdentityFiles::issue(pki, Server, "stelselnode.localhost")?,
            lsp: IdentityFiles::issue(pki, Server, "lsp.localhost")?,
            lsp_signing: IdentityFiles::issue(pki, Signing, "lsp.localhost")?,
        })
    }
}
