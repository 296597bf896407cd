//! Placeholders: values that stand where a secret would, but are not one.
//!
//! A finding on `${OPENAI_API_KEY}`, `<your-key>` or `sk-xxxxxxxx` is noise
//! that teaches users to ignore the tool, so every detector asks this module
//! first. The rules are catalogue data (`placeholders:` in
//! `policies/secrets.yaml`); `docs/secrets.md` explains each one. This module
//! only applies them: exact words, substrings, reference regexes, vendors'
//! example keys, and the regularity checks (repeated, sequential, masked, or too
//! few distinct characters) that no list of words could cover.

use std::collections::HashSet;

use regex::{Regex, RegexSet};

use super::catalog::PlaceholderRules;

/// Characters ignored by the regularity checks: separators inside keys and masks.
const SEPARATORS: &[char] = &['-', '_', '.', '/', ':', '\\', ' ', '\t', '\r', '\n'];

/// The compiled placeholder rules.
#[derive(Debug, Clone)]
pub(crate) struct Placeholders {
    min_length: usize,
    words: HashSet<String>,
    contains: Vec<String>,
    references: RegexSet,
    literal_inside: Vec<Regex>,
    examples: HashSet<String>,
    prefix: Regex,
    min_distinct: usize,
    max_repeat_unit: usize,
    min_repeat_ratio: f64,
    max_sequential_ratio: f64,
    mask_chars: Vec<char>,
    max_mask_ratio: f64,
}

impl Placeholders {
    /// Compiles the rules; a bad regex is an error naming it.
    pub(crate) fn compile(rules: &PlaceholderRules) -> Result<Self, String> {
        let references = RegexSet::new(&rules.references)
            .map_err(|e| format!("placeholders.references: {e}"))?;
        let prefix = Regex::new(&rules.prefix).map_err(|e| format!("placeholders.prefix: {e}"))?;
        let literal_inside = rules
            .literal_inside
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let re =
                    Regex::new(r).map_err(|e| format!("placeholders.literal_inside[{i}]: {e}"))?;
                if re.capture_names().any(|n| n == Some("literal")) {
                    Ok(re)
                } else {
                    Err(format!(
                        "placeholders.literal_inside[{i}]: no `literal` group"
                    ))
                }
            })
            .collect::<Result<_, String>>()?;
        check_ratio(
            "placeholders.max_sequential_ratio",
            rules.max_sequential_ratio,
        )?;
        check_ratio("placeholders.max_mask_ratio", rules.max_mask_ratio)?;
        check_ratio("placeholders.min_repeat_ratio", rules.min_repeat_ratio)?;

        Ok(Placeholders {
            min_length: rules.min_length,
            words: rules.words.iter().map(|w| w.to_lowercase()).collect(),
            contains: rules.contains.iter().map(|w| w.to_lowercase()).collect(),
            references,
            literal_inside,
            examples: rules.examples.iter().cloned().collect(),
            prefix,
            min_distinct: rules.min_distinct,
            max_repeat_unit: rules.max_repeat_unit,
            min_repeat_ratio: rules.min_repeat_ratio,
            max_sequential_ratio: rules.max_sequential_ratio,
            mask_chars: rules.mask_chars.chars().collect(),
            max_mask_ratio: rules.max_mask_ratio,
        })
    }

    /// Whether a literal value is a placeholder, a reference, or too short or regular to be a key.
    pub(crate) fn is_placeholder(&self, value: &str) -> bool {
        let value = unquote(value);
        if value.chars().count() < self.min_length {
            return true;
        }
        let body = match self.prefix.find(value) {
            Some(m) if m.start() == 0 && m.end() < value.len() => &value[m.end()..],
            _ => value,
        };
        self.is_placeholder_parts(value, body)
    }

    /// Whether a literal part stands beside a reference in `value` (see `literal_inside`).
    fn has_literal_inside(&self, value: &str) -> bool {
        self.literal_inside.iter().any(|re| {
            re.captures_iter(value).any(|caps| {
                caps.name("literal").is_some_and(|l| {
                    let literal = l.as_str();
                    // The literal may itself be a reference (`${A:-${B}}`).
                    literal.len() < value.len() && !self.is_placeholder(literal)
                })
            })
        })
    }

    /// Whether a detected key is a placeholder; `body` is the key after its public prefix.
    pub(crate) fn is_placeholder_key(&self, key: &str, body: &str) -> bool {
        self.is_placeholder_parts(key, body)
    }

    /// The checks shared by values and keys: words, examples, references, regularity.
    fn is_placeholder_parts(&self, value: &str, body: &str) -> bool {
        let lower = value.to_lowercase();
        self.words.contains(&lower)
            || self.examples.contains(value)
            || self.contains.iter().any(|w| lower.contains(w.as_str()))
            || (self.references.is_match(value) && !self.has_literal_inside(value))
            || self.too_regular(body)
    }

    /// Whether a body is repeated, sequential, masked, or has too few distinct characters.
    fn too_regular(&self, body: &str) -> bool {
        let chars: Vec<char> = body.chars().filter(|c| !SEPARATORS.contains(c)).collect();
        let n = chars.len();
        if n == 0 {
            return true;
        }

        let distinct = chars.iter().collect::<HashSet<_>>().len();
        let needed = self.min_distinct.min(n / 2).max(2);
        if distinct < needed {
            return true;
        }

        let masked = chars.iter().filter(|c| self.mask_chars.contains(c)).count();
        if masked as f64 >= self.max_mask_ratio * n as f64 {
            return true;
        }
        is_repeated(&chars, self.max_repeat_unit, self.min_repeat_ratio)
            || self.is_sequential(&chars)
    }

    /// Whether most neighbouring characters step by one (`12345678`, `abcdefgh`, `9876`).
    fn is_sequential(&self, chars: &[char]) -> bool {
        if chars.len() < 4 {
            return false;
        }
        let steps = chars
            .windows(2)
            .filter(|w| (w[1] as i64 - w[0] as i64).abs() == 1)
            .count();
        steps as f64 >= self.max_sequential_ratio * (chars.len() - 1) as f64
    }
}

