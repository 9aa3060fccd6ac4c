//! Medication: agreements whose period of use has not ended, with the end derived from start + duration.

use serde_json::Value;
use time::{Date, Duration, Month};

use crate::json::{date_at, extensions, resource_type};

const PERIOD_OF_USE: &str = "http://nictiz.nl/fhir/StructureDefinition/zib-Medication-PeriodOfUse";
const DURATION: &str = "http://nictiz.nl/fhir/StructureDefinition/zib-MedicationUse-Duration";
const STOP_TYPE: &str = "http://nictiz.nl/fhir/StructureDefinition/zib-Medication-StopType";

/// Keeps MedicationRequests that are current on `today`; other resources pass.
pub(crate) fn select(resources: Vec<Value>, today: Date) -> Vec<Value> {
    resources
        .into_iter()
        .filter(|resource| {
            resource_type(resource) != "MedicationRequest" || current_on(resource, today)
        })
        .collect()
}

/// Tells whether the medication agreement `resource` is current on `date`.
///
/// An agreement is current when it was not stopped, cancelled or entered in error and its period of use
/// has not ended before `date`: an agreement that starts later counts as current, as in the MP 9
/// notion of "actuele medicatie".
pub fn current_on(resource: &Value, date: Date) -> bool {
    let withdrawn = matches!(
        resource["status"].as_str(),
        Some("stopped" | "cancelled" | "entered-in-error" | "completed")
    );
    if withdrawn || extensions(resource, STOP_TYPE).next().is_some() {
        return false;
    }
    match period_of_use(resource) {
        (_, Some(last_day)) => last_day >= date,
        (_, None) => true,
    }
}

/// Returns the first and the last day of use of a medication agreement.
///
/// The last day is the explicit end of `zib-Medication-PeriodOfUse`, or else start + duration − 1 day from
/// `zib-MedicationUse-Duration` (a use of 7 days from 1 June ends on 7 June). `None` means open.
pub fn period_of_use(resource: &Value) -> (Option<Date>, Option<Date>) {
    let period = extensions(resource, PERIOD_OF_USE)
        .next()
        .map(|extension| &extension["valuePeriod"]);
    let start = period.and_then(|period| date_at(period, "start"));
    let end = period.and_then(|period| date_at(period, "end"));
    if end.is_some() {
        return (start, end);
    }

    let duration = extensions(resource, DURATION)
        .next()
        .map(|extension| &extension["valueDuration"]);
    let derived_end = match (start, duration) {
        (Some(start), Some(duration)) => last_day(start, duration),
        _ => None,
    };
    (start, derived_end)
}

/// Computes the last day of a use that starts on `start` and lasts `duration` (a FHIR Duration in UCUM).
fn last_day(start: Date, duration: &Value) -> Option<Date> {
    let value = duration["value"].as_f64()?;
    if !(value.is_finite() && value > 0.0) {
        return None;
    }
    let unit = duration["code"]
        .as_str()
        .or_else(|| duration["unit"].as_str())?;
    let day_after = match unit {
        "a" | "jaar" | "year" | "years" => add_months(start, months(value * 12.0)?)?,
        "mo" | "maand" | "month" | "months" => add_months(start, months(value)?)?,
        "wk" | "week" | "weeks" => start.checked_add(whole_days(value * 7.0)?)?,
        "d" | "dag" | "day" | "days" => start.checked_add(whole_days(value)?)?,
        "h" | "uur" | "hour" | "hours" => start.checked_add(whole_days(value / 24.0)?)?,
        "min" => start.checked_add(whole_days(value / 1440.0)?)?,
        _ => return None,
    };
    day_after.previous_day()
}

/// Rounds a number of days up, so that any part of a day counts as a day of use.
fn whole_days(days: f64) -> Option<Duration> {
    let days = days.ceil();
    (days < 100_000.0).then(|| Duration::days(days as i64))
}

fn months(value: f64) -> Option<u32> {
    let value = value.ceil();
    (value < 12_000.0).then_some(value as u32)
}

