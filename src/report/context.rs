//! The template context: the view of a [`ScanResult`] that the HTML and Markdown templates read.
//!
//! Templates should not compute: sorting, grouping, counting per area and per
//! control, chart geometry and labels are done here once, so the built-in
//! templates and a user's `--template` see the same, documented fields
//! (docs/templates.md). The raw result stays available as `result`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use super::chart::{self, Charts};
use super::controls::{self, Framework};
use super::limit;
use super::{ReportInput, RuleInfo};
use crate::result::{
    AREAS, Check, Exception, FileError, Finding, ScanResult, Severity, Skipped, SnippetLine,
    Unknown,
};

/// Everything a report template receives; see docs/templates.md for each field.
#[derive(Debug, Serialize)]
pub struct TemplateContext<'a> {
    /// The result exactly as in the JSON contract.
    pub result: &'a ScanResult,
    /// Headline counts and the overall status.
    pub totals: Totals,
    /// One row per severity, most severe first.
    pub severities: Vec<SeverityRow>,
    /// One row per area: the six standard ones, then any other area present.
    pub areas: Vec<AreaRow>,
    /// Bar-chart geometry for inline SVG.
    pub charts: Charts,
    /// Control coverage, one table per framework.
    pub frameworks: Vec<Framework>,
    /// Open findings, most severe first.
    pub findings: Vec<FindingView<'a>>,
    /// Waived, inline-suppressed and baselined findings.
    pub suppressed: Vec<FindingView<'a>>,
    /// Open and suppressed findings counted per rule.
    pub rule_counts: Vec<RuleCount>,
    /// Passed checks grouped by rule: the evidence.
    pub passed: Vec<PassedGroup<'a>>,
    /// Checks the files could not settle.
    pub unknown: Vec<UnknownView<'a>>,
    /// Files that could not be read or parsed.
    pub errors: &'a [FileError],
    /// Files passed over, and why.
    pub skipped: &'a [Skipped],
    /// Every waiver and `vouch:ignore` comment, those that need attention first.
    pub exceptions: Vec<ExceptionView<'a>>,
    /// How many exceptions have each status, in the order of [`EXCEPTION_STATUSES`].
    pub exception_counts: Vec<ExceptionCount>,
    /// The date the scan was evaluated at, and whether it was pinned.
    pub evaluation: Evaluation,
    /// Every rule the report mentions or the engine supplied, sorted by id.
    pub rules: Vec<RuleInfo>,
    /// Set when a size limit made the report leave details out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated: Option<Truncation>,
    /// Inline CSS, script and content-security policy (HTML only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assets: Option<Assets>,
}

/// Headline counts.
#[derive(Debug, Serialize)]
pub struct Totals {
    /// Open (unsuppressed) findings.
    pub open: usize,
    /// Passed checks.
    pub passed: usize,
    /// Checks not settled.
    pub unknown: usize,
    /// Suppressed findings.
    pub suppressed: usize,
    /// Files with errors.
    pub errors: usize,
    /// Files skipped.
    pub skipped: usize,
    /// All checks: open + suppressed + passed + unknown.
    pub checks: usize,
    /// The most severe open finding's severity, when there is one.
    pub worst: Option<Severity>,
    /// `fail` when any finding is open, else `pass`.
    pub status: &'static str,
}

/// Findings of one severity.
#[derive(Debug, Serialize)]
pub struct SeverityRow {
    /// `critical` … `info`.
    pub key: Severity,
    /// `Critical` … `Info`.
    pub label: &'static str,
    /// Open findings.
    pub open: usize,
    /// Suppressed findings.
    pub suppressed: usize,
}

/// Outcomes in one area.
#[derive(Debug, Serialize)]
pub struct AreaRow {
    /// The area id, `key-isolation`.
    pub key: String,
    /// `Key isolation`.
    pub label: String,
    /// Open findings.
    pub open: usize,
    /// Open findings per severity, most severe first (five numbers).
    pub by_severity: Vec<usize>,
    /// Passed checks.
    pub passed: usize,
    /// Checks not settled.
    pub unknown: usize,
    /// Suppressed findings.
    pub suppressed: usize,
}

