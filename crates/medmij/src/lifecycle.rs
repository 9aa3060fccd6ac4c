//! Life-cycle rules for codes, access tokens and refresh tokens, as pure functions of the time.

use time::{Date, Duration, Month, OffsetDateTime};

use crate::error::{ErrorDescription, OAuthError, OAuthFailure};

/// Lifetimes of the secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Lifetimes {
    /// How long an authorization code can be redeemed (default 15 minutes).
    pub code: Duration,
    /// How long an access token is valid (default 15 minutes).
    pub access_token: Duration,
    /// Calendar months without use after which an indefinite consent and its refresh token lapse
    /// (default 6).
    pub refresh_idle_months: u8,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            code: Duration::minutes(15),
            access_token: Duration::minutes(15),
            refresh_idle_months: 6,
        }
    }
}

/// The duration the person chose on the consent screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentDuration {
    /// Consent for this one retrieval.
    OneOff,
    /// Consent until revoked or until it lapses after the idle period.
    Indefinite,
}

impl ConsentDuration {
    /// Returns the stable key used in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentDuration::OneOff => "one_off",
            ConsentDuration::Indefinite => "indefinite",
        }
    }

    /// Parses a key produced by [`ConsentDuration::as_str`].
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "one_off" => Some(ConsentDuration::OneOff),
            "indefinite" => Some(ConsentDuration::Indefinite),
            _ => None,
        }
    }
}

/// The stored state of a code that the token endpoint checks when the code is presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeGrant<'a> {
    /// When the code was issued.
    pub issued_at: OffsetDateTime,
    /// When the code was redeemed, if it was.
    pub used_at: Option<OffsetDateTime>,
    /// The client the code was issued to.
    pub client_id: &'a str,
    /// The redirect URI of the authorization request, as received.
    pub redirect_uri: &'a str,
}

/// A rejected code presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{failure}")]
pub struct CodeRejection {
    /// The error to send.
    pub failure: OAuthFailure,
    /// Whether the tokens issued from this code must be revoked (a redeemed code was presented again,
    /// RFC 6749 §4.1.2).
    pub revoke_issued_tokens: bool,
}

/// Checks a code presentation: single use, lifetime, client and redirect URI.
pub fn check_code(
    grant: &CodeGrant<'_>,
    client_id: &str,
    redirect_uri: &str,
    now: OffsetDateTime,
    lifetimes: &Lifetimes,
) -> Result<(), CodeRejection> {
    let reject = |description, revoke_issued_tokens| CodeRejection {
        failure: OAuthFailure::new(OAuthError::InvalidGrant, description),
        revoke_issued_tokens,
    };
    if grant.used_at.is_some() {
        return Err(reject(ErrorDescription::CodeAlreadyUsed, true));
    }
    if now >= grant.issued_at + lifetimes.code {
        return Err(reject(ErrorDescription::CodeExpired, false));
    }
    if client_id != grant.client_id {
        return Err(reject(ErrorDescription::ClientMismatch, false));
    }
    if redirect_uri != grant.redirect_uri {
        return Err(reject(ErrorDescription::RedirectUriMismatch, false));
    }
    Ok(())
}

/// Returns when an access token issued at `issued_at` expires.
pub fn access_token_expires_at(issued_at: OffsetDateTime, lifetimes: &Lifetimes) -> OffsetDateTime {
    issued_at + lifetimes.access_token
}

/// Checks whether an access token is usable at `now`.
pub fn access_token_valid(expires_at: OffsetDateTime, revoked: bool, now: OffsetDateTime) -> bool {
    !revoked && now < expires_at
}

/// Whether and how a refresh token accompanies a token response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefreshIssue {
    /// No refresh token.
    None,
    /// A refresh token that can be redeemed (indefinite consent).
    Redeemable,
    /// A refresh token that is never redeemable, issued with a one-off consent only because MGO
    /// fails on a token response without `refresh_token`.
    Placeholder,
}

