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
//!   `skipped`, and when known `now`, `git` (`commit`, `branch`, `dirty`),
//!   `merged_from`, `config`, `baseline` and `changed_since` (`ref`,
//!   `base`, `files`);
//! - `summary` — counts of open findings (by severity and by area), passed,
//!   unknown, suppressed and errors;
//! - `findings`, `passed`, `unknown`, `errors` — the lists, each entry with
//!   its file and 1-based line, and `origin` when merged; a suppressed
//!   finding's `suppressed` has `kind`, `reason`, `owner`, `expires`, `at`;
//! - `exceptions` — every waiver and `vouch:ignore` comment: `kind`, `rule`,
//!   `file`, `line`, `paths`, `resource`, `reason`, `owner`, `expires`,
//!   `status` (active, expired, unused, invalid, disallowed), `matched`,
//!   `problem`.
//!
//! A saved result that fails to load is reported with its file and the
//! line and column of the problem: of the syntax error, or of the value a
//! schema error's JSON pointer names.

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
    let invalid = |(line, column): (usize, usize), message: String| ReportError::InvalidResult {
        file: file.to_string(),
        line,
        column,
        message,
    };
    let value: Value = serde_json::from_str(text).map_err(|e| {
        // serde_json ends its message with " at line L column C", which the error already gives.
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        invalid((e.line(), e.column()), message)
    })?;
    let at = |pointer: &str| locate(text, pointer).unwrap_or((0, 0));

    let version = value.get("schema_version");
    if version.and_then(Value::as_str) != Some(SCHEMA_VERSION) {
        let found = match version {
            None => "missing".to_string(),
            Some(Value::String(v)) => format!("`{v}`"),
            Some(other) => format!("the {} {other}, not a string", json_kind(other)),
        };
        let message = format!("schema_version is {found}; this vouch reads `\"{SCHEMA_VERSION}\"`");
        let place = if version.is_some() {
            at("/schema_version")
        } else {
            (1, 1)
        };
        return Err(invalid(place, message));
    }
    let validator = validator().map_err(|e| invalid((0, 0), e.clone()))?;
    if let Some(err) = validator.iter_errors(&value).next() {
        let pointer = err.instance_path().to_string();
        let shown = if pointer.is_empty() { "/" } else { &pointer };
        return Err(invalid(at(&pointer), format!("at {shown}: {err}")));
    }
    serde_json::from_value(value).map_err(|e| invalid((0, 0), e.to_string()))
}

/// "number", "object"… for a message about a value of the wrong type.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The 1-based line and column where the value at JSON `pointer` starts in
/// `text` (which must be valid JSON), so a schema error points into the file.
fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let target: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut walker = Walker {
        text: text.as_bytes(),
        at: 0,
    };
    let offset = walker.find(&target, 0)?;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Some((line, before[line_start..].chars().count() + 1))
}

/// A cursor over valid JSON that skips values it does not need to enter.
struct Walker<'a> {
    text: &'a [u8],
    at: usize,
}

impl Walker<'_> {
    /// Walks the value at the cursor, whose path matches `target[..depth]`;
    /// returns the offset of the value at `target`, if inside it.
    fn find(&mut self, target: &[String], depth: usize) -> Option<usize> {
        self.space();
        if depth == target.len() {
            return Some(self.at);
        }
        match self.text.get(self.at)? {
            b'{' => {
                self.at += 1;
                loop {
                    self.space();
                    if self.text.get(self.at)? == &b'}' {
                        return None;
                    }
                    let key = self.string()?;
                    self.space();
                    self.at += 1; // the colon
                    if key == target[depth] {
                        return self.find(target, depth + 1);
                    }
                    self.skip()?;
                    self.space();
                    if self.text.get(self.at)? == &b',' {
                        self.at += 1;
                    }
                }
            }
            b'[' => {
                self.at += 1;
                let wanted: usize = target[depth].parse().ok()?;
                for _ in 0..wanted {
                    self.skip()?;
                    self.space();
                    if self.text.get(self.at)? != &b',' {
                        return None;
                    }
                    self.at += 1;
                }
                self.find(target, depth + 1)
            }
            _ => None,
        }
    }

    fn space(&mut self) {
        while self.text.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    /// Reads a string at the cursor and returns it decoded.
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        self.at += 1;
        while let Some(&b) = self.text.get(self.at) {
            self.at += 1;
            match b {
                b'\\' => self.at += 1,
                b'"' => break,
                _ => {}
            }
        }
        let raw = std::str::from_utf8(&self.text[start..self.at]).ok()?;
        serde_json::from_str(raw).ok()
    }

    /// Skips the value at the cursor.
    fn skip(&mut self) -> Option<()> {
        self.space();
        match self.text.get(self.at)? {
            b'"' => {
                self.string()?;
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                while let Some(&b) = self.text.get(self.at) {
                    match b {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.at += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                while self
                    .text
                    .get(self.at)
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.at += 1;
                }
            }
        }
        Some(())
    }
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
    fn syntax_errors_carry_line_and_column_once() {
        let err = load_result("a.json", "{\n  \"schema_version\": 1,,\n}").unwrap_err();
        match &err {
            ReportError::InvalidResult { line, column, .. } => {
                assert_eq!((*line, *column), (2, 23));
            }
            other => panic!("unexpected error {other:?}"),
        }
        assert_eq!(
            err.to_string(),
            "a.json:2:23: not a vouch JSON result: key must be a string"
        );
    }

    #[test]
    fn other_schema_versions_are_refused_at_their_line() {
        let err = load_result("a.json", "{\n  \"schema_version\": \"2\"\n}").unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.json:2:21: not a vouch JSON result: schema_version is `2`; this vouch reads `\"1\"`"
        );
        let err = load_result("a.json", "{\"schema_version\": 1}").unwrap_err();
        assert!(
            err.to_string()
                .contains("schema_version is the number 1, not a string"),
            "{err}"
        );
        let err = load_result("a.json", "{}").unwrap_err();
        assert!(
            err.to_string().contains("schema_version is missing"),
            "{err}"
        );
    }

    #[test]
    fn pointers_are_found_in_the_text() {
        let text =
            "{\n \"a\": {\"x/y\": [1, {\"b\": \"s,]}\"}, 3]},\n \"c\": [\n  true,\n  null\n ]\n}";
        assert_eq!(locate(text, "/a/x~1y/1/b"), Some((2, 25)));
        assert_eq!(locate(text, "/a/x~1y/2"), Some((2, 34)));
        assert_eq!(locate(text, "/c/1"), Some((5, 3)));
        assert_eq!(locate(text, ""), Some((1, 1)));
        assert_eq!(locate(text, "/nope"), None);
    }
}
