//! The front channel without a browser: follows redirects, logs in at the DigiD simulator and
//! answers the consent question through their HTML forms, keeping cookies like a browser.

use reqwest::{Client, RequestBuilder, StatusCode};
use url::Url;

use crate::error::{PgoError, Step};
use crate::html::{self, Control, Form, Page};

/// The maximum number of requests in one front-channel run before the client gives up.
const MAX_HOPS: usize = 25;
/// The maximum length of a response excerpt in an error.
const EXCERPT: usize = 400;

/// The person's answer to the consent question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentChoice {
    /// Agree, for this time only.
    Allow,
    /// Agree and tick the option for consent for an indefinite period.
    AllowIndefinite,
    /// Refuse.
    Deny,
}

/// What came back at the redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackParams {
    /// The authorization code.
    pub code: String,
    /// The state, checked against the one sent.
    pub state: String,
}

/// One front-channel run: the person's BSN, their consent choice and the PGO's redirect URI.
pub(crate) struct FrontChannel<'a> {
    pub redirect_uri: &'a Url,
    pub bsn: &'a str,
    pub consent: ConsentChoice,
    pub state: &'a str,
    pub accept_language: &'a str,
}

/// The next request the page asks for.
enum Next {
    Get(Url),
    Post(Url, Vec<(String, String)>),
}

impl FrontChannel<'_> {
    /// Starts at `authorize_url` and runs until the DVZA redirects to the redirect URI.
    pub async fn run(
        &self,
        client: &Client,
        authorize_url: Url,
    ) -> Result<CallbackParams, PgoError> {
        let mut step = Step::Authorize;
        let mut next = Next::Get(authorize_url);
        for _ in 0..MAX_HOPS {
            let url = match &next {
                Next::Get(url) | Next::Post(url, _) => url.clone(),
            };
            let response =
                self.request(client, &next)
                    .send()
                    .await
                    .map_err(|source| PgoError::Transport {
                        step,
                        url: url.to_string(),
                        source,
                    })?;
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|value| value.to_str().ok())
                    .ok_or_else(|| PgoError::Unexpected {
                        step,
                        problem: format!("HTTP {status} from {url} without a Location header"),
                        received: String::new(),
                    })?;
                let target = url.join(location).map_err(|_| PgoError::Unexpected {
                    step,
                    problem: format!("invalid Location from {url}"),
                    received: location.to_owned(),
                })?;
                if self.is_redirect_uri(&target) {
                    return self.callback(&target);
                }
                next = Next::Get(target);
                continue;
            }
            let body = response.text().await.unwrap_or_default();
            if status != StatusCode::OK {
                return Err(PgoError::Status {
                    step,
                    url: url.to_string(),
                    status: status.as_u16(),
                    received: html::excerpt(&body, EXCERPT),
                });
            }
            let page = html::scan(&body);
            let (page_step, request) =
                self.answer(&page, &url)
                    .ok_or_else(|| PgoError::Unexpected {
                        step,
                        problem: format!(
                            "page {:?} at {url} has no form to continue the flow with",
                            page.title
                        ),
                        received: html::excerpt(&body, EXCERPT),
                    })?;
            step = page_step;
            next = request;
        }
        Err(PgoError::Unexpected {
            step,
            problem: format!("no redirect to the redirect URI after {MAX_HOPS} requests"),
            received: String::new(),
        })
    }

    fn request(&self, client: &Client, next: &Next) -> RequestBuilder {
        let builder = match next {
            Next::Get(url) => client.get(url.clone()),
            Next::Post(url, fields) => client.post(url.clone()).form(fields),
        };
        builder
            .header(reqwest::header::ACCEPT, "text/html")
            .header(reqwest::header::ACCEPT_LANGUAGE, self.accept_language)
    }

    fn is_redirect_uri(&self, target: &Url) -> bool {
        target.scheme() == self.redirect_uri.scheme()
            && target.host_str() == self.redirect_uri.host_str()
            && target.port_or_known_default() == self.redirect_uri.port_or_known_default()
            && target.path() == self.redirect_uri.path()
    }

    fn callback(&self, target: &Url) -> Result<CallbackParams, PgoError> {
        let step = Step::Callback;
        let param = |name: &str| {
            target
                .query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
        };
        if let Some(error) = param("error") {
            return Err(PgoError::Denied {
                step,
                error,
                description: param("error_description"),
            });
        }
        if param("state").as_deref() != Some(self.state) {
            return Err(PgoError::StateMismatch { step });
        }
        let code = param("code")
            .filter(|code| !code.is_empty())
            .ok_or_else(|| PgoError::Unexpected {
                step,
                problem: "redirect without a code".to_owned(),
                received: target.query().unwrap_or_default().to_owned(),
            })?;
        Ok(CallbackParams {
            code,
            state: self.state.to_owned(),
        })
    }

    /// Chooses the form to submit on `page`: the DigiD login (a form with a BSN control), the
    /// consent question, or the DVZA's start page.
    fn answer(&self, page: &Page, url: &Url) -> Option<(Step, Next)> {
        if let Some(form) = page.forms.iter().find(|form| bsn_control(form).is_some()) {
            return Some((Step::DigidLogin, self.login(form, url)?));
        }
        if let Some(form) = page
            .forms
            .iter()
            .find(|form| form.controls.iter().any(is_allow_button))
        {
            return Some((Step::Consent, self.consent(form, url)?));
        }
        let form = page
            .forms
            .iter()
            .find(|form| form.controls.iter().any(is_login_button))?;
        let button = form
            .controls
            .iter()
            .find(|control| is_login_button(control))?;
        Some((Step::Landing, submit(form, url, Some(button), Vec::new())?))
    }

    fn login(&self, form: &Form, url: &Url) -> Option<Next> {
        let name = bsn_control(form)?.name.clone();
        let person_button = form.controls.iter().find(|control| {
            control.is_submit() && control.name == name && control.value == self.bsn
        });
        if let Some(button) = person_button {
            return submit(form, url, Some(button), Vec::new());
        }
        let button = form
            .controls
            .iter()
            .find(|control| control.is_submit() && !is_cancel(control));
        submit(form, url, button, vec![(name, self.bsn.to_owned())])
    }

    fn consent(&self, form: &Form, url: &Url) -> Option<Next> {
        let button = match self.consent {
            ConsentChoice::Allow | ConsentChoice::AllowIndefinite => form
                .controls
                .iter()
                .find(|control| is_allow_button(control)),
            ConsentChoice::Deny => form.controls.iter().find(|control| is_deny_button(control)),
        }?;
        let mut extra = Vec::new();
        if self.consent == ConsentChoice::AllowIndefinite {
            let indefinite = form.controls.iter().find(|control| {
                control.kind == "checkbox" && {
                    let name = control.name.to_ascii_lowercase();
                    name.contains("indefinite") || name.contains("onbepaald")
                }
            })?;
            extra.push((indefinite.name.clone(), indefinite.value.clone()));
        }
        submit(form, url, Some(button), extra)
    }
}

