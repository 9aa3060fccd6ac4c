//! A small, tolerant HTML scan for the pages of the MedMij flow: forms with their controls, the
//! page title and a plain-text excerpt for error messages. It is not a full HTML parser; it reads
//! tags and attributes well enough for server-rendered forms.

/// One control of a form (`input`, `button`, `select` or `textarea`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Control {
    /// Element name in lowercase: `input`, `button`, `select` or `textarea`.
    pub element: String,
    /// The `type` attribute in lowercase (`text` for inputs without one, `submit` for buttons).
    pub kind: String,
    /// The `name` attribute, empty when absent.
    pub name: String,
    /// The `value` attribute (or the selected option of a `select`).
    pub value: String,
    /// Whether a checkbox or radio button is checked.
    pub checked: bool,
    /// The text inside a `button` element.
    pub text: String,
}

impl Control {
    /// Checks whether the control submits the form when pressed.
    pub fn is_submit(&self) -> bool {
        (self.element == "button" && self.kind == "submit")
            || (self.element == "input" && (self.kind == "submit" || self.kind == "image"))
    }
}

/// A form with its action, method and controls in document order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Form {
    /// The `action` attribute, when present.
    pub action: Option<String>,
    /// The method in uppercase, `GET` when absent.
    pub method: String,
    /// The controls.
    pub controls: Vec<Control>,
}

impl Form {
    /// Returns the name/value pairs a browser sends without pressing a button: hidden and text
    /// inputs, checked checkboxes and radios, selects and textareas.
    pub fn default_fields(&self) -> Vec<(String, String)> {
        self.controls
            .iter()
            .filter(|control| !control.name.is_empty() && !control.is_submit())
            .filter(|control| match control.kind.as_str() {
                "checkbox" | "radio" => control.checked,
                "reset" | "button" | "file" => false,
                _ => true,
            })
            .map(|control| (control.name.clone(), control.value.clone()))
            .collect()
    }

    /// Finds a control by name, ignoring case.
    pub fn control(&self, name: &str) -> Option<&Control> {
        self.controls
            .iter()
            .find(|control| control.name.eq_ignore_ascii_case(name))
    }
}

/// A scanned page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    /// The `<title>` text.
    pub title: String,
    /// The forms in document order.
    pub forms: Vec<Form>,
}

/// Decodes the character references that server templates produce.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let Some(end) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One start or end tag.
#[derive(Debug)]
struct Tag {
    name: String,
    closing: bool,
    attributes: Vec<(String, String)>,
    /// Byte offset just after the tag's `>`.
    end: usize,
}

impl Tag {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Reads the tag that starts at `start` (which is a `<`); `None` for comments and non-tags.
fn read_tag(html: &str, start: usize) -> Option<Tag> {
    let bytes = html.as_bytes();
    let mut i = start + 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    if i == name_start {
        return None;
    }
    let name = html[name_start..i].to_ascii_lowercase();
    let mut attributes = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        match bytes.get(i) {
            None => return None,
            Some(b'>') => break,
            Some(_) => {}
        }
        let key_start = i;
        while i < bytes.len()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
            && !bytes[i].is_ascii_whitespace()
        {
            i += 1;
        }
        let key = html[key_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let value_start = i + 1;
                    let value_end = html[value_start..].find(quote as char)? + value_start;
                    value = decode_entities(&html[value_start..value_end]);
                    i = value_end + 1;
                }
                _ => {
                    let value_start = i;
                    while i < bytes.len() && bytes[i] != b'>' && !bytes[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    value = decode_entities(&html[value_start..i]);
                }
            }
        }
        if !key.is_empty() {
            attributes.push((key, value));
        }
    }
    Some(Tag {
        name,
        closing,
        attributes,
        end: i + 1,
    })
}

/// Returns the text up to the closing tag `</name>` (case-insensitive), tags removed.
fn inner_text(html: &str, from: usize, name: &str) -> (String, usize) {
    let lower = html[from..].to_ascii_lowercase();
    let end = lower
        .find(&format!("</{name}"))
        .map_or(html.len(), |end| from + end);
    (text_of(&html[from..end]), end)
}

/// Removes comments and the content of `script` and `style` elements.
fn strip_hidden(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let lower = rest.to_ascii_lowercase();
        let next = ["<!--", "<script", "<style"]
            .iter()
            .filter_map(|marker| lower.find(marker).map(|at| (at, *marker)))
            .min();
        let Some((at, marker)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        let closer = match marker {
            "<!--" => "-->",
            "<script" => "</script>",
            _ => "</style>",
        };
        rest = match lower[at..].find(closer) {
            Some(end) => &rest[at + end + closer.len()..],
            None => "",
        };
    }
}

