//! Token endpoint requests and responses.

use std::collections::BTreeSet;

use time::Duration;

use crate::error::{ErrorDescription, OAuthError, OAuthFailure};
use crate::lists::GegevensdienstId;
use crate::scope::granted_scope;

/// Configuration switches of the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TokenOptions {
    /// Accept `grant_type=refresh_code` as an alias of `refresh_token` (MGO sends it). Default on.
    pub accept_refresh_code_alias: bool,
    /// Issue an unredeemable refresh token with one-off consents, because MGO rejects token
    /// responses without `refresh_token`. Default on.
    pub placeholder_refresh_for_one_off: bool,
}

impl Default for TokenOptions {
    fn default() -> Self {
        Self {
            accept_refresh_code_alias: true,
            placeholder_refresh_for_one_off: true,
        }
    }
}

/// A parsed token request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenRequest {
    /// `grant_type=authorization_code`.
    AuthorizationCode {
        /// The presented code.
        code: String,
        /// The redirect URI, which must equal the one of the authorization request.
        redirect_uri: String,
        /// The client.
        client_id: String,
    },
    /// `grant_type=refresh_token` (or the `refresh_code` alias).
    Refresh {
        /// The presented refresh token.
        refresh_token: String,
        /// The client.
        client_id: String,
        /// Whether the request used the non-standard `refresh_code` grant type.
        alias_used: bool,
    },
}

impl TokenRequest {
    /// Returns the client id of the request.
    pub fn client_id(&self) -> &str {
        match self {
            TokenRequest::AuthorizationCode { client_id, .. }
            | TokenRequest::Refresh { client_id, .. } => client_id,
        }
    }
}

/// Parses a form-encoded token request body (RFC 6749 §4.1.3, §6).
pub fn parse_request(body: &str, options: &TokenOptions) -> Result<TokenRequest, OAuthFailure> {
    let invalid = |description| OAuthFailure::new(OAuthError::InvalidRequest, description);
    let mut grant_type = None;
    let mut code = None;
    let mut redirect_uri = None;
    let mut client_id = None;
    let mut refresh_token = None;
    for (name, value) in url::form_urlencoded::parse(body.as_bytes()) {
        let slot = match name.as_ref() {
            "grant_type" => &mut grant_type,
            "code" => &mut code,
            "redirect_uri" => &mut redirect_uri,
            "client_id" => &mut client_id,
            "refresh_token" => &mut refresh_token,
            _ => continue,
        };
        if value.is_empty() {
            continue;
        }
        if slot.is_some() {
            return Err(invalid(ErrorDescription::RepeatedParameter));
        }
        *slot = Some(value.into_owned());
    }

    let grant_type = grant_type.ok_or(invalid(ErrorDescription::MissingGrantType))?;
    let alias_used = match grant_type.as_str() {
        "authorization_code" => {
            let code = code.ok_or(invalid(ErrorDescription::MissingCode))?;
            let redirect_uri = redirect_uri.ok_or(invalid(ErrorDescription::MissingRedirectUri))?;
            let client_id = client_id.ok_or(invalid(ErrorDescription::MissingClientId))?;
            return Ok(TokenRequest::AuthorizationCode {
                code,
                redirect_uri,
                client_id,
            });
        }
        "refresh_token" => false,
        "refresh_code" if options.accept_refresh_code_alias => true,
        _ => {
            return Err(OAuthFailure::new(
                OAuthError::UnsupportedGrantType,
                ErrorDescription::UnsupportedGrantType,
            ));
        }
    };
    let refresh_token = refresh_token.ok_or(invalid(ErrorDescription::MissingRefreshToken))?;
    let client_id = client_id.ok_or(invalid(ErrorDescription::MissingClientId))?;
    Ok(TokenRequest::Refresh {
        refresh_token,
        client_id,
        alias_used,
    })
}

/// Checks that the TLS client certificate belongs to `client_id`: one of its DNS names equals it.
pub fn client_matches_certificate(client_id: &str, certificate_dns_names: &[String]) -> bool {
    certificate_dns_names.iter().any(|name| name == client_id)
}

/// The JSON body of a successful token response.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// Always `bearer`.
    pub token_type: String,
    /// Lifetime of the access token in seconds, as a JSON integer.
    pub expires_in: i64,
    /// The granted GegevensdienstIds, ascending, separated by single spaces.
    pub scope: String,
    /// The refresh token, when one is issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