/// Whether `chars` is mostly one unit of at most `max_unit` characters, repeated: at least
/// `min_ratio` of the characters after the first unit equal the one a unit earlier.
fn is_repeated(chars: &[char], max_unit: usize, min_ratio: f64) -> bool {
    (1..=max_unit)
        .filter(|&unit| chars.len() >= 2 * unit)
        .any(|unit| {
            let same = chars.windows(unit + 1).filter(|w| w[0] == w[unit]).count();
            same as f64 >= min_ratio * (chars.len() - unit) as f64
        })
}

/// Fails unless `value` is a share between 0 and 1.
fn check_ratio(field: &str, value: f64) -> Result<(), String> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(format!("{field}: {value} is not between 0 and 1"))
    }
}

/// The value without surrounding white space and one pair of quotes (also `\"…\"` from JSON).
pub(crate) fn unquote(value: &str) -> &str {
    let value = value.trim();
    for quote in ["\\\"", "\"", "'", "`"] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner.trim();
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_units_up_to_the_limit() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert!(is_repeated(&chars("aaaaaaaa"), 4, 1.0));
        assert!(is_repeated(&chars("FAKEFAKEFAKE"), 4, 1.0));
        assert!(!is_repeated(&chars("FAKEFAKEFAKE"), 3, 1.0));
        assert!(!is_repeated(&chars("a"), 4, 0.8));
        assert!(!is_repeated(&chars("Xq7vL2pR"), 4, 0.8));
        let marked = format!("{}T3BlbkFJ{}", "FAKE".repeat(18), "FAKE".repeat(18));
        assert!(is_repeated(&chars(&marked), 4, 0.8));
        assert!(!is_repeated(&chars(&marked), 4, 1.0));
        assert!(!is_repeated(&chars("abcabcXyz9"), 4, 0.8));
    }

    #[test]
    fn unquote_strips_one_pair_of_quotes() {
        assert_eq!(unquote("  \"abc\" "), "abc");
        assert_eq!(unquote("'abc'"), "abc");
        assert_eq!(unquote("\\\"abc\\\""), "abc");
        assert_eq!(unquote("\"abc"), "\"abc");
    }
}
