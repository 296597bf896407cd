//! Key detection: the catalogue's key patterns, compiled and run over text.
//!
//! Each pattern is one regex whose `key` group is the secret. The compiler
//! wraps it in the pattern's boundary, so `ghp_…` inside a longer token is not
//! a key but `"\nghp_…"` in a notebook's JSON is. A match then passes three
//! filters in order: the `near` regex for shapes that are ambiguous alone
//! (32 hex digits are an Azure OpenAI key only beside an Azure OpenAI name),
//! the `assigned_to` regex on the text before the key on its line (the key
//! must be assigned to a key-ish name, not be a request id beside a model
//! name), the entropy floor, and the placeholder rules. Overlapping matches keep the
//! earlier pattern of the catalogue, so specific shapes are listed first.

use std::ops::Range;

use regex::Regex;

use super::catalog::{Boundary, KeyPattern, KeySet};
use super::placeholder::Placeholders;
use super::values::shannon_entropy;

/// How far (bytes) a `near` window may reach on each side, so a minified
/// one-line file does not make every keyword "near".
const NEAR_MAX_BYTES: usize = 512;

// TODO: a text that some pattern matches is still scanned by each matching
// pattern in turn, and the boundary wrapper hides the key's literal prefix from
// the regex engine's prefilter; a literal prefilter per pattern would matter for
// multi-gigabyte monorepos. `Secrets` runs a RegexSet first, so patterns that
// cannot match a text cost one shared pass.

/// A key pattern, compiled.
#[derive(Debug, Clone)]
pub(crate) struct CompiledPattern {
    pub(crate) id: String,
    pub(crate) provider: String,
    pub(crate) class: String,
    pub(crate) set: KeySet,
    pub(crate) public_prefix: Option<String>,
    regex: Regex,
    near: Option<(Regex, usize)>,
    assigned_to: Option<Regex>,
    min_entropy: Option<f64>,
}

/// One raw hit before overlaps are resolved: pattern index and byte range of the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) pattern: usize,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl CompiledPattern {
    /// The regex a match must satisfy, boundary included: for a set that
    /// tells in one pass which patterns can match a text at all.
    pub(crate) fn regex_source(&self) -> &str {
        self.regex.as_str()
    }

    /// Compiles one pattern; errors name the pattern id.
    pub(crate) fn compile(p: &KeyPattern) -> Result<Self, String> {
        let fail = |what: &str, e: &dyn std::fmt::Display| format!("pattern {}: {what}: {e}", p.id);
        for (field, value) in [
            ("id", &p.id),
            ("provider", &p.provider),
            ("class", &p.class),
        ] {
            if value.trim().is_empty() {
                return Err(format!("pattern {:?}: {field} is empty", p.id));
            }
        }

        let own = Regex::new(&p.regex).map_err(|e| fail("regex", &e))?;
        let has_key = own.capture_names().any(|n| n == Some("key"));
        let body = if has_key {
            p.regex.clone()
        } else {
            format!("(?P<key>{})", p.regex)
        };
        let regex = Regex::new(&wrap(&body, p.boundary)).map_err(|e| fail("regex", &e))?;

        let near = match &p.near {
            Some(n) => Some((Regex::new(&n.regex).map_err(|e| fail("near", &e))?, n.lines)),
            None => None,
        };
        let assigned_to = match &p.assigned_to {
            Some(r) => Some(Regex::new(r).map_err(|e| fail("assigned_to", &e))?),
            None => None,
        };
        if let Some(e) = p.min_entropy.filter(|e| !(0.0..=8.0).contains(e)) {
            return Err(fail("min_entropy", &format!("{e} is not between 0 and 8")));
        }

        Ok(CompiledPattern {
            id: p.id.clone(),
            provider: p.provider.clone(),
            class: p.class.clone(),
            set: p.set,
            public_prefix: p.public_prefix.clone().filter(|s| !s.is_empty()),
            regex,
            near,
            assigned_to,
            min_entropy: p.min_entropy,
        })
    }

    /// Every key of this pattern in `text` that passes the near, entropy and placeholder filters.
    pub(crate) fn hits(&self, index: usize, text: &str, ph: &Placeholders) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut pos = 0;
        while pos <= text.len() {
            let Some(caps) = self.regex.captures_at(text, pos) else {
                break;
            };
            let Some(key) = caps.name("key").filter(|k| !k.is_empty()) else {
                // A match without a key (an optional `key` group): resume after it.
                let end = caps.get(0).map_or(pos, |m| m.end());
                pos = if end > pos { end } else { next_char(text, pos) };
                continue;
            };
            // Resume at the key's end, not the match's: the trailing boundary
            // character may be the leading boundary of the next key.
            pos = key.end();
            if self.accepts(text, key.start(), key.end(), ph) {
                hits.push(Hit {
                    pattern: index,
                    start: key.start(),
                    end: key.end(),
                });
            }
        }
        hits
    }

    /// Whether a candidate key passes the near, entropy and placeholder filters.
    fn accepts(&self, text: &str, start: usize, end: usize, ph: &Placeholders) -> bool {
        let key = &text[start..end];
        if let Some((near, lines)) = &self.near {
            let (from, to) = line_window(text, start, end, *lines);
            if !near.is_match(&text[from..to]) {
                return false;
            }
        }

        if let Some(name) = &self.assigned_to {
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            if !name.is_match(&text[line_start..start]) {
                return false;
            }
        }

        let body = self
            .public_prefix
            .as_deref()
            .and_then(|p| key.strip_prefix(p))
            .filter(|b| !b.is_empty())
            .unwrap_or(key);
        if self
            .min_entropy
            .is_some_and(|min| shannon_entropy(body) < min)
        {
            return false;
        }
        !ph.is_placeholder_key(key, body)
    }
}

