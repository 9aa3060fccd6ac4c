//! Validation of the authorization request (front channel) and the redirects back to the client.
//!
//! The order of the checks follows RFC 6749 §4.1.2.1: until `client_id` and `redirect_uri` are known
//! to be valid, an error is shown on an error page and the browser is never redirected. After that,
//! errors go back to the client's `redirect_uri` with `error`, `error_description` and `state`.

use std::collections::BTreeSet;

use url::Url;

use crate::error::{ErrorDescription, OAuthError, OAuthFailure};
use crate::lists::{GegevensdienstId, Lists, OAuthClient};
use crate::scope::{self, ScopeError};

/// Maximum accepted `state` length in bytes. MedMij clients need at least 1 KB (MGO's state is an
/// encrypted token that grows with its URLs).
pub const MAX_STATE_BYTES: usize = 4096;

/// The query parameters of an authorization request, decoded.
///
/// Parameters sent without a value count as absent (RFC 6749 §3.1). Unknown parameters are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizeParams {
    /// `response_type`.
    pub response_type: Option<String>,
    /// `client_id`.
    pub client_id: Option<String>,
    /// `redirect_uri`.
    pub redirect_uri: Option<String>,
    /// `scope`, with `+` and `%20` already decoded to spaces.
    pub scope: Option<String>,
    /// `state`, decoded; it is returned byte for byte.
    pub state: Option<String>,
    /// `MedMij-Request-ID` from the query string or the header.
    pub medmij_request_id: Option<String>,
    /// `X-Correlation-ID` from the query string or the header.
    pub correlation_id: Option<String>,
    /// Names of the OAuth parameters that occurred more than once.
    pub repeated: Vec<String>,
}

impl AuthorizeParams {
    /// Decodes a raw query string (`application/x-www-form-urlencoded`, split at the first `=`).
    pub fn from_query(query: &str) -> Self {
        Self::from_pairs(
            url::form_urlencoded::parse(query.as_bytes())
                .map(|(name, value)| (name.into_owned(), value.into_owned())),
        )
    }

    /// Collects already decoded name/value pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut params = Self::default();
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "response_type" => &mut params.response_type,
                "client_id" => &mut params.client_id,
                "redirect_uri" => &mut params.redirect_uri,
                "scope" => &mut params.scope,
                "state" => &mut params.state,
                "MedMij-Request-ID" => &mut params.medmij_request_id,
                "X-Correlation-ID" => &mut params.correlation_id,
                _ => continue,
            };
            if value.is_empty() {
                continue;
            }
            if slot.is_some() {
                if !params.repeated.contains(&name) {
                    params.repeated.push(name);
                }
                continue;
            }
            *slot = Some(value);
        }
        params
    }

    /// Fills the MedMij ids from request headers where the query string had none (MedMij 2.1 and
    /// later send them as headers, 2.0 and MGO in the query string).
    pub fn with_header_ids(
        mut self,
        request_id: Option<&str>,
        correlation_id: Option<&str>,
    ) -> Self {
        if self.medmij_request_id.is_none() {
            self.medmij_request_id = request_id.filter(|v| !v.is_empty()).map(str::to_owned);
        }
        if self.correlation_id.is_none() {
            self.correlation_id = correlation_id.filter(|v| !v.is_empty()).map(str::to_owned);
        }
        self
    }

    fn is_repeated(&self, name: &str) -> bool {
        self.repeated.iter().any(|repeated| repeated == name)
    }
}

/// One aanbieder served by this authorization server and the gegevensdiensten it offers here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedAanbieder {
    /// The full MedMij name, `<naam>@medmij`.
    pub naam: String,
    /// The gegevensdiensten offered through this server.
    pub gegevensdiensten: BTreeSet<GegevensdienstId>,
}

/// The aanbieders this authorization server serves, as the gateway's configuration or store has them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderView {
    /// The aanbieders.
    pub aanbieders: Vec<OfferedAanbieder>,
}

impl ProviderView {
    /// Finds an aanbieder by its name without `@medmij`.
    pub fn find(&self, local_name: &str) -> Option<&OfferedAanbieder> {
        self.aanbieders
            .iter()
            .find(|aanbieder| aanbieder.naam.strip_suffix("@medmij") == Some(local_name))
    }
}

