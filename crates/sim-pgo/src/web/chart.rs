//! Inline SVG line charts of one measurement over time.

use std::fmt::Write as _;

use time::Date;
use time::macros::format_description;

const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 140.0;
const MARGIN: f64 = 28.0;

/// Escapes text for HTML and SVG.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text, format_description!("[year]-[month]-[day]")).ok()
}

/// Draws `points` (date `YYYY-MM-DD`, value) as a line chart titled `label`. Points with an
/// unreadable date are left out; returns `None` when fewer than one point remains.
pub fn line_chart(label: &str, unit: &str, points: &[(String, f64)]) -> Option<String> {
    let mut dated: Vec<(Date, f64)> = points
        .iter()
        .filter_map(|(date, value)| Some((parse_date(date)?, *value)))
        .collect();
    if dated.is_empty() {
        return None;
    }
    dated.sort_by_key(|(date, _)| *date);
    let first = dated.first().map(|(date, _)| date.to_julian_day())?;
    let last = dated.last().map(|(date, _)| date.to_julian_day())?;
    let min = dated
        .iter()
        .map(|(_, value)| *value)
        .fold(f64::INFINITY, f64::min);
    let max = dated
        .iter()
        .map(|(_, value)| *value)
        .fold(f64::NEG_INFINITY, f64::max);
    let span_days = f64::from((last - first).max(1));
    let span_values = if (max - min).abs() < f64::EPSILON {
        1.0
    } else {
        max - min
    };
    let x = |day: i32| MARGIN + f64::from(day - first) / span_days * (WIDTH - 2.0 * MARGIN);
    let y = |value: f64| HEIGHT - MARGIN - (value - min) / span_values * (HEIGHT - 2.0 * MARGIN);

    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{label}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         width=\"{WIDTH}\" height=\"{HEIGHT}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <line x1=\"{MARGIN}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"#999\"/>\
         <line x1=\"{MARGIN}\" y1=\"{MARGIN}\" x2=\"{MARGIN}\" y2=\"{bottom}\" stroke=\"#999\"/>",
        label = escape(label),
        bottom = HEIGHT - MARGIN,
        right = WIDTH - MARGIN,
    );
    let polyline: Vec<String> = dated
        .iter()
        .map(|(date, value)| format!("{:.1},{:.1}", x(date.to_julian_day()), y(*value)))
        .collect();
    let _ = write!(
        svg,
        "<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\" points=\"{}\"/>",
        polyline.join(" ")
    );
    for (date, value) in &dated {
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#1565c0\"><title>{date}: {value} {}</title></circle>",
            x(date.to_julian_day()),
            y(*value),
            escape(unit)
        );
    }
    let unit = escape(unit);
    let _ = write!(
        svg,
        "<text x=\"2\" y=\"{top:.1}\" font-size=\"10\">{max} {unit}</text>\
         <text x=\"2\" y=\"{low:.1}\" font-size=\"10\">{min} {unit}</text>\
         <text x=\"{MARGIN}\" y=\"{HEIGHT}\" font-size=\"10\" dy=\"-4\">{start}</text>\
         <text x=\"{right}\" y=\"{HEIGHT}\" font-size=\"10\" dy=\"-4\" text-anchor=\"end\">{end}</text></svg>",
        top = MARGIN - 4.0,
        low = HEIGHT - MARGIN + 12.0,
        right = WIDTH - MARGIN,
        start = dated
            .first()
            .map(|(date, _)| date.to_string())
            .unwrap_or_default(),
        end = dated
            .last()
            .map(|(date, _)| date.to_string())
            .unwrap_or_default(),
    );
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_has_one_circle_per_point() {
        let points = vec![
            ("2026-03-01".to_owned(), 140.0),
            ("2025-12-01".to_owned(), 150.0),
            ("not a date".to_owned(), 1.0),
        ];
        let svg = line_chart("Systolische bloeddruk", "mm[Hg]", &points).unwrap();
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("2025-12-01"));
        assert!(svg.contains("aria-label=\"Systolische bloeddruk\""));
    }

    #[test]
    fn chart_without_dates_is_none() {
        assert!(line_chart("x", "", &[("?".to_owned(), 1.0)]).is_none());
    }
}
