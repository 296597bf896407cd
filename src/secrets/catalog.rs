//! The secret catalogue: the policy data that drives the secret detectors.
//!
//! Everything a detector decides on — key shapes, the words that must stand
//! near an ambiguous key, entropy thresholds, what counts as a placeholder —
//! lives in these serde types, loaded from `policies/secrets.yaml` (or a user
//! pack) by the policy loader. [`super::Secrets::compile`] turns them into
//! regexes once; nothing here is evaluated directly.

use serde::{Deserialize, Serialize};

/// The whole catalogue, as one YAML document deserializes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretCatalog {
    /// Format marker, `vouch/v1` for the built-in catalogue.
    #[serde(rename = "apiVersion", default)]
    pub api_version: Option<String>,
    /// Document kind, `SecretCatalog` for the built-in catalogue.
    #[serde(default)]
    pub kind: Option<String>,
    /// Name and version of the catalogue.
    #[serde(default)]
    pub metadata: Option<CatalogMetadata>,
    /// Key shapes, in priority order: where two matches overlap, the earlier pattern wins.
    pub patterns: Vec<KeyPattern>,
    /// Which variable and field names are secret-like (ISO-003 and redaction).
    pub secret_names: NameRules,
    /// When a literal assigned to a secret-like name looks like a secret (ISO-003).
    pub values: ValueRules,
    /// What is never a secret: references, templates, dummies, vendors' example keys.
    pub placeholders: PlaceholderRules,
    /// When a token with no name at all is hidden in shown file text (a password
    /// alone on a line, a second string on a broken line). Never reported.
    #[serde(default)]
    pub standalone: Option<StandaloneRules>,
    /// Regexes that find the values [`super::Secrets::redact_text`] must hide in a snippet.
    ///
    /// Each has a `value` group and may have a `name` group; with a name, the
    /// value is hidden only when the name is secret-like. Earlier regexes win.
    pub assignments: Vec<String>,
}

/// Name and version of a catalogue, for reports and `vouch policies`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogMetadata {
    /// Catalogue name.
    pub name: String,
    /// Catalogue version.
    #[serde(default)]
    pub version: Option<String>,
}

/// One key shape: who issues it, what kind of key it is, and how to find it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyPattern {
    /// Stable id, unique in the catalogue (`openai-project-key`).
    pub id: String,
    /// Who issues the key (`openai`, `anthropic`, `aws`, `pem`…).
    pub provider: String,
    /// What kind of key of that provider (`project`, `admin`, `access-key-id`…).
    pub class: String,
    /// The rule family that reports it: `ai` (ISO-001) or `cloud` (ISO-002).
    pub set: KeySet,
    /// The key's shape. A named group `key` marks the secret; without one the whole match is.
    pub regex: String,
    /// What the characters on either side of the key must not be.
    #[serde(default)]
    pub boundary: Boundary,
    /// A regex that must match near the key, for shapes that are ambiguous alone.
    #[serde(default)]
    pub near: Option<Near>,
    /// A regex that the text before the key on its own line must match: the
    /// name it is assigned to (`MISTRAL_API_KEY=`), for shapes that a provider's
    /// name nearby does not settle alone (a model name beside a request id).
    #[serde(default)]
    pub assigned_to: Option<String>,
    /// The non-secret prefix that names the key type and is kept in redaction.
    #[serde(default)]
    pub public_prefix: Option<String>,
    /// Lowest Shannon entropy (bits per character) of the key after its public prefix.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// Where the shape comes from, for reviewers.
    #[serde(default)]
    pub source: Option<String>,
}

/// The rule family a key pattern belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeySet {
    /// Keys for hosted AI model APIs (ISO-001).
    Ai,
    /// Cloud and platform credentials (ISO-002).
    Cloud,
}

impl KeySet {
    /// The name used in the catalogue and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            KeySet::Ai => "ai",
            KeySet::Cloud => "cloud",
        }
    }
}

