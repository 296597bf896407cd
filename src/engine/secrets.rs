//! The engine's view of the secret detectors: the one place that knows how
//! keys are found and redacted, so the evaluator and every renderer agree.
//!
//! The catalogue is the built-in `policies/secrets.yaml`, extended by the
//! `detectors.secrets` section of any pack in force (lists are appended,
//! settings replaced), compiled once per run.

use crate::inputs::yaml;
use crate::policy::PolicySet;
use crate::secrets::{self, SecretCatalog, Secrets};
use crate::source::Span;

/// The built-in catalogue of key shapes, names and placeholders.
pub const BUILTIN_CATALOGUE: &str = include_str!("../../policies/secrets.yaml");

/// A key found in text.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyFound {
    /// Byte range within the text searched.
    pub range: std::ops::Range<usize>,
    /// The provider (`openai`, `aws`).
    pub provider: String,
    /// The class (`project`, `admin`).
    pub class: String,
    /// The set it belongs to (`ai`, `cloud`).
    pub set: String,
    /// Its redacted form.
    pub redacted: String,
}

/// The compiled secret detectors.
#[derive(Debug, Clone)]
pub struct SecretsGlue {
    secrets: Secrets,
}

impl Default for SecretsGlue {
    fn default() -> Self {
        Self::from_json(builtin_json()).expect("the built-in secret catalogue compiles")
    }
}

fn builtin_json() -> serde_json::Value {
    yaml::parse(BUILTIN_CATALOGUE)
        .ok()
        .and_then(|docs| docs.into_iter().next())
        .map(|d| d.root.to_json())
        .unwrap_or_default()
}

impl SecretsGlue {
    /// The built-in catalogue extended by the packs' `detectors.secrets` data.
    pub fn from_policies(policies: &PolicySet) -> Result<Self, String> {
        let mut catalogue = builtin_json();
        if let Some(extra) = policies.detectors.get("secrets") {
            crate::policy::load::merge_json(&mut catalogue, extra.clone());
        }
        Self::from_json(catalogue)
    }

    fn from_json(catalogue: serde_json::Value) -> Result<Self, String> {
        let catalogue: SecretCatalog =
            serde_json::from_value(catalogue).map_err(|e| e.to_string())?;
        Ok(SecretsGlue {
            secrets: Secrets::compile(&catalogue)?,
        })
    }

    /// Whether secrets go under this name.
    pub fn is_secret_name(&self, name: &str) -> bool {
        self.secrets.is_secret_name(name)
    }

    /// Whether a literal looks like a real secret: a known key shape, or a
    /// high-entropy value that is no placeholder or reference.
    pub fn is_secret_literal(&self, value: &str) -> bool {
        !self.secrets.is_placeholder(value)
            && (self.secrets.looks_like_secret_value(value)
                || !self.secrets.find_keys(value).is_empty())
    }

    /// Whether a value is a placeholder or reference.
    pub fn is_placeholder(&self, value: &str) -> bool {
        self.secrets.is_placeholder(value)
    }

    /// Every key in `text`.
    pub fn find_keys(&self, text: &str) -> Vec<KeyFound> {
        self.secrets
            .find_keys(text)
            .into_iter()
            .map(|k| KeyFound {
                range: k.span.start..k.span.end,
                provider: k.provider,
                class: k.class,
                set: k.set.as_str().to_string(),
                redacted: k.redacted,
            })
            .collect()
    }

    /// The redacted form of one secret value: the key's own redaction when it
    /// has a known shape, else length and fingerprint only.
    pub fn redact_value(&self, value: &str) -> String {
        match self.secrets.find_keys(value).as_slice() {
            [one] if one.span.len() == value.len() => one.redacted.clone(),
            _ => secrets::redact(value, None),
        }
    }

    /// `text` with every secret replaced by its redaction.
    pub fn redact_text(&self, text: &str) -> String {
        self.secrets.redact_text(text)
    }

    /// `text` with every secret, and the `known` spans, replaced by their redaction.
    pub fn redact_text_with(&self, text: &str, known: &[Span]) -> String {
        self.secrets.redact_text_with(text, known)
    }
}
