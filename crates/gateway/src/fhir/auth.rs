//! Bearer-token checks: the token must exist, be unexpired and cover the practice and gegevensdienst
//! in the URL. The patient comes from the token alone.

use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::outcome::FhirError;
use super::ports::{TokenGrant, TokenLookup};

/// Returns the lowercase hex SHA-256 of `token`, the form in which the store keeps tokens.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Reads the token from `Authorization: Bearer <token>`; other schemes and empty tokens count as
/// missing. Several `Authorization` headers are a bad request (RFC 6750 §3.1 `invalid_request`),
/// because which one counts would otherwise depend on the proxy in front.
pub fn bearer(headers: &HeaderMap) -> Result<&str, FhirError> {
    if headers.get_all(header::AUTHORIZATION).iter().count() > 1 {
        return Err(FhirError::BadRequest(
            "send one Authorization header".to_owned(),
        ));
    }
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .ok_or(FhirError::MissingToken)?;
    let (scheme, token) = value.split_once(' ').ok_or(FhirError::MissingToken)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(FhirError::MissingToken);
    }
    Ok(token)
}

/// Rejects an `access_token` query parameter: RFC 6750 §2 allows one method per request, and a token
/// in the URL would end up in the Bundle's self link and in logs.
pub fn reject_query_token(query: &str) -> Result<(), FhirError> {
    let in_query = query
        .split('&')
        .any(|pair| pair.split('=').next() == Some("access_token"));
    if in_query {
        return Err(FhirError::BadRequest(
            "send the access token only in the Authorization header".to_owned(),
        ));
    }
    Ok(())
}

/// Looks the token up and checks that it covers `naam` and `gegevensdienst` at `now`, and that the
/// TLS client certificate (`client_names`, its dNSNames) belongs to the client the token was issued
/// to, so a token taken from one PGO is useless with another PGO's certificate.
pub async fn authorize(
    tokens: &dyn TokenLookup,
    headers: &HeaderMap,
    client_names: &[String],
    naam: &str,
    gegevensdienst: &str,
    now: OffsetDateTime,
) -> Result<TokenGrant, FhirError> {
    let token = bearer(headers)?;
    let grant = tokens
        .access_token(&hash_token(token))
        .await
        .map_err(|error| {
            tracing::error!(%error, "access token lookup failed");
            FhirError::Internal("the access token could not be checked".to_owned())
        })?
        .ok_or(FhirError::InvalidToken)?;
    if grant.expires_at <= now {
        return Err(FhirError::InvalidToken);
    }
    if !medmij::token::client_matches_certificate(&grant.client_id, client_names) {
        tracing::warn!(
            client_id = %grant.client_id,
            "an access token was presented with another client's certificate"
        );
        return Err(FhirError::InvalidToken);
    }

    if !same_naam(&grant.zorgaanbieder, naam) {
        return Err(FhirError::OutOfScope(
            "the access token does not cover this zorgaanbieder".to_owned(),
        ));
    }
    if !grant
        .gegevensdiensten
        .iter()
        .any(|granted| granted == gegevensdienst)
    {
        return Err(FhirError::OutOfScope(format!(
            "the access token does not cover gegevensdienst {gegevensdienst}"
        )));
    }
    Ok(grant)
}

/// Compares MedMij-namen, ignoring case and the `@medmij` suffix that the URL leaves out.
pub fn same_naam(left: &str, right: &str) -> bool {
    strip_suffix(left).eq_ignore_ascii_case(strip_suffix(right))
}

fn strip_suffix(naam: &str) -> &str {
    naam.strip_suffix("@medmij").unwrap_or(naam)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn token_hash_is_hex_sha256() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn bearer_forms() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), Err(FhirError::MissingToken));

        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&headers), Err(FhirError::MissingToken));

        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer(&headers), Err(FhirError::MissingToken));

        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer tok-1"),
        );
        assert_eq!(bearer(&headers), Ok("tok-1"));

        headers.append(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer tok-2"),
        );
        assert!(matches!(bearer(&headers), Err(FhirError::BadRequest(_))));
    }

    #[test]
    fn naam_comparison() {
        assert!(same_naam(
            "huisartsenpraktijk-delinde@medmij",
            "huisartsenpraktijk-delinde"
        ));
        assert!(same_naam(
            "Huisartsenpraktijk-DeLinde@medmij",
            "huisartsenpraktijk-delinde@medmij"
        ));
        assert!(!same_naam(
            "huisartsenpraktijk-delinde@medmij",
            "huisartsenpraktijk-hetanker"
        ));
    }
}