/// A finding with the labels and lookups a template needs.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView<'a> {
    /// Every field of the finding, as in the JSON contract, with a very long
    /// message cut to a window ([`limit::message`]).
    #[serde(flatten)]
    pub finding: Cow<'a, Finding>,
    /// A unique HTML id, `finding-3`.
    pub anchor: String,
    /// `Critical` … `Info`.
    pub severity_label: &'static str,
    /// `Key isolation`.
    pub area_label: String,
    /// `file:line:column`.
    pub location: String,
    /// The rule's kebab-case name (from the finding or the rule metadata).
    pub rule_name: String,
    /// The rule's description, when the engine supplied it.
    pub description: String,
    /// The snippet, each line marked whether it lies inside the finding's span.
    pub source_lines: Vec<SourceLine>,
    /// `Waiver`, `Inline suppression` or `Baseline`, for suppressed findings.
    pub suppression_label: Option<&'static str>,
}

/// The exception statuses, in the order reports list them: those that need
/// someone's attention first.
pub const EXCEPTION_STATUSES: [&str; 5] = ["expired", "invalid", "disallowed", "unused", "active"];

/// A waiver or `vouch:ignore` comment with the labels a template needs.
#[derive(Debug, Clone, Serialize)]
pub struct ExceptionView<'a> {
    /// Every field of the exception, as in the JSON contract.
    #[serde(flatten)]
    pub exception: &'a Exception,
    /// `Waiver` or `Inline suppression`.
    pub kind_label: &'static str,
    /// `Active`, `Expired`, `Unused`, `Invalid` or `Disallowed`.
    pub status_label: &'static str,
    /// Whether it needs someone's attention (any status but active).
    pub attention: bool,
    /// Where it is written: `file:line`.
    pub location: String,
    /// What it covers beyond its rule: path globs and resource, or empty.
    pub scope: String,
    /// What became of it, in a sentence.
    pub outcome: String,
}

/// How many exceptions have one status.
#[derive(Debug, Clone, Serialize)]
pub struct ExceptionCount {
    /// `expired` … `active`.
    pub status: &'static str,
    /// `Expired` … `Active`.
    pub label: &'static str,
    /// How many.
    pub count: usize,
}

/// The date rotation ages and expiries were measured from.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// `YYYY-MM-DD`, when the result records it.
    pub date: Option<String>,
    /// The day the scan started (`YYYY-MM-DD` of `started_at`).
    pub scan_date: String,
    /// Whether `date` differs from the day the scan ran (set with `--now`).
    pub pinned: bool,
    /// The date and what it is, in words for the reader.
    pub text: String,
}

/// One snippet line.
#[derive(Debug, Clone, Serialize)]
pub struct SourceLine {
    /// The line number.
    pub line: usize,
    /// The redacted text, cut to a window around the finding when the line is very long.
    pub text: String,
    /// Whether the finding covers this line.
    pub focus: bool,
    /// The full length in characters, when `text` was cut.
    pub shortened: Option<usize>,
}

/// Snippet lines longer than this many characters are shown as a window of this size.
const MAX_LINE_CHARS: usize = 400;

/// How often one rule failed.
#[derive(Debug, Serialize)]
pub struct RuleCount {
    /// The rule id.
    pub rule: String,
    /// Its title.
    pub title: String,
    /// The most severe effective severity among its findings.
    pub severity: Severity,
    /// Open findings.
    pub open: usize,
    /// Suppressed findings.
    pub suppressed: usize,
}

/// The passed checks of one rule.
#[derive(Debug, Serialize)]
pub struct PassedGroup<'a> {
    /// The rule id.
    pub rule: String,
    /// Its title (empty when unknown).
    pub title: String,
    /// Its area label.
    pub area_label: String,
    /// How many checks passed.
    pub count: usize,
    /// The checks, by file and line.
    pub checks: Vec<&'a Check>,
}

/// A check not settled, with its rule's title.
#[derive(Debug, Clone, Serialize)]
pub struct UnknownView<'a> {
    /// Every field of the unknown check.
    #[serde(flatten)]
    pub unknown: &'a Unknown,
    /// The rule's title (empty when unknown).
    pub title: String,
    /// `file:line`.
    pub location: String,
}

