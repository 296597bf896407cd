//! Redaction: the one place where a secret is turned into something printable.
//!
//! A redacted key keeps what a reader needs and nothing that grants access:
//! the public prefix that names the key type (`sk-proj-`), the length, and a
//! short fingerprint so that two leaks of one key can be told from two keys —
//! `sk-proj-…(164 chars, #3fa2c1)`. Every renderer, log line and error message
//! goes through [`redact_key`] or [`redact`], by way of [`super::SecretSpans`].
//!
//! Only a key of a known provider shape gets a fingerprint. Such a key is random
//! by construction (a hundred bits or more), so six hex digits of its SHA-256
//! say nothing that helps to find it, and they are the same in every run, every
//! repository and every merged report. Any other secret value — a password, a
//! literal under a secret-like name — may have been chosen by a person, and
//! then any digest of it printed in a report is an oracle for guessing: a short
//! password is found by trying every string. Those show only their length,
//! `…(11 chars)`. [`digest`] is an unkeyed SHA-256 for comparisons made in memory
//! (the same value in two environments, ISO-004) and is never printed.

use std::ops::Range;

use regex::Regex;
use sha2::{Digest, Sha256};

/// The printable form of `key`, a match of a known key shape: public prefix,
/// length in characters, fingerprint.
///
/// The prefix is kept only when `key` really starts with it and it is at most
/// half of the key, so a wrong or overlong prefix can never reveal it.
pub fn redact_key(key: &str, public_prefix: Option<&str>) -> String {
    let length = key.chars().count();
    let prefix = public_prefix
        .filter(|p| key.starts_with(p))
        .filter(|p| p.chars().count() * 2 <= length)
        .unwrap_or("");
    format!("{prefix}…({length} chars, #{})", fingerprint(key))
}

/// The printable form of any other secret value: its length only.
pub fn redact(secret: &str) -> String {
    format!("…({} chars)", secret.chars().count())
}

/// The first 6 hex digits of the SHA-256 of `key`: the same wherever and
/// whenever the key is found. Only for keys of known shapes (see the module doc).
pub fn fingerprint(key: &str) -> String {
    let mut hex = to_hex(&Sha256::digest(key.as_bytes())[..3]);
    hex.truncate(6);
    hex
}

/// The full, unkeyed SHA-256 of `secret` in hex, for comparing values
/// (ISO-004) without keeping them. Never printed: it can be reversed for weak values.
pub fn digest(secret: &str) -> String {
    to_hex(&Sha256::digest(secret.as_bytes()))
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A regex that finds a value in a text, optionally with the name it is assigned to.
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

    /// The regex, for a set that tells in one pass which slots can match a text.
    pub(crate) fn source(&self) -> &str {
        self.regex.as_str()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_keeps_prefix_length_and_fingerprint() {
        let key = "sk-proj-Q7vFAKEm2Lx9";
        // The first 6 hex digits of the key's SHA-256: the same in every run.
        assert_eq!(fingerprint(key), digest(key)[..6]);
        assert_eq!(
            redact_key(key, Some("sk-proj-")),
            format!("sk-proj-…(20 chars, #{})", &digest(key)[..6])
        );
        assert_ne!(fingerprint(key), fingerprint("sk-proj-Q7vFAKEm2Lx8"));
    }

    #[test]
    fn a_prefix_that_does_not_fit_is_dropped() {
        let fp = fingerprint("abcdef");
        assert_eq!(
            redact_key("abcdef", Some("xyz")),
            format!("…(6 chars, #{fp})")
        );
        assert_eq!(
            redact_key("abcdef", Some("abcd")),
            format!("…(6 chars, #{fp})")
        );
        assert_eq!(
            redact_key("abcdef", Some("abc")),
            format!("abc…(6 chars, #{fp})")
        );
    }

    #[test]
    fn other_secrets_show_their_length_and_nothing_derived_from_them() {
        assert_eq!(redact("hunter2"), "…(7 chars)");
        assert_eq!(redact("Aa1234321Bb"), redact("Zz9876543Yy"));
        assert_eq!(redact("café"), "…(4 chars)");
    }
}
