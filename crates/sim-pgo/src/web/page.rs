//! The HTML frame of every demo PGO page and the page bodies.

use std::fmt::Write as _;

use super::chart::{escape, line_chart};
use super::fhir_view::{Episode, Intolerance, JournalLine, Letter, Measurement, Medication};
use super::i18n::Lang;
use crate::directory::Directory;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#222}\
header{display:flex;justify-content:space-between;align-items:center;border-bottom:3px solid #1565c0}\
.note{background:#fff8e1;padding:.5rem;border-left:4px solid #f9a825}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}\
.error{color:#b71c1c}.charts{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}\
button,.button{background:#1565c0;color:#fff;border:0;padding:.5rem 1rem;border-radius:4px;text-decoration:none}\
fieldset{border:1px solid #ccc;margin:.5rem 0}";

/// Wraps `body` in the page frame with a title and the language switch to `path`.
pub fn frame(lang: Lang, title: &str, path: &str, body: &str) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    format!(
        "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} – {app}</title><style>{STYLE}</style></head><body>\
         <header><strong>{app}</strong><a href=\"{path}{separator}lang={other}\" lang=\"{other}\">{switch}</a></header>\
         <p class=\"note\">{note}</p><main><h1>{title}</h1>{body}</main></body></html>",
        code = lang.code(),
        title = escape(title),
        app = escape(&lang.t("app-name")),
        path = escape(path),
        other = lang.other().code(),
        switch = escape(&lang.t("lang-switch")),
        note = escape(&lang.t("app-note")),
    )
}

/// Renders the start page: a form to pick a practice and a gegevensdienst.
pub fn home(lang: Lang, directory: Result<&Directory, String>) -> String {
    let mut body = format!("<p>{}</p>", escape(&lang.t("home-intro")));
    let directory = match directory {
        Ok(directory) => directory,
        Err(error) => {
            let _ = write!(
                body,
                "<p class=\"error\">{}</p>",
                escape(&lang.ta("home-lists-failed", &[("error", &error)]))
            );
            return frame(lang, &lang.t("home-title"), "/", &body);
        }
    };
    if directory.practices.is_empty() {
        let _ = write!(body, "<p>{}</p>", escape(&lang.t("home-no-practices")));
        return frame(lang, &lang.t("home-title"), "/", &body);
    }
    body.push_str("<form method=\"get\" action=\"/start\">");
    let _ = write!(
        body,
        "<fieldset><legend>{}</legend>",
        escape(&lang.t("home-practice"))
    );
    for (index, practice) in directory.practices.iter().enumerate() {
        let _ = write!(
            body,
            "<div><input type=\"radio\" name=\"practice\" id=\"practice-{index}\" value=\"{naam}\"{checked}> \
             <label for=\"practice-{index}\">{naam}</label></div>",
            naam = escape(&practice.naam),
            checked = if index == 0 { " checked" } else { "" },
        );
    }
    let mut services: Vec<(&str, &str)> = Vec::new();
    for offer in directory
        .practices
        .iter()
        .flat_map(|practice| &practice.offers)
    {
        if !services.iter().any(|(id, _)| *id == offer.id) {
            services.push((&offer.id, &offer.weergavenaam));
        }
    }
    let _ = write!(
        body,
        "</fieldset><fieldset><legend>{}</legend>",
        escape(&lang.t("home-service"))
    );
    for (index, (id, name)) in services.iter().enumerate() {
        let _ = write!(
            body,
            "<div><input type=\"radio\" name=\"gegevensdienst\" id=\"dienst-{id}\" value=\"{id}\"{checked}> \
             <label for=\"dienst-{id}\">{name} ({id})</label></div>",
            id = escape(id),
            name = escape(name),
            checked = if index == 0 { " checked" } else { "" },
        );
    }
    let _ = write!(
        body,
        "</fieldset><input type=\"hidden\" name=\"lang\" value=\"{}\"><p><button type=\"submit\" id=\"start\">{}</button></p></form>",
        lang.code(),
        escape(&lang.t("home-start"))
    );
    frame(lang, &lang.t("home-title"), "/", &body)
}

/// Renders a page with one message and a link back to the start.
pub fn message(lang: Lang, title: &str, text: &str) -> String {
    let body = format!(
        "<p class=\"error\" role=\"alert\">{}</p><p><a class=\"button\" href=\"/\">{}</a></p>",
        escape(text),
        escape(&lang.t("start-again"))
    );
    frame(lang, title, "/", &body)
}

/// One part of the data page: its rows, or the error that prevented fetching it.
pub type Part<T> = Result<Vec<T>, String>;

/// Everything the data page shows.
#[derive(Debug, Default)]
pub struct DataView {
    /// Practice name.
    pub practice: String,
    /// Gegevensdienst name.
    pub service: String,
    /// Episodes.
    pub episodes: Option<Part<Episode>>,
    /// Medication.
    pub medication: Option<Part<Medication>>,
    /// Intolerances.
    pub intolerances: Option<Part<Intolerance>>,
    /// Results.
    pub results: Option<Part<Measurement>>,
    /// Journal lines.
    pub journal: Option<Part<JournalLine>>,
    /// Letters.
    pub letters: Option<Part<Letter>>,
}

fn table(lang: Lang, headers: &[&str], rows: &[Vec<String>]) -> String {
    if rows.is_empty() {
        return format!("<p>{}</p>", escape(&lang.t("data-empty")));
    }
    let mut html = String::from("<table><thead><tr>");
    for header in headers {
        let _ = write!(html, "<th>{}</th>", escape(&lang.t(header)));
    }
    html.push_str("</tr></thead><tbody>");
    for row in rows {
        html.push_str("<tr>");
        for cell in row {
            // Cells are escaped by the callers, so that a cell may hold a link.
            let _ = write!(html, "<td>{cell}</td>");
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

fn section<T>(
    lang: Lang,
    id: &str,
    title_key: &str,
    part: &Option<Part<T>>,
    render: impl Fn(&[T]) -> String,
) -> String {
    let Some(part) = part else {
        return String::new();
    };
    let content = match part {
        Ok(rows) => render(rows),
        Err(error) => format!(
            "<p class=\"error\">{}</p>",
            escape(&lang.ta("data-failed", &[("error", error)]))
        ),
    };
    format!(
        "<section id=\"{id}\"><h2>{}</h2>{content}</section>",
        escape(&lang.t(title_key))
    )
}

fn status_text(lang: Lang, status: &str) -> String {
    match status {
        "active" => lang.t("status-active"),
        "finished" => lang.t("status-finished"),
        other => other.to_owned(),
    }
}

fn results_html(lang: Lang, rows: &[Measurement]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for row in rows {
        if !names.contains(&row.name.as_str()) {
            names.push(&row.name);
        }
    }
    let mut charts = String::from("<div class=\"charts\">");
    for name in &names {
        let points: Vec<(String, f64)> = rows
            .iter()
            .filter(|row| row.name == *name)
            .filter_map(|row| Some((row.date.clone(), row.value?)))
            .collect();
        let unit = rows
            .iter()
            .find(|row| row.name == *name && row.value.is_some())
            .and_then(|row| row.shown.split_once(' ').map(|(_, unit)| unit.to_owned()))
            .unwrap_or_default();
        let label = lang.ta("chart-label", &[("name", name)]);
        if let Some(svg) = line_chart(&label, &unit, &points) {
            let _ = write!(
                charts,
                "<figure>{svg}<figcaption>{}</figcaption></figure>",
                escape(name)
            );
        }
    }
    charts.push_str("</div>");
    let mut sorted: Vec<&Measurement> = rows.iter().collect();
    sorted.sort_by(|a, b| b.date.cmp(&a.date));
    let table_rows: Vec<Vec<String>> = sorted
        .iter()
        .map(|row| vec![escape(&row.date), escape(&row.name), escape(&row.shown)])
        .collect();
    charts + &table(lang, &["col-date", "col-name", "col-value"], &table_rows)
}

/// Renders the data page.
pub fn data(lang: Lang, view: &DataView) -> String {
    let mut body = format!(
        "<p>{}</p>",
        escape(&lang.ta("data-service", &[("service", &view.service)]))
    );
    body.push_str(&section(
        lang,
        "episodes",
        "section-episodes",
        &view.episodes,
        |rows| {
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|row| {
                    vec![
                        escape(&row.start),
                        escape(&row.name),
                        escape(&status_text(lang, &row.status)),
                    ]
                })
                .collect();
            table(lang, &["col-date", "col-name", "col-status"], &rows)
        },
    ));
    body.push_str(&section(
        lang,
        "medication",
        "section-medication",
        &view.medication,
        |rows| {
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|row| vec![escape(&row.name), escape(&row.dosage), escape(&row.period)])
                .collect();
            table(lang, &["col-name", "col-dosage", "col-period"], &rows)
        },
    ));
    body.push_str(&section(
        lang,
        "intolerances",
        "section-intolerances",
        &view.intolerances,
        |rows| {
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|row| vec![escape(&row.date), escape(&row.name), escape(&row.status)])
                .collect();
            table(lang, &["col-date", "col-name", "col-status"], &rows)
        },
    ));
    body.push_str(&section(
        lang,
        "results",
        "section-results",
        &view.results,
        |rows| results_html(lang, rows),
    ));
    body.push_str(&section(
        lang,
        "journal",
        "section-journal",
        &view.journal,
        |rows| {
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|row| {
                    let kind = match row.kind.as_str() {
                        "E" => lang.t("journal-e"),
                        "P" => lang.t("journal-p"),
                        other => other.to_owned(),
                    };
                    vec![escape(&row.date), escape(&kind), escape(&row.text)]
                })
                .collect();
            table(lang, &["col-date", "col-line", "col-name"], &rows)
        },
    ));
    body.push_str(&section(
        lang,
        "letters",
        "section-letters",
        &view.letters,
        |rows| {
            let rows: Vec<Vec<String>> = rows
                .iter()
                .enumerate()
                .map(|(index, row)| {
                    vec![
                        escape(&row.date),
                        escape(&row.name),
                        format!(
                            "<a href=\"/document/{index}\">{}</a>",
                            escape(&lang.t("letter-open"))
                        ),
                    ]
                })
                .collect();
            table(lang, &["col-date", "col-name", "col-document"], &rows)
        },
    ));
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/logout\"><p><button type=\"submit\">{}</button></p></form>",
        escape(&lang.t("data-logout"))
    );
    frame(
        lang,
        &lang.ta("data-title", &[("practice", &view.practice)]),
        "/data",
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_page_renders_tables_chart_and_links() {
        let view = DataView {
            practice: "huisartsenpraktijk-delinde@medmij".to_owned(),
            service: "Huisartsgegevens".to_owned(),
            results: Some(Ok(vec![
                Measurement {
                    name: "HbA1c".to_owned(),
                    date: "2026-01-10".to_owned(),
                    value: Some(53.0),
                    shown: "53 mmol/mol".to_owned(),
                },
                Measurement {
                    name: "HbA1c".to_owned(),
                    date: "2026-06-10".to_owned(),
                    value: Some(49.0),
                    shown: "49 mmol/mol".to_owned(),
                },
            ])),
            letters: Some(Ok(vec![Letter {
                name: "Ontslagbrief <cardiologie>".to_owned(),
                date: "2025-03-01".to_owned(),
                url: "Binary/1".to_owned(),
            }])),
            episodes: Some(Err("HTTP 502".to_owned())),
            ..DataView::default()
        };
        let html = data(Lang::Nl, &view);
        assert!(html.contains("<svg class=\"chart\""));
        assert_eq!(html.matches("<circle").count(), 2);
        assert!(html.contains("<a href=\"/document/0\">PDF openen</a>"));
        assert!(html.contains("Ontslagbrief &lt;cardiologie&gt;"));
        assert!(html.contains("Dit onderdeel kon niet worden opgehaald: HTTP 502"));
        assert!(!html.contains("id=\"medication\""));
    }
}
