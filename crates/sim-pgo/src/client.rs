//! `PgoClient`: the whole MedMij flow as a PGO runs it, from the authorization request to FHIR
//! searches with the access token.

use std::time::Duration;

use reqwest::Client;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{PgoError, Step};
use crate::flow::{CallbackParams, ConsentChoice, FrontChannel};
use crate::html;

/// Timeout of each HTTP request the client makes.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The maximum length of a response excerpt in an error.
const EXCERPT: usize = 600;

/// How the PGO identifies itself.
#[derive(Debug, Clone)]
pub struct PgoConfig {
    /// The CA certificates (PEM) trusted for every server.
    pub roots_pem: String,
    /// The PGO's client certificate for the back channel (token and FHIR requests).
    pub identity: tls::Identity,
    /// The `client_id`: the PGO's hostname on the OAuth Client List.
    pub client_id: String,
    /// The absolute HTTPS redirect URI, e.g. `https://pgo.localhost:8442/callback`.
    pub redirect_uri: String,
    /// The `Accept-Language` sent on front-channel pages, e.g. `nl` or `en`.
    pub accept_language: String,
}

/// The DVZA endpoints of one zorgaanbieder and gegevensdienst, as listed in the Zorgaanbiederslijst.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    /// AuthorizationEndpointuri.
    pub authorization: String,
    /// TokenEndpointuri.
    pub token: String,
    /// ResourceEndpointuri: the FHIR base URL.
    pub fhir_base: String,
}

/// The values of one authorization request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    /// The full URL the browser is sent to.
    pub url: Url,
    /// The `state` parameter.
    pub state: String,
    /// The `X-Correlation-ID`, reused on the token and FHIR requests.
    pub correlation_id: String,
}

/// The token endpoint's JSON response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// The token type, `bearer`.
    pub token_type: String,
    /// Lifetime of the access token in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// The refresh token, with consent for an indefinite period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The granted GegevensdienstIds, separated by spaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// A completed flow: what the PGO needs to call the FHIR endpoint.
#[derive(Debug, Clone)]
pub struct Session {
    /// The token response.
    pub token: TokenResponse,
    /// The `X-Correlation-ID` of the flow.
    pub correlation_id: String,
    /// The FHIR base URL.
    pub fhir_base: String,
}

/// The FHIR serialization asked for with `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `application/fhir+json`.
    #[default]
    Json,
    /// `application/fhir+xml`.
    Xml,
}

impl Format {
    /// The media type sent in `Accept`.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/fhir+json",
            Format::Xml => "application/fhir+xml",
        }
    }
}

/// A successful FHIR response.
#[derive(Debug, Clone)]
pub struct FhirResponse {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: String,
    /// The body.
    pub body: Vec<u8>,
}

impl FhirResponse {
    /// Returns the body as text, replacing invalid UTF-8.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Builds the scope for a practice: `<name>~<id>` for one gegevensdienst, or the bare name (without
/// `@medmij`), which asks for every gegevensdienst the practice offers.
pub fn scope_for(practice: &str, gegevensdienst: Option<&str>) -> String {
    let name = practice.trim_end_matches("@medmij");
    match gegevensdienst {
        Some(id) => format!("{name}~{id}"),
        None => name.to_owned(),
    }
}

/// A PGO that runs the MedMij flow without a browser.
#[derive(Debug, Clone)]
pub struct PgoClient {
    config: PgoConfig,
    redirect_uri: Url,
    back: Client,
}

impl PgoClient {
    /// Creates the client; the back-channel connection presents `config.identity`.
    pub fn new(config: PgoConfig) -> Result<Self, PgoError> {
        let redirect_uri = Url::parse(&config.redirect_uri)
            .ok()
            .filter(|url| url.scheme() == "https")
            .ok_or_else(|| PgoError::InvalidInput {
                what: "redirect URI (an absolute https URL is required)",
                value: config.redirect_uri.clone(),
            })?;
        let back = tls::http_client_builder(&config.roots_pem, Some(&config.identity))?
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(tls::TlsError::from)?;
        Ok(Self {
            config,
            redirect_uri,
            back,
        })
    }

    /// Returns the configuration.
    pub fn config(&self) -> &PgoConfig {
        &self.config
    }

    /// Builds a front-channel client like a fresh browser: cookies on, no client certificate.
    pub fn browser(&self) -> Result<Client, PgoError> {
        Ok(tls::http_client_builder(&self.config.roots_pem, None)?
            .cookie_store(true)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(tls::TlsError::from)?)
    }

    /// Builds the authorization request with a new random `state`, `MedMij-Request-ID` and
    /// `X-Correlation-ID` (in the query string, as a browser redirect cannot carry headers).
    pub fn authorization_request(
        &self,
        authorization_endpoint: &str,
        scope: &str,
    ) -> Result<AuthorizationRequest, PgoError> {
        let mut url = Url::parse(authorization_endpoint).map_err(|_| PgoError::InvalidInput {
            what: "authorization endpoint",
            value: authorization_endpoint.to_owned(),
        })?;
        let state = uuid::Uuid::new_v4().simple().to_string();
        let correlation_id = uuid::Uuid::new_v4().to_string();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", self.redirect_uri.as_str())
            .append_pair("scope", scope)
            .append_pair("state", &state)
            .append_pair("MedMij-Request-ID", &uuid::Uuid::new_v4().to_string())
            .append_pair("X-Correlation-ID", &correlation_id);
        Ok(AuthorizationRequest {
            url,
            state,
            correlation_id,
        })
    }