impl TokenResponse {
    /// Builds a response; an empty grant is refused, because a token must cover something.
    pub fn new(
        access_token: &str,
        lifetime: Duration,
        granted: &BTreeSet<GegevensdienstId>,
        refresh_token: Option<&str>,
    ) -> Result<Self, OAuthFailure> {
        if granted.is_empty() {
            return Err(OAuthFailure::new(
                OAuthError::InvalidGrant,
                ErrorDescription::NoSuchResources,
            ));
        }
        Ok(Self {
            access_token: access_token.to_owned(),
            token_type: "bearer".to_owned(),
            expires_in: lifetime.whole_seconds(),
            scope: granted_scope(granted),
            refresh_token: refresh_token.map(str::to_owned),
        })
    }

    /// Serializes the response.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_code_request() {
        let request = parse_request(
            "grant_type=authorization_code&code=abc&redirect_uri=https%3A%2F%2Fpgo.localhost%3A8442%2Fcallback&client_id=pgo.localhost&extra=1",
            &TokenOptions::default(),
        )
        .unwrap();
        assert_eq!(
            request,
            TokenRequest::AuthorizationCode {
                code: "abc".into(),
                redirect_uri: "https://pgo.localhost:8442/callback".into(),
                client_id: "pgo.localhost".into(),
            }
        );
    }

    #[test]
    fn missing_and_repeated_fields() {
        let options = TokenOptions::default();
        let cases = [
            (
                "code=a&redirect_uri=b&client_id=c",
                ErrorDescription::MissingGrantType,
            ),
            (
                "grant_type=authorization_code&redirect_uri=b&client_id=c",
                ErrorDescription::MissingCode,
            ),
            (
                "grant_type=authorization_code&code=a&client_id=c",
                ErrorDescription::MissingRedirectUri,
            ),
            (
                "grant_type=authorization_code&code=a&redirect_uri=b",
                ErrorDescription::MissingClientId,
            ),
            (
                "grant_type=authorization_code&code=a&code=b&redirect_uri=b&client_id=c",
                ErrorDescription::RepeatedParameter,
            ),
            (
                "grant_type=refresh_token&client_id=c",
                ErrorDescription::MissingRefreshToken,
            ),
        ];
        for (body, description) in cases {
            let failure = parse_request(body, &options).unwrap_err();
            assert_eq!(failure.error, OAuthError::InvalidRequest, "{body}");
            assert_eq!(failure.description, description, "{body}");
        }
        let failure = parse_request("grant_type=password&client_id=c", &options).unwrap_err();
        assert_eq!(failure.error, OAuthError::UnsupportedGrantType);
    }

    #[test]
    fn refresh_code_alias_behind_switch() {
        let body = "grant_type=refresh_code&refresh_token=r&client_id=pgo.localhost";
        let request = parse_request(body, &TokenOptions::default()).unwrap();
        assert_eq!(
            request,
            TokenRequest::Refresh {
                refresh_token: "r".into(),
                client_id: "pgo.localhost".into(),
                alias_used: true,
            }
        );
        let strict = TokenOptions {
            accept_refresh_code_alias: false,
            ..TokenOptions::default()
        };
        assert_eq!(
            parse_request(body, &strict).unwrap_err().error,
            OAuthError::UnsupportedGrantType
        );
        let standard = parse_request(
            "grant_type=refresh_token&refresh_token=r&client_id=c",
            &strict,
        )
        .unwrap();
        assert!(matches!(
            standard,
            TokenRequest::Refresh {
                alias_used: false,
                ..
            }
        ));
    }

    #[test]
    fn response_shape() {
        let granted: BTreeSet<GegevensdienstId> = ["51", "49"]
            .into_iter()
            .map(GegevensdienstId::from)
            .collect();
        let response =
            TokenResponse::new("at", Duration::minutes(15), &granted, Some("rt")).unwrap();
        assert_eq!(
            response.to_json(),
            r#"{"access_token":"at","token_type":"bearer","expires_in":900,"scope":"49 51","refresh_token":"rt"}"#
        );
        let without = TokenResponse::new("at", Duration::minutes(15), &granted, None).unwrap();
        assert!(!without.to_json().contains("refresh_token"));
        assert!(TokenResponse::new("at", Duration::minutes(15), &BTreeSet::new(), None).is_err());
    }

    #[test]
    fn certificate_names_match_client() {
        let names = vec!["localhost".to_owned(), "pgo.localhost".to_owned()];
        assert!(client_matches_certificate("pgo.localhost", &names));
        assert!(!client_matches_certificate("other-pgo.localhost", &names));
        assert!(!client_matches_certificate("pgo.localhost", &[]));
    }
}