/// Decides the refresh token for a consent. `placeholder_for_one_off` is the configuration switch
/// that issues an unredeemable refresh token with one-off consents.
pub fn refresh_issue(consent: ConsentDuration, placeholder_for_one_off: bool) -> RefreshIssue {
    match consent {
        ConsentDuration::Indefinite => RefreshIssue::Redeemable,
        ConsentDuration::OneOff if placeholder_for_one_off => RefreshIssue::Placeholder,
        ConsentDuration::OneOff => RefreshIssue::None,
    }
}

/// The stored state of a refresh token that the token endpoint checks when it is presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshGrant<'a> {
    /// The client the token was issued to.
    pub client_id: &'a str,
    /// The consent behind the token.
    pub consent: ConsentDuration,
    /// Whether the token was issued as a [`RefreshIssue::Placeholder`].
    pub placeholder: bool,
    /// The last issue or successful use of the token.
    pub last_used_at: OffsetDateTime,
    /// Whether the token or its consent was revoked.
    pub revoked: bool,
}

/// Checks a refresh token presentation.
pub fn check_refresh(
    grant: &RefreshGrant<'_>,
    client_id: &str,
    now: OffsetDateTime,
    lifetimes: &Lifetimes,
) -> Result<(), OAuthFailure> {
    let reject = |description| OAuthFailure::new(OAuthError::InvalidGrant, description);
    if grant.revoked {
        return Err(reject(ErrorDescription::InvalidRefreshToken));
    }
    if grant.placeholder || grant.consent != ConsentDuration::Indefinite {
        return Err(reject(ErrorDescription::RefreshNotAllowed));
    }
    if client_id != grant.client_id {
        return Err(reject(ErrorDescription::ClientMismatch));
    }
    if now >= refresh_expires_at(grant.last_used_at, lifetimes) {
        return Err(reject(ErrorDescription::RefreshTokenExpired));
    }
    Ok(())
}

/// Returns when an indefinite consent lapses: the idle period in calendar months after its last use,
/// on the same day of the month or the month's last day.
pub fn refresh_expires_at(last_used_at: OffsetDateTime, lifetimes: &Lifetimes) -> OffsetDateTime {
    add_months(last_used_at, lifetimes.refresh_idle_months)
}

