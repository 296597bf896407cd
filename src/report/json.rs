//! The JSON report: the [`ScanResult`] itself, pretty-printed, and the loader for saved results.
//!
//! The JSON form is the contract (DESIGN.md, "The JSON result") described by
//! `schemas/report.schema.json`, which is embedded here so `vouch report` can
//! check a saved file before trusting it:
//!
//! - `schema_version` — always `"1"`;
//! - `tool` — `{name: "vouch", version}`;
//! - `scan` — roots, `started_at` (RFC 3339), file counts, `policy_digest`
//!   (`sha256:…`, or `mixed` in a merge of differing policies), `policies`,
//!   `skipped`, and when known `now`, `git` and `merged_from`;
//! - `summary` — counts of open findings (by severity and by area), passed,
//!   unknown, suppressed and errors;
//! - `findings`, `passed`, `unknown`, `errors` — the lists, each entry with
//!   its file and 1-based line, and `origin` when merged.

use std::sync::OnceLock;

use serde_json::Value;

use super::ReportError;
use crate::result::{SCHEMA_VERSION, ScanResult};

/// The JSON schema of the result, as shipped in `schemas/report.schema.json`.
pub const SCHEMA: &str = include_str!("../../schemas/report.schema.json");

/// Serialises `result` as pretty-printed JSON with a final newline.
pub fn render(result: &ScanResult) -> Result<String, ReportError> {
    let mut text = serde_json::to_string_pretty(result)?;
    text.push('\n');
    Ok(text)
}

/// Reads a saved JSON result (`vouch report FILE`), checking it against the schema.
///
/// `file` names the input in errors. Syntax errors carry the line and
/// column; schema errors carry the JSON pointer of the offending value.
pub fn load_result(file: &str, text: &str) -> Result<ScanResult, ReportError> {
    let invalid = |line, column, message: String| ReportError::InvalidResult {
        file: file.to_string(),
        line,
        column,
        message,
    };
    let value: Value =
        serde_json::from_str(text).map_err(|e| invalid(e.line(), e.column(), e.to_string()))?;

    let version = value.get("schema_version").and_then(Value::as_str);
    if version != Some(SCHEMA_VERSION) {
        let found = version.map_or_else(|| "none".to_string(), |v| format!("`{v}`"));
        let message = format!("schema_version is {found}; this vouch reads `{SCHEMA_VERSION}`");
        return Err(invalid(0, 0, message));
    }
    let validator = validator().map_err(|e| invalid(0, 0, e.clone()))?;
    if let Some(err) = validator.iter_errors(&value).next() {
        let pointer = err.instance_path().to_string();
        let at = if pointer.is_empty() {
            "/".to_string()
        } else {
            pointer
        };
        return Err(invalid(0, 0, format!("at {at}: {err}")));
    }
    serde_json::from_value(value).map_err(|e| invalid(0, 0, e.to_string()))
}

/// The compiled schema, built once per process.
fn validator() -> Result<&'static jsonschema::Validator, &'static String> {
    static VALIDATOR: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let schema: Value = serde_json::from_str(SCHEMA).map_err(|e| e.to_string())?;
            jsonschema::options()
                .should_validate_formats(true)
                .build(&schema)
                .map_err(|e| format!("the embedded report schema is invalid: {e}"))
        })
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = load_result("a.json", "{\n  \"schema_version\": 1,,\n}").unwrap_err();
        match err {
            ReportError::InvalidResult { line, column, .. } => assert_eq!((line, column), (2, 23)),
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn other_schema_versions_are_refused() {
        let err = load_result("a.json", r#"{"schema_version": "2"}"#).unwrap_err();
        assert!(err.to_string().contains("schema_version is `2`"), "{err}");
    }
}