/// Adds whole calendar months; a day that does not exist in the target month becomes its last day.
fn add_months(date: Date, months: u32) -> Option<Date> {
    let index =
        date.year() * 12 + i32::from(date.month() as u8) - 1 + i32::try_from(months).ok()?;
    let year = index.div_euclid(12);
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn agreement(period: Value, duration: Option<Value>) -> Value {
        let mut extension = vec![json!({"url": PERIOD_OF_USE, "valuePeriod": period})];
        if let Some(duration) = duration {
            extension.push(json!({"url": DURATION, "valueDuration": duration}));
        }
        json!({"resourceType": "MedicationRequest", "id": "m", "status": "active", "extension": extension})
    }

    #[test]
    fn explicit_end_boundaries() {
        let ma = agreement(json!({"start": "2026-01-01", "end": "2026-12-04"}), None);
        assert!(current_on(&ma, date!(2026 - 12 - 03)));
        assert!(current_on(&ma, date!(2026 - 12 - 04)));
        assert!(!current_on(&ma, date!(2026 - 12 - 05)));
    }

    #[test]
    fn duration_in_days_boundaries() {
        // 7 days from 28 November: the last day of use is 4 December.
        let ma = agreement(
            json!({"start": "2026-11-28"}),
            Some(
                json!({"value": 7, "unit": "dag", "system": "http://unitsofmeasure.org", "code": "d"}),
            ),
        );
        assert_eq!(
            period_of_use(&ma),
            (Some(date!(2026 - 11 - 28)), Some(date!(2026 - 12 - 04)))
        );
        assert!(current_on(&ma, date!(2026 - 12 - 03)));
        assert!(current_on(&ma, date!(2026 - 12 - 04)));
        assert!(!current_on(&ma, date!(2026 - 12 - 05)));
    }

    #[test]
    fn duration_in_weeks_and_months() {
        let weeks = agreement(
            json!({"start": "2026-11-01"}),
            Some(json!({"value": 2, "code": "wk"})),
        );
        assert_eq!(period_of_use(&weeks).1, Some(date!(2026 - 11 - 14)));

        let months = agreement(
            json!({"start": "2026-01-31"}),
            Some(json!({"value": 1, "code": "mo"})),
        );
        assert_eq!(period_of_use(&months).1, Some(date!(2026 - 02 - 27)));

        let year = agreement(
            json!({"start": "2025-12-05"}),
            Some(json!({"value": 1, "code": "a"})),
        );
        assert_eq!(period_of_use(&year).1, Some(date!(2026 - 12 - 04)));
    }

    #[test]
    fn explicit_end_wins_over_duration() {
        let ma = agreement(
            json!({"start": "2026-01-01", "end": "2026-01-10"}),
            Some(json!({"value": 365, "code": "d"})),
        );
        assert_eq!(period_of_use(&ma).1, Some(date!(2026 - 01 - 10)));
    }

    #[test]
    fn open_ended_and_future_are_current() {
        let open = agreement(json!({"start": "2017-06-12"}), None);
        assert!(current_on(&open, date!(2026 - 12 - 04)));

        let future = agreement(json!({"start": "2027-01-01", "end": "2027-02-01"}), None);
        assert!(current_on(&future, date!(2026 - 12 - 04)));
    }

    #[test]
    fn stopped_agreement_not_current() {
        let mut stopped = agreement(json!({"start": "2017-06-12"}), None);
        stopped["status"] = json!("stopped");
        assert!(!current_on(&stopped, date!(2026 - 12 - 04)));

        let mut with_stop_type = agreement(json!({"start": "2017-06-12"}), None);
        with_stop_type["extension"]
            .as_array_mut()
            .unwrap()
            .push(json!({"url": STOP_TYPE, "valueCodeableConcept": {"text": "stop"}}));
        assert!(!current_on(&with_stop_type, date!(2026 - 12 - 04)));
    }

    #[test]
    fn select_keeps_medication_resources() {
        let ended = agreement(json!({"start": "2020-01-01", "end": "2020-02-01"}), None);
        let medication = json!({"resourceType": "Medication", "id": "med"});

        let kept = select(vec![ended, medication], date!(2026 - 12 - 04));

        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0]["resourceType"], "Medication");
    }
}