fn add_months(at: OffsetDateTime, months: u8) -> OffsetDateTime {
    let date = at.date();
    let zero_based = i32::from(u8::from(date.month())) - 1 + i32::from(months);
    let year = date.year() + zero_based.div_euclid(12);
    let month_number = u8::try_from(zero_based.rem_euclid(12) + 1).unwrap_or(1);
    let month = Month::try_from(month_number).unwrap_or(Month::January);
    let day = date.day().min(month.length(year));
    match Date::from_calendar_date(year, month, day) {
        Ok(new_date) => at.replace_date(new_date),
        // Only reachable near the end of the year range of `time`; 31 days per month is then close
        // enough.
        Err(_) => at + Duration::days(31 * i64::from(months)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-08-31 12:00 UTC);

    fn grant(used_at: Option<OffsetDateTime>) -> CodeGrant<'static> {
        CodeGrant {
            issued_at: T0,
            used_at,
            client_id: "pgo.localhost",
            redirect_uri: "https://pgo.localhost:8442/callback",
        }
    }

    #[test]
    fn code_valid_within_lifetime() {
        let lifetimes = Lifetimes::default();
        let now = T0 + Duration::minutes(14);
        assert_eq!(
            check_code(
                &grant(None),
                "pgo.localhost",
                "https://pgo.localhost:8442/callback",
                now,
                &lifetimes
            ),
            Ok(())
        );
    }

    #[test]
    fn code_rejections() {
        let lifetimes = Lifetimes::default();
        let uri = "https://pgo.localhost:8442/callback";
        let expired = check_code(
            &grant(None),
            "pgo.localhost",
            uri,
            T0 + Duration::minutes(15),
            &lifetimes,
        )
        .unwrap_err();
        assert_eq!(expired.failure.description, ErrorDescription::CodeExpired);
        assert!(!expired.revoke_issued_tokens);

        let reused =
            check_code(&grant(Some(T0)), "pgo.localhost", uri, T0, &lifetimes).unwrap_err();
        assert_eq!(reused.failure.error, OAuthError::InvalidGrant);
        assert!(reused.revoke_issued_tokens);

        let other =
            check_code(&grant(None), "other-pgo.localhost", uri, T0, &lifetimes).unwrap_err();
        assert_eq!(other.failure.description, ErrorDescription::ClientMismatch);

        let moved = check_code(
            &grant(None),
            "pgo.localhost",
            "https://pgo.localhost:8442/callback/",
            T0,
            &lifetimes,
        )
        .unwrap_err();
        assert_eq!(
            moved.failure.description,
            ErrorDescription::RedirectUriMismatch
        );
    }

    #[test]
    fn code_lifetime_configurable() {
        let lifetimes = Lifetimes {
            code: Duration::minutes(1),
            ..Lifetimes::default()
        };
        let uri = "https://pgo.localhost:8442/callback";
        assert!(
            check_code(
                &grant(None),
                "pgo.localhost",
                uri,
                T0 + Duration::seconds(59),
                &lifetimes
            )
            .is_ok()
        );
        assert!(
            check_code(
                &grant(None),
                "pgo.localhost",
                uri,
                T0 + Duration::seconds(60),
                &lifetimes
            )
            .is_err()
        );
    }

    #[test]
    fn access_token_expiry() {
        let expires = access_token_expires_at(T0, &Lifetimes::default());
        assert_eq!(expires, T0 + Duration::minutes(15));
        assert!(access_token_valid(
            expires,
            false,
            expires - Duration::seconds(1)
        ));
        assert!(!access_token_valid(expires, false, expires));
        assert!(!access_token_valid(expires, true, T0));
    }

    #[test]
    fn refresh_only_for_indefinite_consent() {
        assert_eq!(
            refresh_issue(ConsentDuration::Indefinite, false),
            RefreshIssue::Redeemable
        );
        assert_eq!(
            refresh_issue(ConsentDuration::OneOff, true),
            RefreshIssue::Placeholder
        );
        assert_eq!(
            refresh_issue(ConsentDuration::OneOff, false),
            RefreshIssue::None
        );
        let lifetimes = Lifetimes::default();
        let placeholder = RefreshGrant {
            client_id: "pgo.localhost",
            consent: ConsentDuration::OneOff,
            placeholder: true,
            last_used_at: T0,
            revoked: false,
        };
        assert_eq!(
            check_refresh(&placeholder, "pgo.localhost", T0, &lifetimes)
                .unwrap_err()
                .description,
            ErrorDescription::RefreshNotAllowed
        );
    }

    #[test]
    fn refresh_lapses_after_six_months_idle() {
        let lifetimes = Lifetimes::default();
        // 31 August + 6 months = 28 February (2027 is not a leap year).
        assert_eq!(
            refresh_expires_at(T0, &lifetimes),
            datetime!(2027-02-28 12:00 UTC)
        );
        assert_eq!(
            refresh_expires_at(datetime!(2026-12-04 08:00 UTC), &lifetimes),
            datetime!(2027-06-04 08:00 UTC)
        );
        let grant = RefreshGrant {
            client_id: "pgo.localhost",
            consent: ConsentDuration::Indefinite,
            placeholder: false,
            last_used_at: T0,
            revoked: false,
        };
        assert!(
            check_refresh(
                &grant,
                "pgo.localhost",
                datetime!(2027-02-28 11:59 UTC),
                &lifetimes
            )
            .is_ok()
        );
        assert_eq!(
            check_refresh(
                &grant,
                "pgo.localhost",
                datetime!(2027-02-28 12:00 UTC),
                &lifetimes
            )
            .unwrap_err()
            .description,
            ErrorDescription::RefreshTokenExpired
        );
        assert_eq!(
            check_refresh(&grant, "other-pgo.localhost", T0, &lifetimes)
                .unwrap_err()
                .description,
            ErrorDescription::ClientMismatch
        );
        let revoked = RefreshGrant {
            revoked: true,
            ..grant
        };
        assert!(check_refresh(&revoked, "pgo.localhost", T0, &lifetimes).is_err());
    }
}
