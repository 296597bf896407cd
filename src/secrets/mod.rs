//! Secret detectors: the named engine functions behind ISO-001, ISO-002 and ISO-003.
//!
//! A secret is not a path test on a resource: it can sit anywhere in any
//! text, and telling `sk-proj-…` from `sk-xxxx` takes shapes, entropy and
//! placeholder rules. Those are policy data, a [`SecretCatalog`] loaded from
//! `policies/secrets.yaml`; [`Secrets::compile`] turns a catalogue into
//! regexes once, and the engine calls [`Secrets`] for every file. Redaction
//! lives here too ([`redact`], [`SecretSpans`], [`Secrets::text_spans`]) so
//! that the code that knows what a secret is also decides how it may be shown.

mod catalog;
mod detect;
mod placeholder;
mod redact;
mod spans;
mod values;

use std::collections::HashSet;

pub use catalog::{
    Boundary, CatalogMetadata, KeyPattern, KeySet, NameRules, Near, PlaceholderRules,
    SecretCatalog, StandaloneRules, ValueRules,
};
pub use detect::Disjoint;
pub use redact::{digest, fingerprint, redact, redact_key};
pub use spans::{SecretSpan, SecretSpans};

use crate::source::Span;
use detect::{CompiledPattern, Hit, resolve_overlaps};
use placeholder::{Placeholders, unquote};
use redact::Slot;
use values::{Names, Values};

/// A key found in text by [`Secrets::find_keys`]. It never holds the key itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMatch {
    /// Byte range of the key within the scanned text.
    pub span: Span,
    /// Id of the catalogue pattern that matched (`openai-project-key`).
    pub pattern: String,
    /// Who issues the key (`openai`, `aws`…).
    pub provider: String,
    /// What kind of key it is (`project`, `access-key-id`…).
    pub class: String,
    /// `ai` (ISO-001) or `cloud` (ISO-002).
    pub set: KeySet,
    /// The printable form of the key, from [`redact`].
    pub redacted: String,
    /// The key's short fingerprint, from [`fingerprint`].
    pub fingerprint: String,
}

/// A compiled [`SecretCatalog`]: cheap to share between threads, compiled once per run.
#[derive(Debug, Clone)]
pub struct Secrets {
    patterns: Vec<CompiledPattern>,
    /// Every pattern's regex, to learn in one pass which can match a text.
    any_pattern: regex::RegexSet,
    names: Names,
    values: Values,
    placeholders: Placeholders,
    slots: Vec<Slot>,
    /// Every slot's regex, to skip in one pass the slots that cannot match.
    any_slot: regex::RegexSet,
    standalone: Option<Standalone>,
}

/// [`StandaloneRules`], compiled.
#[derive(Debug, Clone)]
struct Standalone {
    token: regex::Regex,
    rules: StandaloneRules,
}

impl Secrets {
    /// Compiles a catalogue. Errors name the pattern id or the list at fault.
    pub fn compile(catalog: &SecretCatalog) -> Result<Self, String> {
        let mut seen = HashSet::new();
        let mut patterns = Vec::with_capacity(catalog.patterns.len());
        for p in &catalog.patterns {
            if !seen.insert(p.id.as_str()) {
                return Err(format!("pattern {}: id used twice", p.id));
            }
            patterns.push(CompiledPattern::compile(p)?);
        }
        let slots: Vec<Slot> = catalog
            .assignments
            .iter()
            .enumerate()
            .map(|(i, s)| Slot::compile(i, s))
            .collect::<Result<_, _>>()?;

        let any_slot = regex::RegexSet::new(slots.iter().map(Slot::source))
            .map_err(|e| format!("assignments: {e}"))?;
        let any_pattern = regex::RegexSet::new(patterns.iter().map(CompiledPattern::regex_source))
            .map_err(|e| format!("patterns: {e}"))?;
        Ok(Secrets {
            any_pattern,
            patterns,
            names: Names::compile(&catalog.secret_names)?,
            values: Values::compile(&catalog.values)?,
            placeholders: Placeholders::compile(&catalog.placeholders)?,
            slots,
            any_slot,
            standalone: match &catalog.standalone {
                Some(rules) => Some(Standalone {
                    token: regex::Regex::new(&rules.token)
                        .map_err(|e| format!("standalone.token: {e}"))?,
                    rules: rules.clone(),
                }),
                None => None,
            },
        })
    }