    /// Runs the front channel for `request`: DVZA start page, DigiD login as `bsn`, consent, and
    /// returns the code from the redirect to the redirect URI (intercepted, no server needed).
    pub async fn authorize(
        &self,
        request: &AuthorizationRequest,
        bsn: &str,
        consent: ConsentChoice,
    ) -> Result<CallbackParams, PgoError> {
        let browser = self.browser()?;
        FrontChannel {
            redirect_uri: &self.redirect_uri,
            bsn,
            consent,
            state: &request.state,
            accept_language: &self.config.accept_language,
        }
        .run(&browser, request.url.clone())
        .await
    }

    /// Exchanges `code` at the token endpoint over mutual TLS.
    pub async fn exchange_code(
        &self,
        token_endpoint: &str,
        code: &str,
        correlation_id: &str,
    ) -> Result<TokenResponse, PgoError> {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("client_id", self.config.client_id.as_str()),
        ];
        self.token_request(token_endpoint, &form, correlation_id)
            .await
    }

    /// Gets a new access token with a refresh token (`grant_type=refresh_token`).
    pub async fn refresh(
        &self,
        token_endpoint: &str,
        refresh_token: &str,
        correlation_id: &str,
    ) -> Result<TokenResponse, PgoError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", self.config.client_id.as_str()),
        ];
        self.token_request(token_endpoint, &form, correlation_id)
            .await
    }

    async fn token_request(
        &self,
        token_endpoint: &str,
        form: &[(&str, &str)],
        correlation_id: &str,
    ) -> Result<TokenResponse, PgoError> {
        let step = Step::Token;
        let response = self
            .back
            .post(token_endpoint)
            .header("X-Correlation-ID", correlation_id)
            .header("MedMij-Request-ID", uuid::Uuid::new_v4().to_string())
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .map_err(|source| PgoError::Transport {
                step,
                url: token_endpoint.to_owned(),
                source,
            })?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(PgoError::Status {
                step,
                url: token_endpoint.to_owned(),
                status: status.as_u16(),
                received: cut(&body),
            });
        }
        serde_json::from_str(&body).map_err(|error| PgoError::Unexpected {
            step,
            problem: format!("the token response is not the expected JSON ({error})"),
            received: cut(&body),
        })
    }

    /// Runs the whole flow: authorization request, front channel, token exchange.
    pub async fn run_flow(
        &self,
        endpoints: &Endpoints,
        scope: &str,
        bsn: &str,
        consent: ConsentChoice,
    ) -> Result<Session, PgoError> {
        let request = self.authorization_request(&endpoints.authorization, scope)?;
        let callback = self.authorize(&request, bsn, consent).await?;
        let token = self
            .exchange_code(&endpoints.token, &callback.code, &request.correlation_id)
            .await?;
        Ok(Session {
            token,
            correlation_id: request.correlation_id,
            fhir_base: endpoints.fhir_base.clone(),
        })
    }

    /// Runs a FHIR search relative to the session's base URL, e.g. `EpisodeOfCare` or
    /// `Observation?code=...`; an absolute URL is requested as given.
    pub async fn search(
        &self,
        session: &Session,
        search: &str,
        format: Format,
    ) -> Result<FhirResponse, PgoError> {
        let url = if search.starts_with("https://") {
            search.to_owned()
        } else {
            format!(
                "{}/{}",
                session.fhir_base.trim_end_matches('/'),
                search.trim_start_matches('/')
            )
        };
        self.get_with_token(session, &url, format.media_type())
            .await
    }

    /// Requests `url` with the session's Bearer token and the MedMij headers.
    pub async fn get_with_token(
        &self,
        session: &Session,
        url: &str,
        accept: &str,
    ) -> Result<FhirResponse, PgoError> {
        let step = Step::Search;
        let response = self
            .back
            .get(url)
            .bearer_auth(&session.token.access_token)
            .header("X-Correlation-ID", &session.correlation_id)
            .header("MedMij-Request-ID", uuid::Uuid::new_v4().to_string())
            .header(reqwest::header::ACCEPT, accept)
            .send()
            .await
            .map_err(|source| PgoError::Transport {
                step,
                url: url.to_owned(),
                source,
            })?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response
            .bytes()
            .await
            .map_err(|source| PgoError::Transport {
                step,
                url: url.to_owned(),
                source,
            })?
            .to_vec();
        if !status.is_success() {
            return Err(PgoError::Status {
                step,
                url: url.to_owned(),
                status: status.as_u16(),
                received: cut(&String::from_utf8_lossy(&body)),
            });
        }
        Ok(FhirResponse {
            status: status.as_u16(),
            content_type,
            body,
        })
    }
}

/// Cuts a body for an error message; HTML is reduced to its text.
fn cut(body: &str) -> String {
    if body.trim_start().starts_with('<') && body.to_ascii_lowercase().contains("<html") {
        return html::excerpt(body, EXCERPT);
    }
    let mut text: String = body.chars().take(EXCERPT).collect();
    if body.chars().count() > EXCERPT {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_forms() {
        assert_eq!(
            scope_for("huisartsenpraktijk-delinde@medmij", Some("49")),
            "huisartsenpraktijk-delinde~49"
        );
        assert_eq!(
            scope_for("huisartsenpraktijk-delinde", None),
            "huisartsenpraktijk-delinde"
        );
    }

    #[test]
    fn token_response_optional_fields() {
        let token: TokenResponse = serde_json::from_str(
            r#"{"access_token":"a","token_type":"bearer","expires_in":900,"scope":"49"}"#,
        )
        .unwrap();
        assert_eq!(token.expires_in, Some(900));
        assert_eq!(token.refresh_token, None);
        assert_eq!(token.scope.as_deref(), Some("49"));
    }
}
