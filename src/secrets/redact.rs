//! Redaction: the one place where a secret is turned into something printable.
//!
//! A redacted key keeps what a reader needs and nothing that grants access:
//! the public prefix that names the key type (`sk-proj-`), the length, and a
//! short fingerprint so two leaks of one key can be matched across files and
//! reports — `sk-proj-…(164 chars, #3fa2c1)`. Every renderer, log line and
//! error message goes through [`redact`]; snippets of scanned text go through
//! [`super::Secrets::redact_text`], which uses the helpers here.

use std::ops::Range;

use regex::Regex;
use sha2::{Digest, Sha256};

/// The printable form of `secret`: public prefix, length in characters, fingerprint.
///
/// The prefix is kept only when `secret` really starts with it and it is at
/// most half of the secret, so a wrong or overlong prefix can never reveal it.
pub fn redact(secret: &str, public_prefix: Option<&str>) -> String {
    let length = secret.chars().count();
    let prefix = public_prefix
        .filter(|p| secret.starts_with(p))
        .filter(|p| p.chars().count() * 2 <= length)
        .unwrap_or("");
    format!("{prefix}…({length} chars, #{})", fingerprint(secret))
}

/// The first 6 hex digits of the SHA-256 of `secret`: stable, so two leaks of one key match,
/// and too short to confirm a guess of a random key.
pub fn fingerprint(secret: &str) -> String {
    let mut hex = digest(secret);
    hex.truncate(6);
    hex
}

/// The full SHA-256 of `secret` in hex, for comparing values (ISO-004) without keeping them.
pub fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A regex that finds a value in a snippet, optionally with the name it is assigned to.
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    regex: Regex,
    named: bool,
}

impl Slot {
    /// Compiles one `assignments` regex; it must have a `value` group.
    pub(crate) fn compile(index: usize, source: &str) -> Result<Self, String> {
        let regex = Regex::new(source).map_err(|e| format!("assignments[{index}]: {e}"))?;
        let has = |group: &str| regex.capture_names().any(|n| n == Some(group));
        if !has("value") {
            return Err(format!("assignments[{index}]: no `value` group"));
        }
        let named = has("name");
        Ok(Slot { regex, named })
    }

    /// The byte ranges of values in `text`, with their names when the regex has them.
    pub(crate) fn values<'t>(
        &self,
        text: &'t str,
    ) -> impl Iterator<Item = (Option<&'t str>, Range<usize>)> {
        self.regex.captures_iter(text).filter_map(move |caps| {
            let value = caps.name("value").filter(|v| !v.is_empty())?;
            let name = if self.named {
                Some(caps.name("name")?.as_str())
            } else {
                None
            };
            Some((name, value.range()))
        })
    }
}

/// `text` with each range replaced by the redaction of what it covers.
///
/// Ranges must not overlap; each comes with the public prefix to keep.
pub(crate) fn splice(text: &str, mut ranges: Vec<(Range<usize>, Option<&str>)>) -> String {
    ranges.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, prefix) in ranges {
        let fits = range.start >= at
            && range.end <= text.len()
            && text.is_char_boundary(range.start)
            && text.is_char_boundary(range.end);
        if !fits {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&redact(&text[range.clone()], prefix));
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_prefix_length_and_fingerprint() {
        let secret = "sk-proj-Q7vFAKEm2Lx9";
        let fp = fingerprint(secret);
        assert_eq!(fp.len(), 6);
        assert_eq!(
            redact(secret, Some("sk-proj-")),
            format!("sk-proj-…(20 chars, #{fp})")
        );
        assert_eq!(redact(secret, None), format!("…(20 chars, #{fp})"));
    }

    #[test]
    fn a_prefix_that_does_not_fit_is_dropped() {
        let fp = fingerprint("abcdef");
        assert_eq!(redact("abcdef", Some("xyz")), format!("…(6 chars, #{fp})"));
        assert_eq!(redact("abcdef", Some("abcd")), format!("…(6 chars, #{fp})"));
        assert_eq!(
            redact("abcdef", Some("abc")),
            format!("abc…(6 chars, #{fp})")
        );
    }

    #[test]
    fn digest_is_sha256_hex() {
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(fingerprint("abc"), "ba7816");
    }

    #[test]
    fn splice_replaces_ranges_in_order() {
        let text = "a=SECRET1 b=SECRET2";
        let out = splice(text, vec![(12..19, None), (2..9, Some("SE"))]);
        let (f1, f2) = (fingerprint("SECRET1"), fingerprint("SECRET2"));
        assert_eq!(out, format!("a=SE…(7 chars, #{f1}) b=…(7 chars, #{f2})"));
    }
}