/// The reason an error page is shown instead of a redirect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoRedirectReason {
    /// No OAuth Client List is available, so no client can be validated.
    #[error("the OAuth Client List is not available")]
    ClientListUnavailable,
    /// `client_id` or `redirect_uri` occurs more than once.
    #[error("parameter {0} occurs more than once")]
    RepeatedParameter(String),
    /// `client_id` is missing.
    #[error("client_id is missing")]
    MissingClientId,
    /// `client_id` is not a Hostname on the OAuth Client List.
    #[error("client_id is not on the OAuth Client List")]
    UnknownClient,
    /// `redirect_uri` is missing.
    #[error("redirect_uri is missing")]
    MissingRedirectUri,
    /// `redirect_uri` is not an absolute URI.
    #[error("redirect_uri is not an absolute URI")]
    InvalidRedirectUri,
    /// `redirect_uri` does not use https.
    #[error("redirect_uri does not use https")]
    RedirectUriNotHttps,
    /// `redirect_uri` has a fragment, which RFC 6749 §3.1.2 forbids.
    #[error("redirect_uri has a fragment")]
    RedirectUriHasFragment,
    /// `redirect_uri` carries a user name or password.
    #[error("redirect_uri contains user information")]
    RedirectUriHasUserinfo,
    /// The host of `redirect_uri` differs from the client's Hostname on the OCL.
    #[error("redirect_uri host does not match the client's host name")]
    RedirectUriHostMismatch,
}

impl NoRedirectReason {
    /// Returns a stable key for translations and metrics.
    pub fn key(&self) -> &'static str {
        match self {
            NoRedirectReason::ClientListUnavailable => "client-list-unavailable",
            NoRedirectReason::RepeatedParameter(_) => "repeated-parameter",
            NoRedirectReason::MissingClientId => "missing-client-id",
            NoRedirectReason::UnknownClient => "unknown-client",
            NoRedirectReason::MissingRedirectUri => "missing-redirect-uri",
            NoRedirectReason::InvalidRedirectUri => "invalid-redirect-uri",
            NoRedirectReason::RedirectUriNotHttps => "redirect-uri-not-https",
            NoRedirectReason::RedirectUriHasFragment => "redirect-uri-fragment",
            NoRedirectReason::RedirectUriHasUserinfo => "redirect-uri-userinfo",
            NoRedirectReason::RedirectUriHostMismatch => "redirect-uri-host-mismatch",
        }
    }
}

/// A rejected authorization request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizeError {
    /// Show an error page; never redirect, because the client or redirect URI is not trusted.
    #[error("authorization request rejected without redirect: {0}")]
    NoRedirect(NoRedirectReason),
    /// Redirect to the client with an OAuth error.
    #[error("authorization request rejected: {failure}")]
    Redirect {
        /// The error and its description.
        failure: OAuthFailure,
        /// The validated redirect URI.
        redirect_uri: Url,
        /// The client's `state`, when it sent one.
        state: Option<String>,
    },
}

impl AuthorizeError {
    /// Returns the redirect location for [`AuthorizeError::Redirect`].
    pub fn location(&self) -> Option<Url> {
        match self {
            AuthorizeError::NoRedirect(_) => None,
            AuthorizeError::Redirect {
                failure,
                redirect_uri,
                state,
            } => Some(error_redirect(redirect_uri, *failure, state.as_deref())),
        }
    }
}

/// A valid authorization request, ready to be kept in the server-side session.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidAuthorization {
    /// The client from the OCL (`client_id` = its Hostname).
    pub client: OAuthClient,
    /// The redirect URI exactly as received, for the comparison at the token endpoint.
    pub redirect_uri: String,
    /// The client's state, decoded, returned unchanged.
    pub state: String,
    /// The scope as received (decoded).
    pub scope: String,
    /// The aanbieder's full MedMij name.
    pub aanbieder: String,
    /// The requested gegevensdiensten: those named in the scope, or all offered for a bare name.
    pub gegevensdiensten: BTreeSet<GegevensdienstId>,
    /// `MedMij-Request-ID` of the request, if sent.
    pub medmij_request_id: Option<String>,
    /// `X-Correlation-ID` of the flow, if sent.
    pub correlation_id: Option<String>,
}

impl ValidAuthorization {
    /// Returns the parsed redirect URI.
    pub fn redirect_url(&self) -> Result<Url, url::ParseError> {
        Url::parse(&self.redirect_uri)
    }
}