/// Removes tags, comments, scripts and styles, and collapses whitespace.
pub fn text_of(html: &str) -> String {
    let visible = strip_hidden(html);
    let mut text = String::new();
    let mut in_tag = false;
    for c in visible.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    decode_entities(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Returns the visible text of a page without scripts and styles, cut to `max` characters.
pub fn excerpt(html: &str, max: usize) -> String {
    let lower = html.to_ascii_lowercase();
    let body = lower.find("<body").map_or(html, |start| &html[start..]);
    let text = text_of(body);
    if text.chars().count() > max {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// Scans a page for its title and forms.
pub fn scan(html: &str) -> Page {
    let mut page = Page::default();
    let mut current: Option<Form> = None;
    let mut position = 0;
    while let Some(offset) = html[position..].find('<') {
        let start = position + offset;
        if html[start..].starts_with("<!--") {
            position = html[start..]
                .find("-->")
                .map_or(html.len(), |end| start + end + 3);
            continue;
        }
        let Some(tag) = read_tag(html, start) else {
            position = start + 1;
            continue;
        };
        position = tag.end;
        match (tag.name.as_str(), tag.closing) {
            ("title", false) if page.title.is_empty() => {
                let (title, end) = inner_text(html, tag.end, "title");
                page.title = title;
                position = end;
            }
            ("script" | "style", false) => {
                let (_, end) = inner_text(html, tag.end, &tag.name);
                position = end;
            }
            ("form", false) => {
                if let Some(form) = current.take() {
                    page.forms.push(form);
                }
                current = Some(Form {
                    action: tag.attribute("action").map(str::to_owned),
                    method: tag
                        .attribute("method")
                        .unwrap_or("get")
                        .to_ascii_uppercase(),
                    controls: Vec::new(),
                });
            }
            ("form", true) => {
                if let Some(form) = current.take() {
                    page.forms.push(form);
                }
            }
            ("input" | "button" | "select" | "textarea", false) => {
                let Some(form) = current.as_mut() else {
                    continue;
                };
                let default_kind = if tag.name == "button" {
                    "submit"
                } else {
                    "text"
                };
                let mut control = Control {
                    element: tag.name.clone(),
                    kind: tag
                        .attribute("type")
                        .unwrap_or(default_kind)
                        .to_ascii_lowercase(),
                    name: tag.attribute("name").unwrap_or_default().to_owned(),
                    value: tag.attribute("value").unwrap_or_default().to_owned(),
                    checked: tag.attribute("checked").is_some(),
                    text: String::new(),
                };
                match tag.name.as_str() {
                    "button" => {
                        let (text, end) = inner_text(html, tag.end, "button");
                        control.text = text;
                        position = end;
                    }
                    "textarea" => {
                        let (text, end) = inner_text(html, tag.end, "textarea");
                        control.value = text;
                        position = end;
                    }
                    "select" => {
                        let lower = html[tag.end..].to_ascii_lowercase();
                        let end = lower
                            .find("</select")
                            .map_or(html.len(), |end| tag.end + end);
                        control.value = selected_option(&html[tag.end..end]);
                        position = end;
                    }
                    _ => {}
                }
                form.controls.push(control);
            }
            _ => {}
        }
    }
    if let Some(form) = current.take() {
        page.forms.push(form);
    }
    page
}

/// Returns the value of the selected option, or of the first option.
fn selected_option(options_html: &str) -> String {
    let mut first = None;
    let mut position = 0;
    while let Some(offset) = options_html[position..].find('<') {
        let start = position + offset;
        let Some(tag) = read_tag(options_html, start) else {
            position = start + 1;
            continue;
        };
        position = tag.end;
        if tag.name != "option" || tag.closing {
            continue;
        }
        let value = match tag.attribute("value") {
            Some(value) => value.to_owned(),
            None => inner_text(options_html, tag.end, "option").0,
        };
        if tag.attribute("selected").is_some() {
            return value;
        }
        first.get_or_insert(value);
    }
    first.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONSENT: &str = r#"<!doctype html><html><head><title>Toestemming &amp; meer</title>
<style>p { color: red }</style></head><body>
<!-- <form action="/commented"> -->
<form method="post" action="/oauth/consent">
<input type="hidden" name="csrf" value="a&quot;b">
<p><input type="checkbox" id="indefinite" name="indefinite" value="yes"></p>
<button type="submit" name="decision" value="yes" class="primary">Ja, <b>ik geef</b> toestemming</button>
<button type="submit" name="decision" value="no">Nee</button>
</form>
<form action=/other><select name="lang"><option value="nl">NL</option><option value="en" selected>EN</option></select>
<input name=bsn value=123></form></body></html>"#;

    #[test]
    fn scan_reads_forms_and_title() {
        let page = scan(CONSENT);
        assert_eq!(page.title, "Toestemming & meer");
        assert_eq!(page.forms.len(), 2);
        let consent = &page.forms[0];
        assert_eq!(consent.action.as_deref(), Some("/oauth/consent"));
        assert_eq!(consent.method, "POST");
        assert_eq!(consent.control("csrf").unwrap().value, "a\"b");
        assert_eq!(consent.controls[2].text, "Ja, ik geef toestemming");
        assert!(consent.controls[2].is_submit());
    }

    #[test]
    fn default_fields_skip_unchecked_and_buttons() {
        let page = scan(CONSENT);
        let fields = page.forms[0].default_fields();
        assert_eq!(fields, vec![("csrf".to_owned(), "a\"b".to_owned())]);
        let other = page.forms[1].default_fields();
        assert_eq!(
            other,
            vec![
                ("lang".to_owned(), "en".to_owned()),
                ("bsn".to_owned(), "123".to_owned())
            ]
        );
        assert_eq!(page.forms[1].method, "GET");
    }

    #[test]
    fn entities_decode() {
        assert_eq!(decode_entities("a&#39;b&#x41;&unknown;&"), "a'bA&unknown;&");
    }

    #[test]
    fn excerpt_strips_markup() {
        let text = excerpt(CONSENT, 20);
        assert_eq!(text, "Ja, ik geef toestemm…");
    }
}
