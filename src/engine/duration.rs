//! Durations and dates as infrastructure files write them.
//!
//! Rotation periods come as plain day counts, `7776000s` (GCP), `2160h`,
//! `90d`, Go durations as Kubernetes writes them (`168h0m0s`), AWS schedule
//! expressions `rate(90 days)`, or ISO 8601 `P90D`, `PT1H` (Azure). Anything else (a cron expression) cannot be compared and is left
//! to the caller to report as unknown.

use chrono::NaiveDate;

use crate::tree::{Node, Value};

/// The length of a duration in days, if it can be read.
pub fn days(node: &Node) -> Option<f64> {
    match &node.value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Str(s) => parse_days(s),
        _ => None,
    }
}

/// Parses `90`, `90d`, `2160h`, `7776000s`, Go and Kubernetes durations
/// (`168h0m0s`, `1h30m`), `rate(90 days)`, and ISO 8601 (`P90D`, `P1Y`, `PT1H`, `P1DT12H`).
pub fn parse_days(text: &str) -> Option<f64> {
    let t = text.trim();
    if let Some(inner) = t.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        let (n, unit) = inner.trim().split_once(char::is_whitespace)?;
        let n: f64 = n.parse().ok()?;
        return Some(n * per_unit(unit.trim().trim_end_matches('s'))?);
    }
    if let Some(iso) = t.strip_prefix('P') {
        return iso_days(iso);
    }
    if let Ok(n) = t.parse::<f64>() {
        return Some(n);
    }
    unit_days(t)
}

/// A run of number-and-unit parts, as Go's `time.ParseDuration` writes them
/// (`168h0m0s`), with days and weeks allowed too (`90d`, `2w`).
fn unit_days(text: &str) -> Option<f64> {
    let mut rest = text;
    let mut total = 0.0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|&i| i > 0)?;
        let n: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let per_day = match &rest[..unit_len] {
            "ns" => 86_400e9,
            "us" | "µs" => 86_400e6,
            "ms" => 86_400e3,
            "s" => 86_400.0,
            "m" => 1_440.0,
            "h" => 24.0,
            "d" => 1.0,
            "w" => 1.0 / 7.0,
            _ => return None,
        };
        total += n / per_day;
        rest = &rest[unit_len..];
    }
    Some(total)
}

/// The part of an ISO 8601 duration after `P`: `90D`, `1Y2M`, `T1H30M`, `1DT12H`.
fn iso_days(text: &str) -> Option<f64> {
    let (date, time) = match text.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, t),
        Some(_) => return None,
        None => (text, ""),
    };
    if date.is_empty() && time.is_empty() {
        return None;
    }
    let date_units = |u: char| match u {
        'Y' => Some(365.0),
        'M' => Some(30.0),
        'W' => Some(7.0),
        'D' => Some(1.0),
        _ => None,
    };
    let time_units = |u: char| match u {
        'H' => Some(1.0 / 24.0),
        'M' => Some(1.0 / 1_440.0),
        'S' => Some(1.0 / 86_400.0),
        _ => None,
    };
    Some(iso_parts(date, date_units)? + iso_parts(time, time_units)?)
}

fn iso_parts(text: &str, unit: impl Fn(char) -> Option<f64>) -> Option<f64> {
    let mut total = 0.0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() || c == '.' || c == ',' {
            number.push(if c == ',' { '.' } else { c });
        } else {
            let n: f64 = number.parse().ok()?;
            total += n * unit(c)?;
            number.clear();
        }
    }
    number.is_empty().then_some(total)
}

fn per_unit(unit: &str) -> Option<f64> {
    Some(match unit {
        "minute" => 1.0 / 1_440.0,
        "hour" => 1.0 / 24.0,
        "day" => 1.0,
        _ => return None,
    })
}

/// A date from `YYYY-MM-DD` or an RFC 3339 timestamp.
pub fn date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_infrastructure_uses() {
        assert_eq!(parse_days("rate(90 days)"), Some(90.0));
        assert_eq!(parse_days("rate(1 day)"), Some(1.0));
        assert_eq!(parse_days("7776000s"), Some(90.0));
        assert_eq!(parse_days("2160h"), Some(90.0));
        assert_eq!(parse_days("P90D"), Some(90.0));
        assert_eq!(parse_days("365"), Some(365.0));
        assert_eq!(parse_days("cron(0 12 * * ? *)"), None);
        assert_eq!(parse_days("168h0m0s"), Some(7.0));
        assert_eq!(parse_days("1h30m"), Some(1.5 / 24.0));
        assert_eq!(parse_days("2w"), Some(14.0));
        assert_eq!(parse_days("0s"), Some(0.0));
        assert_eq!(parse_days("PT1H"), Some(1.0 / 24.0));
        assert_eq!(parse_days("P1DT12H"), Some(1.5));
        assert_eq!(parse_days("P1Y"), Some(365.0));
        assert_eq!(parse_days("P"), None);
        assert_eq!(parse_days("PT"), None);
        assert_eq!(parse_days("1h30"), None);
        assert_eq!(parse_days("h"), None);
        assert_eq!(parse_days("90 days"), None);
        assert_eq!(
            date("2026-01-31T10:00:00Z"),
            NaiveDate::from_ymd_opt(2026, 1, 31)
        );
    }
}