/// What a size limit left out.
#[derive(Debug, Clone, Serialize)]
pub struct Truncation {
    /// Open findings shown in full.
    pub findings_shown: usize,
    /// Open findings in the result.
    pub findings_total: usize,
    /// Whether the individual passed checks were left out (their counts stay).
    pub passed_omitted: bool,
    /// Parse errors listed, and in the result.
    pub errors_shown: usize,
    /// Parse errors in the result.
    pub errors_total: usize,
    /// Skipped files listed.
    pub skipped_shown: usize,
    /// Skipped files in the result.
    pub skipped_total: usize,
    /// A sentence saying what was left out, for the reader.
    pub note: String,
}

/// Inline assets of the HTML report; constant text, never from a scanned file.
#[derive(Debug, Clone, Serialize)]
pub struct Assets {
    /// The stylesheet.
    pub css: &'static str,
    /// The filter script.
    pub js: &'static str,
    /// The Content-Security-Policy that lets only these two run.
    pub csp: String,
}

/// Builds the context for `input`.
pub fn template_context<'a>(input: &ReportInput<'a>) -> TemplateContext<'a> {
    let result = input.result;
    let rules = known_rules(input);
    let by_id: BTreeMap<&str, &RuleInfo> = rules.iter().map(|r| (r.id.as_str(), r)).collect();

    let (open, suppressed): (Vec<&Finding>, Vec<&Finding>) =
        result.findings.iter().partition(|f| f.suppressed.is_none());
    let findings = finding_views(&open, &by_id, "finding");
    let suppressed = finding_views(&suppressed, &by_id, "suppressed");
    let severities = severity_rows(result);
    let areas = area_rows(result, &by_id);
    let charts = chart::charts(&severities, &areas);

    TemplateContext {
        result,
        totals: totals(result),
        frameworks: controls::frameworks(result, &rules),
        rule_counts: rule_counts(result, &by_id),
        passed: passed_groups(result, &by_id),
        unknown: unknown_views(result, &by_id),
        errors: &result.errors,
        skipped: &result.scan.skipped,
        exceptions: exception_views(&result.exceptions),
        exception_counts: exception_counts(&result.exceptions),
        evaluation: evaluation(result),
        severities,
        areas,
        charts,
        findings,
        suppressed,
        rules,
        truncated: None,
        assets: None,
    }
}

/// The engine's rules, plus a description built from the findings of any rule it did not list.
fn known_rules(input: &ReportInput<'_>) -> Vec<RuleInfo> {
    let mut rules: BTreeMap<String, RuleInfo> = input
        .rules
        .iter()
        .map(|r| (r.id.clone(), r.clone()))
        .collect();
    for f in &input.result.findings {
        rules.entry(f.rule.clone()).or_insert_with(|| RuleInfo {
            id: f.rule.clone(),
            name: f.name.clone(),
            title: f.title.clone(),
            area: f.area.clone(),
            severity: f.severity,
            description: String::new(),
            remediation: f.remediation.clone(),
            controls: f.controls.clone(),
        });
    }
    rules.into_values().collect()
}

fn totals(result: &ScanResult) -> Totals {
    let open = result
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .count();
    let suppressed = result.findings.len() - open;
    Totals {
        open,
        passed: result.passed.len(),
        unknown: result.unknown.len(),
        suppressed,
        errors: result.errors.len(),
        skipped: result.scan.skipped.len().max(result.scan.files_skipped),
        checks: result.findings.len() + result.passed.len() + result.unknown.len(),
        worst: result.worst(),
        status: if open > 0 { "fail" } else { "pass" },
    }
}

/// `Critical` for `critical`.
pub(crate) fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