/// The characters that may not touch a key on either side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Boundary {
    /// No letter, digit or `_` on either side (a JSON `\n` escape counts as a boundary).
    #[default]
    Word,
    /// As `word`, and no `+` or `/` on either side nor `=` after: for base64 keys that could
    /// be cut from a longer blob.
    Base64,
    /// The regex handles its own edges.
    None,
}

/// A regex that must match within some lines of a key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Near {
    /// What must be near (a provider's variable name, endpoint, or a paired key id).
    pub regex: String,
    /// How many lines before and after the key's own lines are searched.
    #[serde(default)]
    pub lines: usize,
}

/// Secret-like names: a name is secret-like when some `include` regex matches
/// and no `exclude` regex does. Both see the name in snake case, lower case
/// (`openaiApiKey` and `OPENAI-API-KEY` are both `openai_api_key`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameRules {
    /// Names that hold secrets.
    pub include: Vec<String>,
    /// Names that look secret-like but hold references, ids or settings.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// When a literal looks like a secret (ISO-003).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueRules {
    /// Fewer characters than this is never a secret.
    pub min_length: usize,
    /// Entropy (bits per character) a value with letters beyond `a-f` must reach.
    pub min_entropy: f64,
    /// Entropy a value made only of hex digits must reach.
    pub min_entropy_hex: f64,
    /// Short values cannot reach high entropy, so the threshold is capped at
    /// `short_factor × log2(length)`.
    pub short_factor: f64,
    /// Regexes for literals that are never secrets: numbers, versions, hostnames, ARNs…
    #[serde(default)]
    pub not_secret: Vec<String>,
}

/// Random-looking tokens hidden in shown file text whatever stands around them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandaloneRules {
    /// A regex for one token; a token followed by `:` (a mapping key) is never hidden.
    pub token: String,
    /// Entropy (bits per character) the token must reach.
    pub min_entropy: f64,
    /// Upper-case letters, lower-case letters and digits it must each hold at least.
    pub min_per_class: usize,
    /// Largest share (0..1) of the token in runs of four or more lower-case
    /// letters: above it the token reads as words (a generated resource name).
    pub max_word_share: f64,
}

/// What counts as a placeholder. See `docs/secrets.md` for the reasons.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceholderRules {
    /// Values shorter than this (in characters) are placeholders.
    pub min_length: usize,
    /// Whole values that are placeholders (case-insensitive).
    #[serde(default)]
    pub words: Vec<String>,
    /// Substrings that make any value a placeholder (case-insensitive).
    #[serde(default)]
    pub contains: Vec<String>,
    /// Regexes for references and templates, resolved somewhere else than the file.
    /// A match anywhere in a value makes it a placeholder, unless `literal_inside` says otherwise.
    #[serde(default)]
    pub references: Vec<String>,
    /// Regexes with a `literal` group: a part of a value that stays literal even beside a
    /// reference (the default of `${VAR:-literal}`, the password of `scheme://user:pw@${HOST}`).
    /// A value where such a part is no placeholder is no placeholder either.
    #[serde(default)]
    pub literal_inside: Vec<String>,
    /// Vendors' documented example keys, exactly.
    #[serde(default)]
    pub examples: Vec<String>,
    /// A leading type prefix (`sk-`, `hf_`, `sk-proj-`) ignored by the regularity checks.
    pub prefix: String,
    /// A body with fewer distinct characters than this is too regular.
    pub min_distinct: usize,
    /// A body that is one unit of at most this many characters repeated is too regular.
    pub max_repeat_unit: usize,
    /// Share (0..1) of characters that must repeat the unit for the body to count as repeated,
    /// so that `FAKEFAKE…T3BlbkFJ…FAKE` is still a repetition.
    pub min_repeat_ratio: f64,
    /// A body whose neighbouring characters step by one this often (0..1) is a sequence.
    pub max_sequential_ratio: f64,
    /// Characters used to mask a key (`x`, `*`…).
    pub mask_chars: String,
    /// A body with at least this share (0..1) of mask characters is masked.
    pub max_mask_ratio: f64,
}