    /// Every key in `text` (any file: source, README, notebook JSON, manifest), in order.
    pub fn find_keys(&self, text: &str) -> Vec<KeyMatch> {
        self.hits(text)
            .into_iter()
            .map(|hit| {
                let p = &self.patterns[hit.pattern];
                let key = &text[hit.start..hit.end];
                KeyMatch {
                    span: Span::new(hit.start, hit.end),
                    pattern: p.id.clone(),
                    provider: p.provider.clone(),
                    class: p.class.clone(),
                    set: p.set,
                    redacted: redact_key(&canonical(key), p.public_prefix.as_deref()),
                    fingerprint: fingerprint(&canonical(key)),
                }
            })
            .collect()
    }

    /// Whether `value` is a placeholder, reference or dummy rather than a secret
    /// (the rules are in `docs/secrets.md`).
    pub fn is_placeholder(&self, value: &str) -> bool {
        self.placeholders.is_placeholder(value)
    }

    /// Whether `name` (a variable, field or flag name) is secret-like:
    /// `*_KEY`, `*_TOKEN`, `PASSWORD`…
    pub fn is_secret_name(&self, name: &str) -> bool {
        self.names.is_secret_name(name)
    }

    /// Whether a literal looks like a secret (ISO-003): long and random enough, and not a
    /// placeholder, reference, URL without credentials, path, boolean or number.
    pub fn looks_like_secret_value(&self, value: &str) -> bool {
        self.values
            .looks_like_secret(value, &self.placeholders, &self.names)
    }

    /// `text` with every detected key, and every literal assigned to a secret-like name,
    /// replaced by its redaction. For texts shown whole: messages' values, error sources.
    ///
    /// Wider than ISO-003 on purpose: any non-placeholder value under a secret-like
    /// name is hidden, however short or regular, because a report must never show it.
    pub fn redact_text(&self, text: &str) -> String {
        self.text_spans(text).show_all(text)
    }

    /// As [`Secrets::redact_text`], and also hides the given spans of `text`: values the
    /// caller knows are secret from structure the text does not show.
    pub fn redact_text_with(&self, text: &str, known: &[Span]) -> String {
        let mut spans = SecretSpans::default();
        for s in known
            .iter()
            .filter(|s| s.start < s.end && s.end <= text.len())
        {
            let value = text.get(s.start..s.end).unwrap_or_default();
            spans.add(text, s.start..s.end, redact(unquote(value)));
        }
        spans.extend(text, self.text_spans(text));
        spans.show_all(text)
    }

    /// The secret spans of `text` that the text alone reveals: every detected
    /// key (a PEM block over many lines, a key whose `near` words stand on
    /// another line), and every non-placeholder value the `assignments` regexes
    /// find under a secret-like name (or under none, for URL passwords and
    /// bearer tokens). Run it on a whole file, not on a line, so that neither
    /// kind is cut in two.
    pub fn text_spans(&self, text: &str) -> SecretSpans {
        let mut spans = SecretSpans::default();
        for hit in self.hits(text) {
            let prefix = self.patterns[hit.pattern].public_prefix.as_deref();
            let key = canonical(&text[hit.start..hit.end]);
            spans.add(text, hit.start..hit.end, redact_key(&key, prefix));
        }
        // A placeholder claims its range without being redacted, so that a later,
        // looser slot cannot pick a fragment of it (`${DB_PASSWORD` without its `}`).
        let mut claimed = detect::Disjoint::default();
        for slot in self
            .any_slot
            .matches(text)
            .into_iter()
            .map(|i| &self.slots[i])
        {
            for (name, range) in slot.values(text) {
                if !name.is_none_or(|n| self.is_secret_name(n)) || claimed.overlaps(&range) {
                    continue;
                }
                let value = &text[range.clone()];
                if !self.is_placeholder(value) && !spans.overlaps(&range) {
                    spans.add(text, range.clone(), redact(unquote(value)));
                }
                claimed.insert(range);
            }
        }
        spans
    }