/// `Key isolation` for `key-isolation`; areas from user packs get the same treatment.
pub(crate) fn area_label(area: &str) -> String {
    if area.is_empty() {
        return "Unclassified".into();
    }
    let spaced = area.replace(['-', '_'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

fn severity_rows(result: &ScanResult) -> Vec<SeverityRow> {
    Severity::DESCENDING
        .iter()
        .map(|&s| {
            let of_s = result.findings.iter().filter(|f| f.severity == s);
            let (open, suppressed) = of_s.fold((0, 0), |(o, w), f| match f.suppressed {
                None => (o + 1, w),
                Some(_) => (o, w + 1),
            });
            SeverityRow {
                key: s,
                label: severity_label(s),
                open,
                suppressed,
            }
        })
        .collect()
}

fn area_rows(result: &ScanResult, rules: &BTreeMap<&str, &RuleInfo>) -> Vec<AreaRow> {
    let area_of = |rule: &str| rules.get(rule).map(|r| r.area.clone()).unwrap_or_default();
    let mut rows: Vec<AreaRow> = AREAS.iter().map(|a| empty_area(a)).collect();
    let row = |rows: &mut Vec<AreaRow>, area: &str| -> usize {
        if let Some(i) = rows.iter().position(|r| r.key == area) {
            return i;
        }
        rows.push(empty_area(area));
        rows.len() - 1
    };

    for f in &result.findings {
        let i = row(&mut rows, &f.area);
        if f.suppressed.is_some() {
            rows[i].suppressed += 1;
            continue;
        }
        rows[i].open += 1;
        let s = Severity::DESCENDING.iter().position(|&s| s == f.severity);
        rows[i].by_severity[s.unwrap_or(4)] += 1;
    }
    for c in &result.passed {
        let i = row(&mut rows, &area_of(&c.rule));
        rows[i].passed += 1;
    }
    for u in &result.unknown {
        let i = row(&mut rows, &area_of(&u.rule));
        rows[i].unknown += 1;
    }
    rows
}

fn empty_area(area: &str) -> AreaRow {
    AreaRow {
        key: area.to_string(),
        label: area_label(area),
        open: 0,
        by_severity: vec![0; 5],
        passed: 0,
        unknown: 0,
        suppressed: 0,
    }
}

fn finding_views<'a>(
    findings: &[&'a Finding],
    rules: &BTreeMap<&str, &RuleInfo>,
    prefix: &str,
) -> Vec<FindingView<'a>> {
    let mut sorted = findings.to_vec();
    sorted.sort_by(|a, b| {
        (b.severity, &a.rule, &a.file, a.line, a.column)
            .cmp(&(a.severity, &b.rule, &b.file, b.line, b.column))
    });
    sorted
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            finding_view(
                f,
                rules.get(f.rule.as_str()).copied(),
                format!("{prefix}-{}", i + 1),
            )
        })
        .collect()
}

fn finding_view<'a>(f: &'a Finding, rule: Option<&RuleInfo>, anchor: String) -> FindingView<'a> {
    let rule_name = match (&f.name, rule) {
        (n, _) if !n.is_empty() => n.clone(),
        (_, Some(r)) => r.name.clone(),
        _ => String::new(),
    };
    let last = f.end_line.max(f.line);
    FindingView {
        anchor,
        severity_label: severity_label(f.severity),
        area_label: area_label(&f.area),
        location: format!("{}:{}:{}", f.file, f.line, f.column),
        rule_name,
        description: rule.map(|r| r.description.clone()).unwrap_or_default(),
        source_lines: f.snippet.iter().map(|l| source_line(l, f, last)).collect(),
        suppression_label: f.suppressed.as_ref().map(|s| suppression_label(&s.kind)),
        finding: match limit::message(&f.message) {
            Cow::Borrowed(_) => Cow::Borrowed(f),
            Cow::Owned(message) => Cow::Owned(Finding {
                message,
                ..f.clone()
            }),
        },
    }
}

fn source_line(l: &SnippetLine, f: &Finding, last: usize) -> SourceLine {
    let len = l.text.chars().count();
    let (text, shortened) = if let Some(whole) = l.line_chars {
        // Cut already when the finding was made: show where.
        let before = if l.skipped() > 0 { "…" } else { "" };
        let after = if l.continues() { "…" } else { "" };
        (format!("{before}{}{after}", l.text), Some(whole))
    } else if len <= MAX_LINE_CHARS {
        (l.text.clone(), None)
    } else {
        // Keep the finding's column in view with the 80 characters before it (columns count from 1).
        let start = if l.line == f.line {
            f.column.saturating_sub(81)
        } else {
            0
        };
        let start = start.min(len - MAX_LINE_CHARS);
        let window: String = l.text.chars().skip(start).take(MAX_LINE_CHARS).collect();
        let text = if start > 0 {
            format!("…{window}")
        } else {
            window
        };
        (text, Some(len))
    };
    SourceLine {
        line: l.line,
        text,
        focus: (f.line..=last).contains(&l.line),
        shortened,
    }
}

