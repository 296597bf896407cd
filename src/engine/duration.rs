//! Durations and dates as infrastructure files write them.
//!
//! Rotation periods come as plain day counts, `7776000s` (GCP), `2160h`,
//! `90d`, AWS schedule expressions `rate(90 days)`, or ISO 8601 `P90D`
//! (Azure). Anything else (a cron expression) cannot be compared and is left
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

/// Parses `90`, `90d`, `2160h`, `7776000s`, `rate(90 days)`, `P90D`, `P1Y`.
pub fn parse_days(text: &str) -> Option<f64> {
    let t = text.trim();
    if let Some(inner) = t.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        let (n, unit) = inner.trim().split_once(char::is_whitespace)?;
        let n: f64 = n.parse().ok()?;
        return Some(n * per_unit(unit.trim().trim_end_matches('s'))?);
    }
    if let Some(iso) = t.strip_prefix('P') {
        let (n, unit) = iso.split_at(iso.len().checked_sub(1)?);
        let n: f64 = n.parse().ok()?;
        return Some(
            n * match unit {
                "D" => 1.0,
                "W" => 7.0,
                "M" => 30.0,
                "Y" => 365.0,
                _ => return None,
            },
        );
    }
    if let Ok(n) = t.parse::<f64>() {
        return Some(n);
    }
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (n, unit) = t.split_at(split);
    let n: f64 = n.parse().ok()?;
    Some(
        n * match unit {
            "s" => 1.0 / 86_400.0,
            "m" => 1.0 / 1_440.0,
            "h" => 1.0 / 24.0,
            "d" => 1.0,
            "w" => 7.0,
            _ => return None,
        },
    )
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
        assert_eq!(
            date("2026-01-31T10:00:00Z"),
            NaiveDate::from_ymd_opt(2026, 1, 31)
        );
    }
}
