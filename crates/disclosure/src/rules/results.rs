//! Results: lab results and general measurements of the last 14 months.

use serde_json::Value;
use time::{Date, Month};

use crate::json::{date_at, resource_type};

/// The number of months of results that a patient sees.
const WINDOW_MONTHS: i32 = 14;

/// Keeps Observations made on or after [`window_start`]; other resources pass.
pub(crate) fn select(resources: Vec<Value>, today: Date) -> Vec<Value> {
    let from = window_start(today);
    resources
        .into_iter()
        .filter(|resource| {
            resource_type(resource) != "Observation"
                || effective_date(resource).is_some_and(|date| date >= from)
        })
        .collect()
}

/// Returns the first day of the results window: the same calendar day 14 months before `today`
/// (or the last day of that month when it is shorter).
pub fn window_start(today: Date) -> Date {
    let index = today.year() * 12 + i32::from(today.month() as u8) - 1 - WINDOW_MONTHS;
    let year = index.div_euclid(12);
    let month_number = u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1);
    let month = Month::try_from(month_number).unwrap_or(Month::January);
    let day = today.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).unwrap_or(today)
}

/// Reads the clinically relevant date: `effectiveDateTime`, else the period, else `issued`.
/// An Observation without any date is dropped, because its age cannot be shown to be inside the window.
fn effective_date(observation: &Value) -> Option<Date> {
    date_at(observation, "effectiveDateTime")
        .or_else(|| date_at(&observation["effectivePeriod"], "start"))
        .or_else(|| date_at(&observation["effectivePeriod"], "end"))
        .or_else(|| date_at(observation, "issued"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn observation(date: &str) -> Value {
        json!({"resourceType": "Observation", "id": date, "effectiveDateTime": date})
    }

    #[test]
    fn window_is_fourteen_months() {
        assert_eq!(window_start(date!(2026 - 12 - 04)), date!(2025 - 10 - 04));
        assert_eq!(window_start(date!(2026 - 02 - 10)), date!(2024 - 12 - 10));
        assert_eq!(window_start(date!(2026 - 04 - 30)), date!(2025 - 02 - 28));
    }

    #[test]
    fn window_boundaries() {
        let today = date!(2026 - 12 - 04);
        let kept = select(
            vec![
                observation("2025-10-03"),
                observation("2025-10-04T08:00:00+02:00"),
                observation("2025-10-05"),
            ],
            today,
        );
        let ids: Vec<_> = kept.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["2025-10-04T08:00:00+02:00", "2025-10-05"]);
    }

    #[test]
    fn undated_observation_dropped_and_specimen_kept() {
        let kept = select(
            vec![
                json!({"resourceType": "Observation", "id": "undated"}),
                json!({"resourceType": "Observation", "id": "p", "effectivePeriod": {"start": "2026-11-01"}}),
                json!({"resourceType": "Specimen", "id": "s"}),
            ],
            date!(2026 - 12 - 04),
        );
        let ids: Vec<_> = kept.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["p", "s"]);
    }
}