/// The reader's name for a suppression kind.
pub(crate) fn suppression_label(kind: &str) -> &'static str {
    match kind {
        "waiver" => "Waiver",
        "inline" => "Inline suppression",
        "baseline" => "Baseline",
        _ => "Suppressed",
    }
}

fn exception_views(exceptions: &[Exception]) -> Vec<ExceptionView<'_>> {
    let rank = |x: &Exception| {
        EXCEPTION_STATUSES
            .iter()
            .position(|s| *s == x.status)
            .unwrap_or(EXCEPTION_STATUSES.len())
    };
    let mut sorted: Vec<&Exception> = exceptions.iter().collect();
    sorted.sort_by(|a, b| {
        (rank(a), &a.kind, &a.file, a.line, &a.rule).cmp(&(
            rank(b),
            &b.kind,
            &b.file,
            b.line,
            &b.rule,
        ))
    });
    sorted
        .into_iter()
        .map(|x| ExceptionView {
            kind_label: suppression_label(&x.kind),
            status_label: status_label(&x.status),
            attention: x.needs_attention(),
            location: format!("{}:{}", x.file, x.line),
            scope: exception_scope(x),
            outcome: exception_outcome(x),
            exception: x,
        })
        .collect()
}

fn exception_counts(exceptions: &[Exception]) -> Vec<ExceptionCount> {
    EXCEPTION_STATUSES
        .iter()
        .map(|&status| ExceptionCount {
            status,
            label: status_label(status),
            count: exceptions.iter().filter(|x| x.status == status).count(),
        })
        .filter(|c| c.count > 0)
        .collect()
}

/// The reader's name for an exception status.
fn status_label(status: &str) -> &'static str {
    match status {
        "active" => "Active",
        "expired" => "Expired",
        "unused" => "Unused",
        "invalid" => "Invalid",
        "disallowed" => "Disallowed",
        _ => "Unknown status",
    }
}

fn exception_scope(x: &Exception) -> String {
    let mut parts = Vec::new();
    if !x.paths.is_empty() {
        parts.push(format!("paths {}", x.paths.join(", ")));
    }
    if let Some(resource) = &x.resource {
        parts.push(format!("resource {resource}"));
    }
    parts.join("; ")
}

fn exception_outcome(x: &Exception) -> String {
    let findings = |n: usize| if n == 1 { "finding" } else { "findings" };
    match x.status.as_str() {
        "active" => format!("suppresses {} {}", x.matched, findings(x.matched)),
        "expired" => format!(
            "expired on {}; no longer waives {}",
            x.expires.as_deref().unwrap_or("an unknown date"),
            if x.matched == 1 {
                "the finding".to_string()
            } else {
                format!("its {} findings", x.matched)
            },
        ),
        "unused" => "matched no finding; remove it, or fix its rule or paths".to_string(),
        _ => format!(
            "suppresses nothing: {}",
            x.problem.as_deref().unwrap_or("it is malformed")
        ),
    }
}

fn evaluation(result: &ScanResult) -> Evaluation {
    let scan_date: String = result.scan.started_at.chars().take(10).collect();
    let date = result.scan.now.clone();
    let pinned = date.as_ref().is_some_and(|d| *d != scan_date);
    let text = match &date {
        Some(d) if pinned => format!("{d}, set with --now (the scan ran on {scan_date})"),
        Some(d) => format!("{d}, the day of the scan"),
        None if !result.scan.merged_from.is_empty() => {
            "differs between the merged results".to_string()
        }
        None => "the day of the scan".to_string(),
    };
    Evaluation {
        date,
        scan_date,
        pinned,
        text,
    }
}