/// Wraps a regex (that has a `key` group) in its boundary.
fn wrap(body: &str, boundary: Boundary) -> String {
    // A JSON or notebook string puts `\n` right before a key; the `n` is a
    // letter, so the escape is accepted as a boundary explicitly.
    match boundary {
        Boundary::Word => {
            format!(r"(?:^|[^0-9A-Za-z_]|\\[nrt])(?:{body})(?:$|[^0-9A-Za-z_])")
        }
        // `=` may precede a base64 key (an assignment) but not follow it (padding).
        Boundary::Base64 => {
            format!(r"(?:^|[^0-9A-Za-z_+/]|\\[nrt])(?:{body})(?:$|[^0-9A-Za-z_+/=])")
        }
        Boundary::None => body.to_string(),
    }
}

/// The byte range from `lines` lines above `start` to `lines` lines below `end`,
/// at most [`NEAR_MAX_BYTES`] beyond the key on each side.
fn line_window(text: &str, start: usize, end: usize, lines: usize) -> (usize, usize) {
    let from = text[..start]
        .rmatch_indices('\n')
        .nth(lines)
        .map_or(0, |(i, _)| i + 1);
    let to = text[end..]
        .match_indices('\n')
        .nth(lines)
        .map_or(text.len(), |(i, _)| end + i);
    let mut from = from.max(start.saturating_sub(NEAR_MAX_BYTES));
    let mut to = to.min(end + NEAR_MAX_BYTES);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    (from, to)
}

/// The first char boundary after `pos` (or `text.len() + 1` at the end, which stops the scan).
fn next_char(text: &str, pos: usize) -> usize {
    let mut next = pos + 1;
    while next < text.len() && !text.is_char_boundary(next) {
        next += 1;
    }
    next
}

/// Keeps, of overlapping hits, the one whose pattern comes first in the catalogue;
/// returns them sorted by position.
pub(crate) fn resolve_overlaps(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by_key(|h| (h.pattern, h.start));
    let mut taken = Disjoint::default();
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for hit in hits {
        if taken.insert(hit.start..hit.end) {
            kept.push(hit);
        }
    }
    kept.sort_by_key(|h| (h.start, h.end));
    kept
}

/// Ranges that do not overlap, kept by start, so that whether a new one
/// overlaps any is a lookup, not a scan (a minified file holds thousands of keys).
#[derive(Debug, Default)]
pub struct Disjoint {
    /// start → end.
    ranges: std::collections::BTreeMap<usize, usize>,
}

impl Disjoint {
    /// Whether `range` overlaps one already kept. Being disjoint and sorted
    /// by start, they are sorted by end too: only the last one starting before
    /// `range` ends can reach into it.
    pub fn overlaps(&self, range: &Range<usize>) -> bool {
        self.ranges
            .range(..range.end)
            .next_back()
            .is_some_and(|(_, &end)| range.start < end)
    }

    /// Keeps `range` unless it overlaps one already kept; says whether it did
    /// keep it. An empty range is checked but not kept: it can hold nothing.
    pub fn insert(&mut self, range: Range<usize>) -> bool {
        if self.overlaps(&range) {
            return false;
        }
        if !range.is_empty() {
            self.ranges.insert(range.start, range.end);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disjoint_ranges_answer_overlap_as_a_scan_would() {
        let mut kept = Disjoint::default();
        assert!(kept.insert(10..20));
        assert!(kept.insert(30..40));
        assert!(kept.insert(20..30), "touching is not overlapping");
        for (range, expected) in [
            (0..10, false),
            (0..11, true),
            (19..21, true),
            (40..50, false),
            (39..40, true),
            (15..15, true),
            (10..10, false),
            (45..45, false),
        ] {
            assert_eq!(kept.overlaps(&range), expected, "{range:?}");
        }
        assert!(!kept.insert(35..45));
        assert!(kept.insert(40..45));
    }

    #[test]
    fn line_window_spans_the_requested_lines() {
        let text = "a\nb\nKEY\nc\nd";
        let start = text.find("KEY").unwrap_or(0);
        let end = start + 3;
        assert_eq!(
            &text[{
                let (f, t) = line_window(text, start, end, 0);
                f..t
            }],
            "KEY"
        );
        assert_eq!(
            &text[{
                let (f, t) = line_window(text, start, end, 1);
                f..t
            }],
            "b\nKEY\nc"
        );
        assert_eq!(
            &text[{
                let (f, t) = line_window(text, start, end, 9);
                f..t
            }],
            text
        );
    }

    #[test]
    fn overlaps_keep_the_earlier_pattern() {
        let hit = |pattern, start, end| Hit {
            pattern,
            start,
            end,
        };
        let kept = resolve_overlaps(vec![hit(5, 0, 100), hit(2, 10, 90), hit(7, 200, 210)]);
        assert_eq!(kept, vec![hit(2, 10, 90), hit(7, 200, 210)]);
    }
}
