//! Calendar days, enough for the ledger: parse `YYYY-MM-DD` or an RFC 3339 date-time (which
//! counts as its day), and today's date from the system clock (UTC).

/// Days since 1970-01-01.
pub type Day = i64;

/// Parses `YYYY-MM-DD`, or an RFC 3339 date-time, into its calendar day.
pub fn parse_day(text: &str) -> Option<Day> {
    let bytes = text.as_bytes();
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, m, d) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    if bytes.len() > 10 && !is_rfc3339_time(&text[10..]) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// `Thh:mm:ss[.frac](Z|±hh:mm)` after the date.
fn is_rfc3339_time(rest: &str) -> bool {
    let b = rest.as_bytes();
    if b.len() < 10 || !matches!(b[0], b'T' | b't' | b' ') || b[3] != b':' || b[6] != b':' {
        return false;
    }
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    let value = |s: &[u8]| s.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    if !(digits(&b[1..3]) && digits(&b[4..6]) && digits(&b[7..9])) {
        return false;
    }
    // Hours to 23, minutes to 59, seconds to 60 (a leap second).
    if value(&b[1..3]) > 23 || value(&b[4..6]) > 59 || value(&b[7..9]) > 60 {
        return false;
    }
    let mut i = 9;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            digits(&[*h1, *h2, *m1, *m2]) && value(&[*h1, *h2]) <= 23 && value(&[*m1, *m2]) <= 59
        }
        _ => false,
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's days_from_civil.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn civil_from_days(z: Day) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

pub fn format_day(day: Day) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Today in UTC.
pub fn today() -> Day {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    (secs / 86_400) as Day
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for day in [-1000, 0, 19_000, 20_500, 100_000] {
            assert_eq!(parse_day(&format_day(day)), Some(day));
        }
        assert_eq!(format_day(parse_day("2026-03-01").unwrap()), "2026-03-01");
    }

    #[test]
    fn date_times_count_as_their_day() {
        assert_eq!(
            parse_day("2026-04-02T23:59:59+02:00"),
            parse_day("2026-04-02")
        );
        assert_eq!(
            parse_day("2026-04-02T08:00:00.123Z"),
            parse_day("2026-04-02")
        );
    }

    #[test]
    fn rejects_bad_dates() {
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "26-01-01",
            "2026-01-01X",
            "2026/01/01",
            "2026-01-01T25",
            "2026-03-13T25:00:00Z",
            "2026-03-13T12:60:00Z",
            "2026-03-13T12:00:61Z",
            "2026-03-13T12:00:00+99:00",
            "2026-03-13T12:00:00+01:60",
            "",
            "2025-02-29",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
        assert!(parse_day("2024-02-29").is_some());
    }
}