/// Validates an authorization request against the OCL and the aanbieders served here.
pub fn validate(
    params: &AuthorizeParams,
    lists: &Lists,
    provider: &ProviderView,
) -> Result<ValidAuthorization, AuthorizeError> {
    let (client, redirect_url, redirect_uri) = validate_client(params, lists)?;
    let state = params.state.clone();
    let fail = |error: OAuthError, description: ErrorDescription| AuthorizeError::Redirect {
        failure: OAuthFailure::new(error, description),
        redirect_uri: redirect_url.clone(),
        state: state.clone(),
    };

    if !params.repeated.is_empty() {
        return Err(fail(
            OAuthError::InvalidRequest,
            ErrorDescription::RepeatedParameter,
        ));
    }
    match params.response_type.as_deref() {
        None => {
            return Err(fail(
                OAuthError::InvalidRequest,
                ErrorDescription::MissingResponseType,
            ));
        }
        Some("code") => {}
        Some(_) => {
            return Err(fail(
                OAuthError::UnsupportedResponseType,
                ErrorDescription::UnsupportedResponseType,
            ));
        }
    }
    let Some(state_value) = params.state.clone() else {
        return Err(fail(
            OAuthError::InvalidRequest,
            ErrorDescription::MissingState,
        ));
    };
    if state_value.len() > MAX_STATE_BYTES {
        // The state is not echoed: a client that sent an oversized one gets the error without it.
        return Err(AuthorizeError::Redirect {
            failure: OAuthFailure::new(OAuthError::InvalidRequest, ErrorDescription::StateTooLong),
            redirect_uri: redirect_url,
            state: None,
        });
    }
    let Some(scope_value) = params.scope.clone() else {
        return Err(fail(
            OAuthError::InvalidScope,
            ErrorDescription::MissingScope,
        ));
    };
    let scope = scope::parse(&scope_value).map_err(|error| match error {
        ScopeError::Empty => fail(OAuthError::InvalidScope, ErrorDescription::MissingScope),
        _ => fail(OAuthError::InvalidScope, ErrorDescription::MalformedScope),
    })?;
    let Some(offered) = provider.find(&scope.aanbieder) else {
        return Err(fail(
            OAuthError::InvalidScope,
            ErrorDescription::UnknownAanbieder,
        ));
    };
    let gegevensdiensten = match &scope.gegevensdiensten {
        None => offered.gegevensdiensten.clone(),
        Some(requested) => {
            if !requested.is_subset(&offered.gegevensdiensten) {
                return Err(fail(
                    OAuthError::InvalidScope,
                    ErrorDescription::GegevensdienstNotOffered,
                ));
            }
            requested.clone()
        }
    };
    if gegevensdiensten.is_empty() {
        return Err(fail(
            OAuthError::InvalidScope,
            ErrorDescription::GegevensdienstNotOffered,
        ));
    }

    Ok(ValidAuthorization {
        client,
        redirect_uri,
        state: state_value,
        scope: scope_value,
        aanbieder: offered.naam.clone(),
        gegevensdiensten,
        medmij_request_id: params.medmij_request_id.as_deref().and_then(normalize_uuid),
        correlation_id: params.correlation_id.as_deref().and_then(normalize_uuid),
    })
}

/// Checks `client_id` and `redirect_uri`; every failure here is a [`AuthorizeError::NoRedirect`].
fn validate_client(
    params: &AuthorizeParams,
    lists: &Lists,
) -> Result<(OAuthClient, Url, String), AuthorizeError> {
    let no_redirect = |reason| Err(AuthorizeError::NoRedirect(reason));
    for name in ["client_id", "redirect_uri"] {
        if params.is_repeated(name) {
            return no_redirect(NoRedirectReason::RepeatedParameter(name.to_owned()));
        }
    }

    let Some(ocl) = &lists.oauth_clients else {
        return no_redirect(NoRedirectReason::ClientListUnavailable);
    };
    let Some(client_id) = params.client_id.as_deref() else {
        return no_redirect(NoRedirectReason::MissingClientId);
    };
    let Some(client) = ocl.find(client_id) else {
        return no_redirect(NoRedirectReason::UnknownClient);
    };

    let Some(redirect_uri) = params.redirect_uri.as_deref() else {
        return no_redirect(NoRedirectReason::MissingRedirectUri);
    };
    let Ok(url) = Url::parse(redirect_uri) else {
        return no_redirect(NoRedirectReason::InvalidRedirectUri);
    };
    if url.scheme() != "https" {
        return no_redirect(NoRedirectReason::RedirectUriNotHttps);
    }
    if url.fragment().is_some() {
        return no_redirect(NoRedirectReason::RedirectUriHasFragment);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return no_redirect(NoRedirectReason::RedirectUriHasUserinfo);
    }

    // Compare the parsed host as a whole: a prefix or suffix match would let
    // `https://pgo.localhost.evil.example/` through.
    match url.host() {
        Some(url::Host::Domain(host)) if host == client.hostname => {}
        _ => return no_redirect(NoRedirectReason::RedirectUriHostMismatch),
    }
    Ok((client.clone(), url, redirect_uri.to_owned()))
}

/// Returns the UUID in lowercase hyphenated form, or `None` when `value` is not a UUID.
fn normalize_uuid(value: &str) -> Option<String> {
    uuid::Uuid::parse_str(value)
        .ok()
        .map(|id| id.hyphenated().to_string())
}

/// Builds the success redirect: `redirect_uri` with `code` and `state` added to its query.
pub fn code_redirect(redirect_uri: &Url, code: &str, state: &str) -> Url {
    let mut url = redirect_uri.clone();
    url.query_pairs_mut()
        .append_pair("code", code)
        .append_pair("state", state);
    url
}

/// Builds an error redirect with `error`, `error_description` and, when present, `state`.
pub fn error_redirect(redirect_uri: &Url, failure: OAuthFailure, state: Option<&str>) -> Url {
    let mut url = redirect_uri.clone();
    {
        let mut pairs = url.query_pairs_mut();
        pairs
            .append_pair("error", failure.error.as_str())
            .append_pair("error_description", failure.description.as_str());
        if let Some(state) = state {
            pairs.append_pair("state", state);
        }
    }
    url
}
