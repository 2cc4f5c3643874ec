//! The date and time formats of the wire: `DD/MM/YYYY` dates,
//! `DD/MM/YYYY HH:MI:SS AM` CSV time stamps and ISO-8601 request `ts`.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// The years a document date (issued, valid from, valid to) may fall in.
pub const DOCUMENT_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Parses `DD/MM/YYYY` into an ISO `YYYY-MM-DD`, refusing dates that do not
/// exist (31/02/2024). One- and two-digit days and months are accepted.
pub fn parse_dmy(s: &str) -> Option<Date> {
    // (The calendar has a year 0000; no document was issued in it.)
    let mut parts = s.split('/');
    let day: u8 = parse_num(parts.next()?, 1, 2)?;
    let month: u8 = parse_num(parts.next()?, 1, 2)?;
    let year: i32 = parse_num(parts.next()?, 4, 4)?;
    if parts.next().is_some() || !DOCUMENT_YEARS.contains(&year) {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// Parses `DD/MM/YYYY HH:MI:SS AM` (12-hour clock, AM or PM).
pub fn parse_csv_time_stamp(s: &str) -> Option<PrimitiveDateTime> {
    let mut parts = s.split_ascii_whitespace();
    let date = parse_dmy(parts.next()?)?;
    let clock = parts.next()?;
    let meridiem = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let mut hms = clock.split(':');
    let hour: u8 = parse_num(hms.next()?, 1, 2)?;
    let minute: u8 = parse_num(hms.next()?, 2, 2)?;
    let second: u8 = parse_num(hms.next()?, 2, 2)?;
    if hms.next().is_some() || !(1..=12).contains(&hour) {
        return None;
    }
    let hour24 = match meridiem.to_ascii_uppercase().as_str() {
        "AM" => hour % 12,
        "PM" => hour % 12 + 12,
        _ => return None,
    };
    Some(PrimitiveDateTime::new(
        date,
        Time::from_hms(hour24, minute, second).ok()?,
    ))
}

fn parse_num<T: std::str::FromStr>(s: &str, min_len: usize, max_len: usize) -> Option<T> {
    if (min_len..=max_len).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// ISO `YYYY-MM-DD`.
pub fn iso_date(d: Date) -> String {
    let fmt = format_description!("[year]-[month]-[day]");
    d.format(&fmt).unwrap_or_default()
}

/// ISO `YYYY-MM-DDTHH:MM:SS` (no offset: CSV time stamps carry none).
pub fn iso_date_time(t: PrimitiveDateTime) -> String {
    let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    t.format(&fmt).unwrap_or_default()
}

/// Parses a request `ts`: `YYYY-MM-DDThh:mm:ss±hh:mm` (or `Z`), fractional
/// seconds allowed.
pub fn parse_ts(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// The current time as a request `ts` in UTC+05:30, as Indian systems send it.
pub fn now_ts() -> String {
    ts_at(OffsetDateTime::now_utc())
}

/// A moment as a `ts`, in Indian time.
pub fn ts_at(at: OffsetDateTime) -> String {
    let offset = time::UtcOffset::from_hms(5, 30, 0).unwrap_or(time::UtcOffset::UTC);
    let fmt = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
    );
    at.to_offset(offset).format(&fmt).unwrap_or_default()
}

/// Seconds since the Unix epoch, now.
/// Unix seconds as a UTC time for people, `YYYY-MM-DDThh:mm:ssZ`.
pub fn iso_unix(t: i64) -> String {
    OffsetDateTime::from_unix_timestamp(t)
        .map(|t| format!("{}Z", iso_date_time(PrimitiveDateTime::new(t.date(), t.time()))))
        .unwrap_or_else(|_| t.to_string())
}

pub fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dmy_dates_must_exist() {
        assert_eq!(iso_date(parse_dmy("29/02/2024").unwrap()), "2024-02-29");
        assert!(parse_dmy("29/02/2023").is_none());
        assert!(parse_dmy("31/04/2024").is_none());
        assert!(parse_dmy("2024-01-01").is_none());
        assert!(parse_dmy("1/1/2024").is_some());
        assert!(parse_dmy("01/01/0000").is_none(), "no document dates from year 0");
        assert!(parse_dmy("01/01/1899").is_none());
        assert!(parse_dmy("31/12/9999").is_none());
        assert!(parse_dmy("31/12/2199").is_some());
    }

    #[test]
    fn csv_time_stamps_use_a_12_hour_clock() {
        let t = parse_csv_time_stamp("05/03/2024 12:05:09 AM").unwrap();
        assert_eq!(iso_date_time(t), "2024-03-05T00:05:09");
        let t = parse_csv_time_stamp("05/03/2024 01:05:09 pm").unwrap();
        assert_eq!(iso_date_time(t), "2024-03-05T13:05:09");
        assert!(parse_csv_time_stamp("05/03/2024 13:05:09 PM").is_none());
        assert!(parse_csv_time_stamp("05/03/2024 01:05:09").is_none());
    }

    #[test]
    fn ts_with_offset() {
        let t = parse_ts("2026-11-29T10:00:00+05:30").unwrap();
        assert_eq!(
            t.unix_timestamp(),
            parse_ts("2026-11-29T04:30:00Z").unwrap().unix_timestamp()
        );
        assert!(parse_ts("2026-11-29 10:00:00").is_none());
        assert!(parse_ts(&now_ts()).is_some());
    }
}