fn rule_counts(result: &ScanResult, rules: &BTreeMap<&str, &RuleInfo>) -> Vec<RuleCount> {
    let mut counts: BTreeMap<&str, RuleCount> = BTreeMap::new();
    for f in &result.findings {
        let entry = counts.entry(&f.rule).or_insert_with(|| RuleCount {
            rule: f.rule.clone(),
            title: rules
                .get(f.rule.as_str())
                .map_or(f.title.clone(), |r| r.title.clone()),
            severity: f.severity,
            open: 0,
            suppressed: 0,
        });
        entry.severity = entry.severity.max(f.severity);
        match f.suppressed {
            None => entry.open += 1,
            Some(_) => entry.suppressed += 1,
        }
    }
    let mut counts: Vec<RuleCount> = counts.into_values().collect();
    counts.sort_by(|a, b| (b.severity, b.open, &a.rule).cmp(&(a.severity, a.open, &b.rule)));
    counts
}

fn passed_groups<'a>(
    result: &'a ScanResult,
    rules: &BTreeMap<&str, &RuleInfo>,
) -> Vec<PassedGroup<'a>> {
    let mut groups: BTreeMap<&str, Vec<&'a Check>> = BTreeMap::new();
    for c in &result.passed {
        groups.entry(&c.rule).or_default().push(c);
    }
    groups
        .into_iter()
        .map(|(rule, mut checks)| {
            checks.sort_by(|a, b| {
                (&a.file, a.line, &a.resource).cmp(&(&b.file, b.line, &b.resource))
            });
            let info = rules.get(rule);
            PassedGroup {
                rule: rule.to_string(),
                title: info.map(|r| r.title.clone()).unwrap_or_default(),
                area_label: area_label(info.map_or("", |r| r.area.as_str())),
                count: checks.len(),
                checks,
            }
        })
        .collect()
}

fn unknown_views<'a>(
    result: &'a ScanResult,
    rules: &BTreeMap<&str, &RuleInfo>,
) -> Vec<UnknownView<'a>> {
    let mut views: Vec<UnknownView<'a>> = result
        .unknown
        .iter()
        .map(|u| UnknownView {
            title: rules
                .get(u.rule.as_str())
                .map(|r| r.title.clone())
                .unwrap_or_default(),
            location: format!("{}:{}", u.file, u.line),
            unknown: u,
        })
        .collect();
    views.sort_by(|a, b| {
        (&a.unknown.rule, &a.unknown.file, a.unknown.line).cmp(&(
            &b.unknown.rule,
            &b.unknown.file,
            b.unknown.line,
        ))
    });
    views
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding_at(line: usize, column: usize) -> Finding {
        Finding {
            rule: "R".into(),
            title: String::new(),
            area: String::new(),
            severity: Severity::Low,
            file: "f".into(),
            line,
            column,
            end_line: line,
            end_column: column + 1,
            resource: String::new(),
            message: String::new(),
            remediation: String::new(),
            controls: Vec::new(),
            fingerprint: "x".into(),
            suppressed: None,
            name: String::new(),
            environment: None,
            snippet: Vec::new(),
            origin: None,
            template: None,
        }
    }

    #[test]
    fn long_lines_keep_a_window_around_the_column() {
        let text = format!("{}X{}", "a".repeat(999), "b".repeat(1000));
        let snippet = SnippetLine::whole(7, text);
        let shown = source_line(&snippet, &finding_at(7, 1000), 7);
        assert_eq!(shown.shortened, Some(2000));
        assert!(shown.focus);
        assert_eq!(shown.text.chars().count(), MAX_LINE_CHARS + 1);
        assert!(shown.text.starts_with('…'));
        assert_eq!(shown.text.chars().position(|c| c == 'X'), Some(81));

        let other = source_line(&snippet, &finding_at(3, 1000), 3);
        assert!(!other.focus);
        assert!(
            other.text.starts_with("aaa"),
            "a line away from the finding starts at column 1"
        );
    }

    #[test]
    fn short_lines_are_kept_whole() {
        let snippet = SnippetLine::whole(2, "short".into());
        let shown = source_line(&snippet, &finding_at(1, 1), 3);
        assert_eq!(
            (shown.text.as_str(), shown.shortened, shown.focus),
            ("short", None, true)
        );
    }

    #[test]
    fn area_labels_read_as_words() {
        assert_eq!(area_label("key-isolation"), "Key isolation");
        assert_eq!(area_label("least_privilege"), "Least privilege");
        assert_eq!(area_label(""), "Unclassified");
    }
}
