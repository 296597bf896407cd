//! The scan result: the one model every output format is rendered from.
//!
//! Its JSON form is the contract of `schemas/report.schema.json`; the field
//! names are fixed because users' scripts, `vouch report` and every renderer
//! read them. Add fields, never rename one.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The version of the JSON result format.
pub const SCHEMA_VERSION: &str = "1";

/// How bad a finding is. Ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical: a live key in clear text, a public secret.
    Critical,
}

impl Severity {
    /// All severities, most severe first.
    pub const DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => {
                return Err(format!(
                    "unknown severity `{s}` (critical, high, medium, low, info)"
                ));
            }
        })
    }
}

/// The six areas a rule can belong to.
pub const AREAS: [&str; 6] = [
    "key-isolation",
    "least-privilege",
    "rotation",
    "encryption",
    "retention",
    "monitoring",
];

/// The whole result of a scan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanResult {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: String,
    /// The tool that wrote it.
    pub tool: Tool,
    /// What was scanned, when, with which policies.
    pub scan: ScanInfo,
    /// Counts.
    pub summary: Summary,
    /// Rules that failed, suppressed ones included (marked).
    pub findings: Vec<Finding>,
    /// Rules that passed: the evidence.
    pub passed: Vec<Check>,
    /// Rules the files could not settle.
    pub unknown: Vec<Unknown>,
    /// Files that could not be read or parsed.
    pub errors: Vec<FileError>,
    /// Every waiver and inline suppression, and what became of it.
    #[serde(default)]
    pub exceptions: Vec<Exception>,
    /// The rules in force: title, area, controls and remediation of each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleInfo>,
}

/// What a report needs to know about one rule in force: stored in the result,
/// so that `vouch report` can describe a team's own rules without its packs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// The stable id, `VCH-ISO-001`.
    pub id: String,
    /// The kebab-case name of the pattern it flags, `key-in-plain-env`.
    pub name: String,
    /// A one-line title.
    pub title: String,
    /// One of [`AREAS`] (or a user pack's own area).
    pub area: String,
    /// The severity in force, after config overrides.
    pub severity: Severity,
    /// What it checks and why it matters (Markdown allowed).
    pub description: String,
    /// How to fix a failure.
    pub remediation: String,
    /// Controls it serves, `framework:control` (`soc2:CC6.1`).
    pub controls: Vec<String>,
}

/// A waiver (config) or inline suppression (comment), and what became of it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Exception {
    /// `waiver` or `inline`.
    pub kind: String,
    /// The rule it names.
    pub rule: String,
    /// Where it is written: the config file for a waiver, the scanned file for a comment.
    pub file: String,
    /// Its line there.
    pub line: usize,
    /// The path globs it covers (waivers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// The resource (pattern) it covers (waivers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The reason given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who owns the risk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Its last day (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// `active` (suppresses findings), `unused` (matched none), `expired`
    /// (it no longer waives; its findings count again), `invalid` (malformed; suppresses nothing) or
    /// `disallowed` (an inline comment while config forbids them).
    pub status: String,
    /// How many findings it matched.
    pub matched: usize,
    /// What is wrong with it, when it is invalid or disallowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Where a merged result came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

impl Exception {
    /// Whether it needs someone's attention (anything but active).
    pub fn needs_attention(&self) -> bool {
        self.status != "active"
    }
}

/// The tool's name and version.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tool {
    /// `vouch`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: "vouch".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// Facts about the scan itself.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ScanInfo {
    /// The roots as given.
    pub roots: Vec<String>,
    /// RFC 3339 time the scan started.
    pub started_at: String,
    /// Files read and checked.
    pub files_scanned: usize,
    /// Files passed over (size, binary, templates).
    pub files_skipped: usize,
    /// `sha256:` of the effective policies.
    pub policy_digest: String,
    /// The date rotation ages and expiries were measured from (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<String>,
    /// The policy packs in force.
    #[serde(default)]
    pub policies: Vec<PackInfo>,
    /// The files passed over, and why.
    #[serde(default)]
    pub skipped: Vec<Skipped>,
    /// Git commit and branch of the first root, when it is a work tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git: Option<GitInfo>,
    /// The origin of each merged result (`vouch report a.json b.json`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
    /// The config file used, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    /// The baseline file findings were compared with, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// With `--changed-since`: the ref, and the files changed since it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_since: Option<ChangedSince>,
}

/// What `--changed-since` limited the findings to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChangedSince {
    /// The git ref as given.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The commit the changes were measured from (the merge base of the ref and HEAD).
    pub base: String,
    /// How many scanned files changed since it.
    pub files: usize,
}

/// A policy pack in force.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PackInfo {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// How many rules it brought.
    pub rules: usize,
}

/// A file passed over.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Skipped {
    /// The file.
    pub file: String,
    /// Why.
    pub reason: String,
}

/// The git state of the scanned tree.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GitInfo {
    /// The commit id.
    pub commit: String,
    /// The branch, when not detached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// Whether the work tree had uncommitted changes or untracked files, so
    /// that the files scanned are not exactly those of `commit`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dirty: bool,
}

/// Counts by outcome, severity and area.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Findings that are not suppressed.
    pub findings: usize,
    /// Passed checks.
    pub passed: usize,
    /// Unsuppressed findings per severity.
    pub by_severity: BTreeMap<String, usize>,
    /// Unsuppressed findings per area.
    pub by_area: BTreeMap<String, usize>,
    /// Checks the files could not settle.
    #[serde(default)]
    pub unknown: usize,
    /// Findings waived, suppressed inline or in the baseline.
    #[serde(default)]
    pub suppressed: usize,
    /// Files with errors.
    #[serde(default)]
    pub errors: usize,
}

