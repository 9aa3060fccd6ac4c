//! Today's date in the Netherlands (CET/CEST), which decides the disclosure windows.

use time::{Date, Month, OffsetDateTime, UtcOffset};

/// Returns the calendar date in the Netherlands at `now`.
///
/// Summer time (UTC+2) runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday
/// of October, as in the EU rules since 1996; otherwise the offset is UTC+1.
pub fn dutch_date(now: OffsetDateTime) -> Date {
    let utc = now.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let summer_start = last_sunday(year, Month::March).map(|day| day.with_hms(1, 0, 0));
    let summer_end = last_sunday(year, Month::October).map(|day| day.with_hms(1, 0, 0));
    let in_summer = match (summer_start, summer_end) {
        (Some(Ok(start)), Some(Ok(end))) => {
            let moment = utc.date().with_time(utc.time());
            moment >= start && moment < end
        }
        _ => false,
    };
    let hours = if in_summer { 2 } else { 1 };
    (utc + time::Duration::hours(hours)).date()
}

fn last_sunday(year: i32, month: Month) -> Option<Date> {
    let last =
        Date::from_calendar_date(year, month, time::util::days_in_month(month, year)).ok()?;
    let back = last.weekday().number_days_from_sunday();
    last.checked_sub(time::Duration::days(i64::from(back)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn winter_midnight() {
        assert_eq!(
            dutch_date(datetime!(2026-12-04 22:59 UTC)),
            date!(2026 - 12 - 04)
        );
        assert_eq!(
            dutch_date(datetime!(2026-12-04 23:00 UTC)),
            date!(2026 - 12 - 05)
        );
    }

    #[test]
    fn summer_midnight() {
        assert_eq!(
            dutch_date(datetime!(2026-07-01 21:59 UTC)),
            date!(2026 - 07 - 01)
        );
        assert_eq!(
            dutch_date(datetime!(2026-07-01 22:00 UTC)),
            date!(2026 - 07 - 02)
        );
    }

    #[test]
    fn last_sundays_2026() {
        assert_eq!(last_sunday(2026, Month::March), Some(date!(2026 - 03 - 29)));
        assert_eq!(
            last_sunday(2026, Month::October),
            Some(date!(2026 - 10 - 25))
        );
    }
}
