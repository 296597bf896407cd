//! Redaction: the one place where a secret is turned into something printable.
//!
//! A redacted key keeps what a reader needs and nothing that grants access:
//! the public prefix that names the key type (`sk-proj-`), the length, and a
//! short fingerprint so two leaks of one key can be matched within a report —
//! `sk-proj-…(164 chars, #3fa2c1)`. Every renderer, log line and error message
//! goes through [`redact`], by way of [`super::SecretSpans`].
//!
//! The fingerprint is keyed: the first 6 hex digits of an HMAC-SHA256 under a
//! key drawn at random once per run (or taken from `VOUCH_FINGERPRINT_KEY`).
//! An unkeyed hash of a weak password can be reversed by trying every short
//! string or a dictionary; without the key, the printed digits say nothing
//! about the value. [`digest`] stays an unkeyed SHA-256 for comparisons made
//! in memory (ISO-004), and is never printed.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use sha2::{Digest, Sha256};

/// The environment variable that fixes the fingerprint key, so that reports of
/// several runs (shards of one audit) can be matched. Keep its value secret.
pub const FINGERPRINT_KEY_VAR: &str = "VOUCH_FINGERPRINT_KEY";

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

/// The first 6 hex digits of the keyed HMAC-SHA256 of `secret`: the same for
/// one value throughout a run, so two leaks of one key match, and meaningless
/// without the run's key, so it cannot confirm a guess.
pub fn fingerprint(secret: &str) -> String {
    let mac = hmac_sha256(run_key(), secret.as_bytes());
    let mut hex = to_hex(&mac[..3]);
    hex.truncate(6);
    hex
}

/// The full, unkeyed SHA-256 of `secret` in hex, for comparing values
/// (ISO-004) without keeping them. Never printed: it can be reversed for weak values.
pub fn digest(secret: &str) -> String {
    to_hex(&Sha256::digest(secret.as_bytes()))
}

/// `text` with every `, #xxxxxx)` fingerprint of a redaction removed: what a
/// finding's stable identity (its baseline fingerprint) may be built from,
/// since the printed fingerprint changes from run to run.
pub fn without_fingerprints(text: &str) -> String {
    static FP: OnceLock<Regex> = OnceLock::new();
    let re = FP.get_or_init(|| Regex::new(r"…\((\d+) chars, #[0-9a-f]{6}\)").expect("valid regex"));
    re.replace_all(text, "…($1 chars)").into_owned()
}

/// The key of this run: from [`FINGERPRINT_KEY_VAR`] when it is set, else random.
fn run_key() -> &'static [u8; 32] {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    KEY.get_or_init(|| {
        if let Some(value) = std::env::var_os(FINGERPRINT_KEY_VAR).filter(|v| !v.is_empty()) {
            return Sha256::digest(value.as_encoded_bytes()).into();
        }
        let mut key = [0u8; 32];
        if getrandom::fill(&mut key).is_err() {
            key = fallback_key();
        }
        key
    })
}

/// A key when the operating system gives no random bytes: std's per-process
/// random hasher keys, the time and the process id, hashed together.
fn fallback_key() -> [u8; 32] {
    use std::hash::{BuildHasher, Hasher};
    let mut seed = Sha256::new();
    for i in 0..4u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(i);
        seed.update(h.finish().to_le_bytes());
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    seed.update(now.to_le_bytes());
    seed.update(std::process::id().to_le_bytes());
    seed.finalize().into()
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
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
    fn the_fingerprint_is_keyed_not_a_plain_hash() {
        // The unkeyed SHA-256 of "abc" starts ba7816; the printed one must not
        // (a 1 in 16 million coincidence at most).
        assert_eq!(&digest("abc")[..6], "ba7816");
        assert_ne!(fingerprint("abc"), "ba7816");
        assert_eq!(fingerprint("abc"), fingerprint("abc"));
        assert_ne!(fingerprint("abc"), fingerprint("abd"));
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231, test case 2.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            to_hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block is hashed first.
        let mac = hmac_sha256(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(
            to_hex(&mac),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn fingerprints_are_stripped_for_stable_identities() {
        let shown = format!("a {} b", redact("hunter2hunter2", Some("hun")));
        assert_eq!(without_fingerprints(&shown), "a hun…(14 chars) b");
    }
}