/// Builds the submission of `form` with its default fields, `replace` (which overrides fields of
/// the same name) and the pressed `button`.
fn submit(
    form: &Form,
    url: &Url,
    button: Option<&Control>,
    replace: Vec<(String, String)>,
) -> Option<Next> {
    let action = match form.action.as_deref() {
        Some(action) if !action.is_empty() => url.join(action).ok()?,
        _ => url.clone(),
    };
    let mut fields: Vec<(String, String)> = form
        .default_fields()
        .into_iter()
        .filter(|(name, _)| !replace.iter().any(|(replaced, _)| replaced == name))
        .collect();
    fields.extend(replace);
    if let Some(button) = button.filter(|button| !button.name.is_empty()) {
        fields.push((button.name.clone(), button.value.clone()));
    }
    if form.method == "POST" {
        Some(Next::Post(action, fields))
    } else {
        let mut target = action;
        target.query_pairs_mut().clear().extend_pairs(fields);
        Some(Next::Get(target))
    }
}

fn bsn_control(form: &Form) -> Option<&Control> {
    form.controls
        .iter()
        .find(|control| control.name.to_ascii_lowercase().contains("bsn"))
}

/// The words of a button's value and text, in lowercase.
fn words(control: &Control) -> Vec<String> {
    format!("{} {}", control.value, control.text)
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

fn is_allow_button(control: &Control) -> bool {
    const ALLOW: [&str; 9] = [
        "yes", "ja", "allow", "accept", "agree", "approve", "akkoord", "toestaan", "grant",
    ];
    control.is_submit()
        && words(control)
            .iter()
            .any(|word| ALLOW.contains(&word.as_str()))
}

fn is_deny_button(control: &Control) -> bool {
    const DENY: [&str; 7] = [
        "no", "nee", "deny", "weiger", "weigeren", "reject", "refuse",
    ];
    control.is_submit()
        && words(control)
            .iter()
            .any(|word| DENY.contains(&word.as_str()))
}

fn is_login_button(control: &Control) -> bool {
    const LOGIN: [&str; 4] = ["login", "inloggen", "digid", "aanmelden"];
    control.is_submit()
        && words(control)
            .iter()
            .any(|word| LOGIN.contains(&word.as_str()))
}

fn is_cancel(control: &Control) -> bool {
    const CANCEL: [&str; 4] = ["cancel", "annuleren", "stop", "terug"];
    words(control)
        .iter()
        .any(|word| CANCEL.contains(&word.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn front(redirect: &Url, consent: ConsentChoice) -> FrontChannel<'_> {
        FrontChannel {
            redirect_uri: redirect,
            bsn: "999990019",
            consent,
            state: "s1",
            accept_language: "nl",
        }
    }

    fn fields(next: Next) -> (Url, Vec<(String, String)>) {
        match next {
            Next::Post(url, fields) => (url, fields),
            Next::Get(url) => {
                let pairs = url
                    .query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                (url, pairs)
            }
        }
    }

    const CONSENT: &str = r#"<title>Toestemming</title><form method="post" action="/oauth/consent">
<input type="hidden" name="csrf" value="c1">
<input type="checkbox" id="indefinite" name="indefinite" value="yes">
<button type="submit" name="decision" value="yes">Ja</button>
<button type="submit" name="decision" value="no">Nee</button></form>"#;

    #[test]
    fn consent_form_allow_and_deny() {
        let redirect = Url::parse("https://pgo.localhost/callback").unwrap();
        let url = Url::parse("https://lspplus.localhost:8440/oauth/acs?x=1").unwrap();
        let page = html::scan(CONSENT);

        let (step, next) = front(&redirect, ConsentChoice::Allow)
            .answer(&page, &url)
            .unwrap();
        assert_eq!(step, Step::Consent);
        let (target, sent) = fields(next);
        assert_eq!(
            target.as_str(),
            "https://lspplus.localhost:8440/oauth/consent"
        );
        assert_eq!(
            sent,
            vec![
                ("csrf".into(), "c1".into()),
                ("decision".into(), "yes".into())
            ]
        );

        let (_, next) = front(&redirect, ConsentChoice::AllowIndefinite)
            .answer(&page, &url)
            .unwrap();
        let (_, sent) = fields(next);
        assert!(sent.contains(&("indefinite".into(), "yes".into())));

        let (_, next) = front(&redirect, ConsentChoice::Deny)
            .answer(&page, &url)
            .unwrap();
        let (_, sent) = fields(next);
        assert!(sent.contains(&("decision".into(), "no".into())));
    }

    #[test]
    fn digid_form_fills_bsn() {
        let redirect = Url::parse("https://pgo.localhost/callback").unwrap();
        let url = Url::parse("https://digid.localhost:8443/login").unwrap();
        let page = html::scan(
            r#"<form method="post"><input type="hidden" name="request" value="r1">
            <input type="text" name="bsn" value=""><button type="submit">Inloggen</button>
            <button type="submit" name="cancel" value="1">Annuleren</button></form>"#,
        );
        let (step, next) = front(&redirect, ConsentChoice::Allow)
            .answer(&page, &url)
            .unwrap();
        assert_eq!(step, Step::DigidLogin);
        let (target, sent) = fields(next);
        assert_eq!(target, url);
        assert_eq!(
            sent,
            vec![
                ("request".into(), "r1".into()),
                ("bsn".into(), "999990019".into())
            ]
        );
    }

    #[test]
    fn digid_person_buttons_pick_match() {
        let redirect = Url::parse("https://pgo.localhost/callback").unwrap();
        let url = Url::parse("https://digid.localhost:8443/login").unwrap();
        let page = html::scan(
            r#"<form method="post" action="/sso/login"><button name="bsn" value="111222333">A</button>
            <button name="bsn" value="999990019">B</button></form>"#,
        );
        let (_, next) = front(&redirect, ConsentChoice::Allow)
            .answer(&page, &url)
            .unwrap();
        let (_, sent) = fields(next);
        assert_eq!(sent, vec![("bsn".into(), "999990019".into())]);
    }

    #[test]
    fn callback_checks_state_and_error() {
        let redirect = Url::parse("https://pgo.localhost:8442/callback").unwrap();
        let channel = front(&redirect, ConsentChoice::Allow);
        let ok = Url::parse("https://pgo.localhost:8442/callback?code=abc&state=s1").unwrap();
        assert!(channel.is_redirect_uri(&ok));
        assert_eq!(channel.callback(&ok).unwrap().code, "abc");
        let wrong = Url::parse("https://pgo.localhost:8442/callback?code=abc&state=s2").unwrap();
        assert!(matches!(
            channel.callback(&wrong),
            Err(PgoError::StateMismatch { .. })
        ));
        let denied = Url::parse(
            "https://pgo.localhost:8442/callback?error=access_denied&error_description=Authorization+denied.&state=s1",
        )
        .unwrap();
        let error = channel.callback(&denied).unwrap_err();
        assert_eq!(
            error.to_string(),
            "redirect back to the PGO failed: the DVZA redirected back with error=access_denied (Authorization denied.)"
        );
        let other_port =
            Url::parse("https://pgo.localhost:9999/callback?code=abc&state=s1").unwrap();
        assert!(!channel.is_redirect_uri(&other_port));
    }
}
