//! Secret-like names and secret-looking values: the two halves of ISO-003.
//!
//! A literal is reported when it sits under a secret-like name (`*_KEY`,
//! `*_TOKEN`, `PASSWORD`…) and looks like a secret: long enough, random
//! enough, and not a placeholder, reference, number, path or URL without
//! credentials. Names are compared in one normal form (snake case, lower
//! case) so that `openaiApiKey`, `OPENAI_API_KEY` and `--openai-api-key` are
//! judged alike. Thresholds and regexes are catalogue data.

use std::collections::HashMap;

use regex::RegexSet;

use super::catalog::{NameRules, ValueRules};
use super::placeholder::{Placeholders, unquote};

/// The compiled secret-like name rules.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    include: RegexSet,
    exclude: RegexSet,
}

impl Names {
    /// Compiles the rules; a bad regex is an error naming its list.
    pub(crate) fn compile(rules: &NameRules) -> Result<Self, String> {
        Ok(Names {
            include: RegexSet::new(&rules.include)
                .map_err(|e| format!("secret_names.include: {e}"))?,
            exclude: RegexSet::new(&rules.exclude)
                .map_err(|e| format!("secret_names.exclude: {e}"))?,
        })
    }

    /// Whether `name` is secret-like.
    pub(crate) fn is_secret_name(&self, name: &str) -> bool {
        let name = normalize_name(name);
        !name.is_empty() && self.include.is_match(&name) && !self.exclude.is_match(&name)
    }
}

/// A name in snake case, lower case:
/// `openaiApiKey` → `openai_api_key`, `--db-pass` → `db_pass`.
pub(crate) fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev: Option<char> = None;
    // Capitals in a row just before the current character.
    let mut capitals = 0;
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        if c.is_ascii_alphanumeric() {
            let camel_hump = c.is_ascii_uppercase()
                && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            // The last capital of an acronym run starts the next word when a
            // lower-case letter follows: `KMSKey` is `kms_key`, `APIKey` `api_key`;
            // a run of one (`OAuth`) stays whole.
            let acronym_end = c.is_ascii_uppercase()
                && capitals >= 2
                && next.is_some_and(|n| n.is_ascii_lowercase());
            if (camel_hump || acronym_end) && !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        capitals = if c.is_ascii_uppercase() {
            capitals + 1
        } else {
            0
        };
        prev = Some(c);
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// The compiled ISO-003 value rules.
#[derive(Debug, Clone)]
pub(crate) struct Values {
    min_length: usize,
    min_entropy: f64,
    min_entropy_hex: f64,
    short_factor: f64,
    not_secret: RegexSet,
}

impl Values {
    /// Compiles the rules; a bad regex is an error naming its list.
    pub(crate) fn compile(rules: &ValueRules) -> Result<Self, String> {
        let not_secret =
            RegexSet::new(&rules.not_secret).map_err(|e| format!("values.not_secret: {e}"))?;
        Ok(Values {
            min_length: rules.min_length,
            min_entropy: rules.min_entropy,
            min_entropy_hex: rules.min_entropy_hex,
            short_factor: rules.short_factor,
            not_secret,
        })
    }

    /// Whether `value` looks like a secret: see the module docs.
    pub(crate) fn looks_like_secret(&self, value: &str, ph: &Placeholders, names: &Names) -> bool {
        let value = unquote(value);
        if ph.is_placeholder(value) {
            return false;
        }
        if let Some(verdict) = url_verdict(value, ph, names) {
            return verdict;
        }
        let length = value.chars().count();
        if length < self.min_length
            || value.chars().any(char::is_whitespace)
            || self.not_secret.is_match(value)
        {
            return false;
        }
        shannon_entropy(value) >= self.threshold(value, length)
    }

    /// The entropy a value of this length and alphabet must reach.
    fn threshold(&self, value: &str, length: usize) -> f64 {
        let base = if value.chars().all(|c| c.is_ascii_hexdigit()) {
            self.min_entropy_hex
        } else {
            self.min_entropy
        };
        base.min(self.short_factor * (length as f64).log2())
    }
}

/// For a URL: whether it carries a credential (a password, or a secret-named query value).
///
/// `None` when `value` is not a URL. A URL without credentials is not a secret.
fn url_verdict(value: &str, ph: &Placeholders, names: &Names) -> Option<bool> {
    let (scheme, rest) = value.split_once("://")?;
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
    if !scheme_ok {
        return None;
    }

    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if let Some((userinfo, _host)) = authority.rsplit_once('@') {
        if let Some((_user, password)) = userinfo.split_once(':') {
            if !ph.is_placeholder(password) {
                return Some(true);
            }
        }
    }

    let query = rest.split_once('?').map_or("", |(_, q)| q);
    let secret_param = query
        .split(['&', '#'])
        .filter_map(|pair| pair.split_once('='))
        .any(|(name, val)| names.is_secret_name(name) && !ph.is_placeholder(val));
    Some(secret_param)
}

/// Shannon entropy in bits per character.
pub(crate) fn shannon_entropy(s: &str) -> f64 {
    let mut counts: HashMap<char, usize> = HashMap::new();
    let mut total = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_default() += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let total = total as f64;
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / total;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalized_to_snake_case() {
        assert_eq!(normalize_name("openaiApiKey"), "openai_api_key");
        assert_eq!(normalize_name("OPENAI_API_KEY"), "openai_api_key");
        assert_eq!(normalize_name("--openai-api-key"), "openai_api_key");
        assert_eq!(normalize_name("APIKey"), "api_key");
        assert_eq!(normalize_name("SecretsKMSKey"), "secrets_kms_key");
        assert_eq!(normalize_name("DBPassword"), "db_password");
        assert_eq!(normalize_name("OAuthToken"), "oauth_token");
        assert_eq!(normalize_name("s3SecretKey"), "s3_secret_key");
        assert_eq!(normalize_name("a.b[0].password"), "a_b_0_password");
    }

    #[test]
    fn entropy_of_known_strings() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abab") - 1.0).abs() < 1e-9);
        assert!((shannon_entropy("0123456789abcdef") - 4.0).abs() < 1e-9);
    }
}
