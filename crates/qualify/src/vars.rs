//! `${...}` substitution in TestScript values and fixtures: `${UUID}`, `${CURRENTDATE}`,
//! `${CURRENTDATE,M,-14}`, `${DATE, T, D, -300}` and named script variables.

use time::{Date, Month};

use crate::QualifyError;

/// Replaces every `${...}` in `text`. `lookup` returns the value of a named variable, or `None`
/// when the script declares no such variable.
pub fn substitute(
    text: &str,
    today: Date,
    lookup: &mut dyn FnMut(&str) -> Result<Option<String>, QualifyError>,
) -> Result<String, QualifyError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(QualifyError::Variable(format!(
                "unterminated ${{ in {text:?}"
            )));
        };
        out.push_str(&expand(&after[..end], today, lookup)?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Expands the inside of one `${...}`.
fn expand(
    inner: &str,
    today: Date,
    lookup: &mut dyn FnMut(&str) -> Result<Option<String>, QualifyError>,
) -> Result<String, QualifyError> {
    let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
    match parts.as_slice() {
        ["UUID"] => Ok(uuid::Uuid::new_v4().to_string()),
        ["CURRENTDATE"] => Ok(format_date(today)),
        ["CURRENTDATE", unit, amount] => Ok(format_date(shift(today, unit, amount)?)),
        ["DATE", variable, unit, amount] => {
            let base = match lookup(variable)? {
                Some(value) => parse_date(&value)?,
                None if *variable == "T" => today,
                None => {
                    return Err(QualifyError::Variable(format!(
                        "unknown date variable {variable} in ${{{inner}}}"
                    )));
                }
            };
            Ok(format_date(shift(base, unit, amount)?))
        }
        [name] => lookup(name)?
            .ok_or_else(|| QualifyError::Variable(format!("unknown variable ${{{name}}}"))),
        _ => Err(QualifyError::Variable(format!(
            "unsupported expression ${{{inner}}}"
        ))),
    }
}

/// Adds `amount` years (`Y`), months (`M`) or days (`D`) to `date`; month arithmetic clamps the
/// day to the end of the target month.
pub fn shift(date: Date, unit: &str, amount: &str) -> Result<Date, QualifyError> {
    let amount: i64 = amount
        .trim()
        .parse()
        .map_err(|_| QualifyError::Variable(format!("invalid date offset {amount:?}")))?;
    let out_of_range = || QualifyError::Variable(format!("date offset {amount} is out of range"));
    match unit {
        "D" => date
            .checked_add(time::Duration::days(amount))
            .ok_or_else(out_of_range),
        "M" | "Y" => {
            let months = if unit == "Y" { amount * 12 } else { amount };
            let index =
                i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + months;
            let year = i32::try_from(index.div_euclid(12)).map_err(|_| out_of_range())?;
            let month_number =
                u8::try_from(index.rem_euclid(12) + 1).map_err(|_| out_of_range())?;
            let month = Month::try_from(month_number).map_err(|_| out_of_range())?;
            let day = date.day().min(month.length(year));
            Date::from_calendar_date(year, month, day).map_err(|_| out_of_range())
        }
        other => Err(QualifyError::Variable(format!(
            "unsupported date unit {other:?} (expected Y, M or D)"
        ))),
    }
}

/// Formats as `yyyy-MM-dd`.
pub fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

fn parse_date(text: &str) -> Result<Date, QualifyError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let head = text.get(..10).unwrap_or(text);
    Date::parse(head, format)
        .map_err(|_| QualifyError::Variable(format!("invalid date value {text:?}")))
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn none(_: &str) -> Result<Option<String>, QualifyError> {
        Ok(None)
    }

    #[test]
    fn current_date_and_offsets() {
        let today = date!(2026 - 03 - 31);
        assert_eq!(
            substitute("${CURRENTDATE}", today, &mut none).unwrap(),
            "2026-03-31"
        );
        assert_eq!(
            substitute("ge${CURRENTDATE,M,-14}", today, &mut none).unwrap(),
            "ge2025-01-31"
        );
        assert_eq!(
            substitute("${CURRENTDATE,M,-1}", today, &mut none).unwrap(),
            "2026-02-28"
        );
        assert_eq!(
            substitute("${DATE, T, D, -300}", today, &mut none).unwrap(),
            "2025-06-04"
        );
        assert_eq!(
            substitute("${DATE, T, D,-0}", today, &mut none).unwrap(),
            "2026-03-31"
        );
        assert_eq!(
            substitute("${DATE, T, Y, 1}", today, &mut none).unwrap(),
            "2027-03-31"
        );
    }

    #[test]
    fn date_uses_variable_t() {
        let mut lookup = |name: &str| -> Result<Option<String>, QualifyError> {
            Ok((name == "T").then(|| "2020-01-10".to_owned()))
        };
        let text = substitute("${DATE, T, D, -10}", date!(2026 - 01 - 01), &mut lookup).unwrap();
        assert_eq!(text, "2019-12-31");
    }

    #[test]
    fn named_and_uuid() {
        let mut lookup = |name: &str| -> Result<Option<String>, QualifyError> {
            Ok((name == "tok").then(|| "Bearer x".to_owned()))
        };
        let today = date!(2026 - 01 - 01);
        assert_eq!(
            substitute("a ${tok} b", today, &mut lookup).unwrap(),
            "a Bearer x b"
        );
        let first = substitute("${UUID}", today, &mut lookup).unwrap();
        let second = substitute("${UUID}", today, &mut lookup).unwrap();
        assert_eq!(first.len(), 36);
        assert_ne!(first, second);
        assert!(substitute("${missing}", today, &mut lookup).is_err());
        assert!(substitute("${open", today, &mut lookup).is_err());
    }
}
