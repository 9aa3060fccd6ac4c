//! The HTML of the login and error pages.

use crate::TestPerson;
use crate::i18n::Lang;

/// Escapes text for HTML content and double-quoted attributes.
pub(crate) fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The content of the login page.
pub(crate) struct LoginPage<'a> {
    pub lang: Lang,
    pub sp_entity_id: &'a str,
    pub persons: &'a [TestPerson],
    pub transaction: &'a str,
    pub csrf_token: &'a str,
    /// Fluent key of an error to show above the form.
    pub error: Option<&'a str>,
}

fn document(lang: Lang, body: &str) -> String {
    format!(
        concat!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>{title}</title></head><body><main>{body}</main></body></html>\n"
        ),
        lang = lang.code(),
        title = escape(&lang.text("page-title")),
        body = body,
    )
}

/// Renders the login page with one radio button per test person, a BSN field and a cancel button.
pub(crate) fn login(page: &LoginPage<'_>) -> String {
    let lang = page.lang;
    let mut body = format!(
        "<h1>{}</h1><p>{}</p><p>{}</p>",
        escape(&lang.text("page-title")),
        escape(&lang.text("simulator-notice")),
        escape(&lang.text_with("request-from", &[("sp", page.sp_entity_id.to_owned())])),
    );
    if let Some(error) = page.error {
        body.push_str(&format!(
            r#"<p role="alert" class="error">{}</p>"#,
            escape(&lang.text(error))
        ));
    }
    body.push_str(&format!(
        concat!(
            r#"<form method="post" action="/saml/login">"#,
            r#"<input type="hidden" name="tx" value="{tx}">"#,
            r#"<input type="hidden" name="csrf" value="{csrf}">"#,
            r#"<input type="hidden" name="lang" value="{lang}">"#,
            r#"<fieldset><legend>{choose}</legend>"#
        ),
        tx = escape(page.transaction),
        csrf = escape(page.csrf_token),
        lang = lang.code(),
        choose = escape(&lang.text("choose-person")),
    ));
    for (index, person) in page.persons.iter().enumerate() {
        let row = lang.text_with(
            "person-row",
            &[("name", person.name.clone()), ("bsn", person.bsn.masked())],
        );
        body.push_str(&format!(
            r#"<div><input type="radio" name="person" id="person-{index}" value="{index}"{checked}> <label for="person-{index}">{row}</label></div>"#,
            checked = if index == 0 { " checked" } else { "" },
            row = escape(&row),
        ));
    }
    body.push_str(&format!(
        concat!(
            r#"</fieldset><p>{other}</p><label for="bsn">{label}</label> "#,
            r#"<input type="text" id="bsn" name="bsn" inputmode="numeric" autocomplete="off" maxlength="11"> "#,
            r#"<p><button type="submit" name="action" value="login">{login}</button> "#,
            r#"<button type="submit" name="action" value="cancel">{cancel}</button></p></form>"#,
            r#"<p><a href="/saml/login?tx={tx}&amp;lang={other_code}" lang="{other_code}">{other_name}</a></p>"#
        ),
        other = escape(&lang.text("other-bsn")),
        label = escape(&lang.text("bsn-label")),
        login = escape(&lang.text("login-button")),
        cancel = escape(&lang.text("cancel-button")),
        tx = escape(page.transaction),
        other_code = lang.other().code(),
        other_name = escape(&lang.text("other-language")),
    ));
    document(lang, &body)
}

/// Renders an error page with the text under fluent key `text_key`.
pub(crate) fn error(lang: Lang, text_key: &str) -> String {
    let body = format!(
        "<h1>{}</h1><p>{}</p>",
        escape(&lang.text("bad-request-title")),
        escape(&lang.text(text_key))
    );
    document(lang, &body)
}
