//! Applying a query's date range (`queryByParameter/effectiveTime`) to an answer message, for the
//! generated data and for the `--his-data` files alike.
//!
//! Every Ketenzorg answer holds its items as `ControlActProcess/subject/organizer/component/*`.
//! An item's dates are its own `effectiveTime` (a `value`, or `low` and `high`), or else the first
//! `effectiveTime` with a `value` or `low` below it (the intolerance observation inside its concern
//! act). An item is kept when that interval overlaps the range, both ends inclusive: a point in
//! time must lie in the range, an episode or medication agreement without an end is kept when it
//! started before the range ends. Items without any date (alerts) are always kept. The `queryAck`
//! counts are left as they were: they count subjects, not items.

use hl7v3::dom::Node;
use time::Date;

use hl7v3::read::ReadError;
use hl7v3::xml::{child, children, elements};

/// A query's date range: the first day, and the last day when the range is closed.
pub type Period = (Date, Option<Date>);

/// Returns `answer` without the items that lie outside `period`.
pub(crate) fn filter(answer: &str, period: &Period) -> Result<String, ReadError> {
    let doc = hl7v3::read::parse(answer)?;
    let root = doc.root_element();
    let mut cuts: Vec<std::ops::Range<usize>> = Vec::new();
    let control_acts = root
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "ControlActProcess");
    for control_act in control_acts {
        for organizer in children(control_act, "subject").flat_map(elements) {
            for component in children(organizer, "component") {
                let Some(item) = elements(component).next() else {
                    continue;
                };
                if let Some(dates) = item_dates(item)
                    && !overlaps(dates, period)
                {
                    cuts.push(component.range());
                }
            }
        }
    }
    let mut kept = String::with_capacity(answer.len());
    let mut from = 0;
    for cut in cuts {
        kept.push_str(answer.get(from..cut.start).unwrap_or_default());
        from = cut.end;
    }
    kept.push_str(answer.get(from..).unwrap_or_default());
    Ok(kept)
}

/// The first and last day of an item, where `None` is an open end.
type Dates = (Option<Date>, Option<Date>);

fn item_dates(item: Node<'_, '_>) -> Option<Dates> {
    if let Some(dates) = child(item, "effectiveTime").and_then(interval) {
        return Some(dates);
    }
    item.descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "effectiveTime")
        .find_map(interval)
}

/// Reads an `effectiveTime` as a TS (`value`) or an IVL_TS (`low`, `high`, or `center`); `None`
/// when it has no date, e.g. a dosage frequency.
fn interval(time: Node<'_, '_>) -> Option<Dates> {
    if let Some(date) = time.attribute("value").and_then(hl7_date) {
        return Some((Some(date), Some(date)));
    }
    if let Some(date) = child(time, "center")
        .and_then(|c| c.attribute("value"))
        .and_then(hl7_date)
    {
        return Some((Some(date), Some(date)));
    }
    let bound = |name: &str| {
        child(time, name)
            .and_then(|b| b.attribute("value"))
            .and_then(hl7_date)
    };
    let (low, high) = (bound("low"), bound("high"));
    (low.is_some() || high.is_some()).then_some((low, high))
}

fn overlaps((start, end): Dates, (from, to): &Period) -> bool {
    let starts_in_time = match (start, to) {
        (Some(start), Some(to)) => start <= *to,
        _ => true,
    };
    let ends_in_time = end.is_none_or(|end| end >= *from);
    starts_in_time && ends_in_time
}

pub(crate) use hl7v3::xml::ts_date as hl7_date;

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn overlap_inclusive_with_open_ends() {
        let period = (date!(2026 - 01 - 01), Some(date!(2026 - 06 - 30)));
        let day = |d: Date| (Some(d), Some(d));
        assert!(overlaps(day(date!(2026 - 01 - 01)), &period));
        assert!(overlaps(day(date!(2026 - 06 - 30)), &period));
        assert!(!overlaps(day(date!(2025 - 12 - 31)), &period));
        assert!(!overlaps(day(date!(2026 - 07 - 01)), &period));
        assert!(overlaps((Some(date!(2020 - 01 - 01)), None), &period));
        assert!(!overlaps((Some(date!(2026 - 07 - 01)), None), &period));
        assert!(!overlaps(
            (Some(date!(2020 - 01 - 01)), Some(date!(2020 - 02 - 01))),
            &period
        ));
        let open = (date!(2026 - 01 - 01), None);
        assert!(overlaps(day(date!(2030 - 01 - 01)), &open));
        assert!(!overlaps(day(date!(2025 - 01 - 01)), &open));
    }

    #[test]
    fn filter_cuts_items_outside_period() {
        let answer = r#"<REPC_IN990101NL xmlns="urn:hl7-org:v3"><ControlActProcess><subject><organizer><component><act><effectiveTime value="20260315"/></act></component><component><act><effectiveTime value="20250315"/></act></component><component><observation><code code="x"/></observation></component><component><act><statusCode code="active"/><entryRelationship><observation><effectiveTime><low value="20240101"/></effectiveTime></observation></entryRelationship></act></component></organizer></subject><queryAck/></ControlActProcess></REPC_IN990101NL>"#;
        let period = (date!(2026 - 01 - 01), Some(date!(2026 - 12 - 31)));
        let kept = filter(answer, &period).unwrap();
        assert!(kept.contains("20260315"));
        assert!(!kept.contains("20250315"));
        assert!(kept.contains(r#"<code code="x"/>"#));
        assert!(kept.contains("20240101"), "an ongoing intolerance is kept");
        let period = (date!(2026 - 01 - 01), Some(date!(2026 - 01 - 31)));
        let kept = filter(answer, &period).unwrap();
        assert_eq!(kept.matches("<component>").count(), 2);
        hl7v3::read::parse(&kept).unwrap();
    }
}