/// One failed check.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    /// The rule id, `VCH-ISO-001`.
    pub rule: String,
    /// The rule's title.
    pub title: String,
    /// The rule's area.
    pub area: String,
    /// The effective severity.
    pub severity: Severity,
    /// The file, as the user would type it.
    pub file: String,
    /// First line, from 1.
    pub line: usize,
    /// First column, from 1.
    pub column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column past the end.
    pub end_column: usize,
    /// The resource address.
    pub resource: String,
    /// What is wrong, with values from the file (secrets redacted).
    pub message: String,
    /// What to change.
    pub remediation: String,
    /// Controls the rule serves.
    pub controls: Vec<String>,
    /// Stable across unrelated edits; see `engine::fingerprint`.
    pub fingerprint: String,
    /// Set when a waiver, inline comment or baseline suppresses it.
    pub suppressed: Option<Suppression>,
    /// The rule's kebab-case name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The environment of the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The source lines around the finding, redacted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub snippet: Vec<SnippetLine>,
    /// Where a merged result came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The Helm template a rendered manifest came from (its `# Source:` comment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

/// A line of source shown with a finding, already redacted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SnippetLine {
    /// The line number.
    pub line: usize,
    /// Its text, secrets redacted; only part of it when the line is longer
    /// than [`SNIPPET_LINE_CHARS`] (a minified bundle).
    pub text: String,
    /// When only part of the line is kept: the 1-based column where `text` starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_column: Option<usize>,
    /// When only part of the line is kept: the whole line's length in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_chars: Option<usize>,
}

/// The most characters of one line a snippet keeps: a window around the
/// finding's column, so that a 3 MB minified line costs 400 characters.
pub const SNIPPET_LINE_CHARS: usize = 400;

impl SnippetLine {
    /// A whole line.
    pub fn whole(line: usize, text: String) -> Self {
        SnippetLine {
            line,
            text,
            from_column: None,
            line_chars: None,
        }
    }

    /// The line cut to [`SNIPPET_LINE_CHARS`] around the 1-based character
    /// `column` (keeping 160 characters before it), or whole when it fits.
    pub fn around(line: usize, text: &str, column: usize) -> Self {
        let len = text.chars().count();
        Self::around_part(line, text, column, 0, len)
    }

    /// As [`SnippetLine::around`], for `text` that is only part of a line:
    /// the part starts after `before` characters of a line of `line_chars`.
    /// `column` counts within `text`.
    pub fn around_part(
        line: usize,
        text: &str,
        column: usize,
        before: usize,
        line_chars: usize,
    ) -> Self {
        let len = text.chars().count();
        if before == 0 && len <= SNIPPET_LINE_CHARS && len == line_chars {
            return Self::whole(line, text.to_string());
        }
        let from = column
            .saturating_sub(161)
            .min(len.saturating_sub(SNIPPET_LINE_CHARS));
        SnippetLine {
            line,
            text: text.chars().skip(from).take(SNIPPET_LINE_CHARS).collect(),
            from_column: Some(before + from + 1),
            line_chars: Some(line_chars.max(before + len)),
        }
    }

    /// Characters of the line before `text` (0 when it starts the line).
    pub fn skipped(&self) -> usize {
        self.from_column.map_or(0, |c| c.saturating_sub(1))
    }

    /// Whether the line goes on after `text`.
    pub fn continues(&self) -> bool {
        self.line_chars
            .is_some_and(|n| n > self.skipped() + self.text.chars().count())
    }
}

/// Why a finding does not count.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Suppression {
    /// `waiver`, `inline` or `baseline`.
    pub kind: String,
    /// The reason given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who owns the risk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// When it stops applying (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where the waiver, comment or baseline stands (`file:line`, or the baseline file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// A passed check.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Check {
    /// The rule id.
    pub rule: String,
    /// The file.
    pub file: String,
    /// The line of the resource.
    pub line: usize,
    /// The resource address.
    pub resource: String,
    /// Where a merged result came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// A check the files could not settle.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Unknown {
    /// The rule id.
    pub rule: String,
    /// The file.
    pub file: String,
    /// The line of the value that could not be settled.
    pub line: usize,
    /// The resource address.
    pub resource: String,
    /// Why.
    pub reason: String,
    /// Where a merged result came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// A file that could not be read or parsed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileError {
    /// The file.
    pub file: String,
    /// The line the parser stopped at (1 when it cannot say).
    pub line: usize,
    /// The parser's reason.
    pub message: String,
    /// Where a merged result came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

impl Default for ScanResult {
    /// An empty result of the current schema: no findings, no checks, no files.
    fn default() -> Self {
        ScanResult {
            schema_version: SCHEMA_VERSION.into(),
            tool: Tool::default(),
            scan: ScanInfo::default(),
            summary: Summary::default(),
            findings: Vec::new(),
            passed: Vec::new(),
            unknown: Vec::new(),
            errors: Vec::new(),
            exceptions: Vec::new(),
            rules: Vec::new(),
        }
    }
}

impl ScanResult {
    /// Recomputes `summary` from the lists.
    pub fn recount(&mut self) {
        let mut summary = Summary {
            passed: self.passed.len(),
            unknown: self.unknown.len(),
            errors: self.errors.len(),
            ..Summary::default()
        };
        for f in &self.findings {
            if f.suppressed.is_some() {
                summary.suppressed += 1;
                continue;
            }
            summary.findings += 1;
            *summary
                .by_severity
                .entry(f.severity.to_string())
                .or_default() += 1;
            *summary.by_area.entry(f.area.clone()).or_default() += 1;
        }
        self.summary = summary;
    }

    /// The most severe unsuppressed finding, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| f.severity)
            .max()
    }
}