    /// The random-looking tokens of `text` that stand alone, with no name to
    /// judge them by (`standalone:` in the catalogue), as spans. Only for file
    /// text that is shown: a generated resource name in a message is left alone.
    pub fn standalone_spans(&self, text: &str) -> SecretSpans {
        let mut spans = SecretSpans::default();
        let Some(s) = &self.standalone else {
            return spans;
        };
        let mut pos = 0;
        while let Some(caps) = s.token.captures_at(text, pos) {
            let Some(m) = caps.name("token").or_else(|| caps.get(0)) else {
                break;
            };
            // Resume at the token's end: its trailing boundary may lead the next one.
            pos = m.end().max(pos + 1);
            let token = m.as_str();
            let key_position = text[m.end()..]
                .trim_start_matches(['"', '\''])
                .starts_with(':');
            if !key_position && s.looks_random(token) && !self.is_placeholder(token) {
                spans.add(text, m.range(), redact(token));
            }
            while pos < text.len() && !text.is_char_boundary(pos) {
                pos += 1;
            }
            if pos >= text.len() {
                break;
            }
        }
        spans
    }

    /// The key's own redaction when `value` (quotes aside) is exactly one key of
    /// a known shape.
    pub fn key_redaction(&self, value: &str) -> Option<String> {
        let value = unquote(value);
        match self.find_keys(value).as_slice() {
            [one] if one.span.len() == value.len() => Some(one.redacted.clone()),
            _ => None,
        }
    }

    /// The redacted form of one secret value: the key's own redaction when the
    /// value is exactly one key of a known shape, else the length of the value
    /// without its quotes.
    pub fn redact_value(&self, value: &str) -> String {
        self.key_redaction(value)
            .unwrap_or_else(|| redact(unquote(value)))
    }

    /// How many key patterns the catalogue has.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// All accepted hits of all patterns, overlaps resolved.
    fn hits(&self, text: &str) -> Vec<Hit> {
        let hits = self
            .any_pattern
            .matches(text)
            .into_iter()
            .flat_map(|i| self.patterns[i].hits(i, text, &self.placeholders))
            .collect();
        resolve_overlaps(hits)
    }
}

impl Standalone {
    /// Whether `token` mixes the classes, is random enough and does not read as words.
    fn looks_random(&self, token: &str) -> bool {
        let count = |f: fn(&char) -> bool| token.chars().filter(f).count();
        let (upper, lower, digits) = (
            count(char::is_ascii_uppercase),
            count(char::is_ascii_lowercase),
            count(char::is_ascii_digit),
        );
        let min = self.rules.min_per_class;
        if upper < min || lower < min || digits < min {
            return false;
        }
        let mut words = 0;
        let mut run = 0;
        for c in token.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_lowercase() {
                run += 1;
            } else {
                if run >= 4 {
                    words += run;
                }
                run = 0;
            }
        }
        let length = token.chars().count() as f64;
        (words as f64) <= self.rules.max_word_share * length
            && values::shannon_entropy(token) >= self.rules.min_entropy
    }
}

/// A key as one value, however it was written: a key over several lines (a
/// PEM block) with each line's indentation and `\r` removed and JSON `\n`
/// escapes resolved, so the block in a `.pem` file, in a YAML `|` scalar and
/// in a service-account JSON has one length and one fingerprint.
fn canonical(key: &str) -> std::borrow::Cow<'_, str> {
    if !key.contains(['\n', '\\']) {
        return key.into();
    }
    let key = key.replace("\\r\\n", "\n").replace("\\n", "\n");
    key.lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .into()
}
