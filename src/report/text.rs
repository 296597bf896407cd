//! The terminal output: each finding as a miette diagnostic over its
//! redacted snippet, then a summary by area and severity.
//!
//! The snippet in the result is already redacted, so the diagnostic is drawn
//! from it rather than from the file: the terminal can never show more of a
//! secret than the JSON does. Every string a scanned file controls is passed
//! through [`sanitize`] before miette sees it: escape sequences, other
//! control characters, bidi overrides and line breaks become visible
//! `⟨U+…⟩` markers, so a file can neither drive the terminal nor start an
//! output line of its own (a CI log reads `::error::` at a line start as a
//! workflow command). Miette's own colours are added afterwards and survive.

use std::borrow::Cow;
use std::fmt::Write as _;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, SourceCode,
    SourceSpan, SpanContents,
};

use super::{escape, limit};
use crate::result::{AREAS, Finding, ScanResult, Severity};
use crate::source::Excerpt;

/// How many skipped files the summary lists by name.
const SKIPPED_LISTED: usize = 10;

/// `text` fit for a terminal line: control characters (ESC, BEL, CR, LF…),
/// bidi overrides and other invisible characters become `⟨U+…⟩` markers.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c == '\n' || escape::is_hidden(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(escape::reveal(
        &text.replace('\n', "\u{27e8}U+000A\u{27e9}"),
    ))
}

/// Guards lines whose first visible text is `::`, which a GitHub Actions
/// runner would take for a workflow command, by putting a `·` before them.
///
/// Sanitised text cannot start a line, so this only matters if wrapping
/// ever put scanned text at a line start; colour codes and indentation are
/// looked through.
pub fn guard_workflow_commands(text: &str) -> Cow<'_, str> {
    let risky = |line: &str| visible_start(line).starts_with("::");
    if !text.lines().any(risky) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive('\n') {
        if risky(line) {
            out.push_str("· ");
        }
        out.push_str(line);
    }
    Cow::Owned(out)
}

/// `line` after its leading whitespace and ANSI escape sequences.
fn visible_start(line: &str) -> &str {
    let mut rest = line;
    loop {
        let trimmed = rest.trim_start();
        let Some(after) = trimmed.strip_prefix('\u{1b}') else {
            return trimmed;
        };
        // CSI: ESC [ parameters final-byte (0x40..=0x7e).
        let Some(csi) = after.strip_prefix('[') else {
            return trimmed;
        };
        match csi.find(|c: char| ('@'..='~').contains(&c)) {
            Some(end) => rest = &csi[end + 1..],
            None => return trimmed,
        }
    }
}

/// Renders the result for a terminal.
pub fn render(result: &ScanResult, color: bool) -> String {
    let out = render_unguarded(result, color);
    guard_workflow_commands(&out).into_owned()
}

fn render_unguarded(result: &ScanResult, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(110);
    let mut out = String::new();
    for f in result.findings.iter().filter(|f| f.suppressed.is_none()) {
        let diag = FindingDiagnostic::new(f);
        let _ = handler.render_report(&mut out, &diag);
        out.push('\n');
    }
    for e in &result.errors {
        let _ = writeln!(
            out,
            "error: {}:{}: {}",
            sanitize(&e.file),
            e.line,
            sanitize(&limit::message(&e.message))
        );
    }
    if !result.errors.is_empty() {
        out.push('\n');
    }
    unsettled(result, &mut out);
    summary(result, &mut out);
    out
}

/// How many unsettled checks the terminal lists before it counts the rest.
const MAX_UNSETTLED_SHOWN: usize = 20;

/// The checks the files could not settle, one a line: `--strict` fails on
/// them, so the reader must be able to find them.
fn unsettled(result: &ScanResult, out: &mut String) {
    if result.unknown.is_empty() {
        return;
    }
    for u in result.unknown.iter().take(MAX_UNSETTLED_SHOWN) {
        let from = u
            .origin
            .as_deref()
            .map(|o| format!(" (from {})", sanitize(o)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "not settled: [{}] {}:{} {}: {}{from}",
            sanitize(&u.rule),
            sanitize(&u.file),
            u.line,
            sanitize(&limit::message(&u.resource)),
            sanitize(&limit::message(&u.reason))
        );
    }
    let more = result.unknown.len().saturating_sub(MAX_UNSETTLED_SHOWN);
    if more > 0 {
        let _ = writeln!(
            out,
            "not settled: {more} more (`--format json` lists every one)"
        );
    }
    out.push('\n');
}

/// The order exception statuses are counted in.
const EXCEPTION_ORDER: [&str; 5] = ["active", "expired", "unused", "invalid", "disallowed"];

fn summary(result: &ScanResult, out: &mut String) {
    let s = &result.summary;
    let _ = writeln!(
        out,
        "{} finding(s), {} passed, {} unknown, {} suppressed; {} file(s) scanned, {} skipped, {} with errors",
        s.findings,
        s.passed,
        s.unknown,
        s.suppressed,
        result.scan.files_scanned,
        result.scan.files_skipped,
        s.errors
    );
    skipped(result, out);
    // Which config judged the run: a scan of a subfolder does not read the
    // repository root's `.vouch.yaml`, and its waivers then do not apply.
    if result.scan.merged_from.is_empty() {
        let _ = match &result.scan.config {
            Some(c) => writeln!(out, "  config: {}", sanitize(c)),
            None => writeln!(
                out,
                "  config: none (no .vouch.yaml in the first scan root, or --no-config)"
            ),
        };
    }
    if let Some(c) = &result.scan.changed_since {
        let _ = writeln!(
            out,
            "  changed since {} (merge base {}): {} scanned file(s); findings elsewhere are not reported",
            sanitize(&c.reference),
            sanitize(&c.base.chars().take(12).collect::<String>()),
            c.files
        );
    }
    if let Some(b) = &result.scan.baseline {
        let n = result
            .findings
            .iter()
            .filter(|f| f.suppressed.as_ref().is_some_and(|x| x.kind == "baseline"))
            .count();
        let _ = writeln!(
            out,
            "  baseline {}: {n} finding(s) already recorded there",
            sanitize(b)
        );
    }
    if !result.exceptions.is_empty() {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for x in &result.exceptions {
            match counts.iter_mut().find(|(s, _)| *s == x.status) {
                Some((_, n)) => *n += 1,
                None => counts.push((x.status.clone(), 1)),
            }
        }
        counts.sort_by_key(|(s, _)| EXCEPTION_ORDER.iter().position(|o| o == s));
        let counts: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
        let _ = writeln!(
            out,
            "  waivers and vouch:ignore comments: {}",
            counts.join(", ")
        );
        for x in result.exceptions.iter().filter(|x| x.needs_attention()) {
            let _ = writeln!(out, "    {}", sanitize(&crate::filter::describe(x)));
        }
    }
    if s.findings == 0 {
        return;
    }
    let severities: Vec<String> = Severity::DESCENDING
        .iter()
        .filter_map(|sev| {
            s.by_severity
                .get(sev.as_str())
                .map(|n| format!("{n} {sev}"))
        })
        .collect();
    let _ = writeln!(out, "  by severity: {}", severities.join(", "));
    let areas: Vec<String> = AREAS
        .iter()
        .filter_map(|a| s.by_area.get(*a).map(|n| format!("{n} {a}")))
        .collect();
    let _ = writeln!(out, "  by area:     {}", areas.join(", "));
}

/// The files passed over, listed briefly with their reasons.
fn skipped(result: &ScanResult, out: &mut String) {
    let skipped = &result.scan.skipped;
    if skipped.is_empty() {
        return;
    }
    let _ = writeln!(out, "  skipped:");
    for s in skipped.iter().take(SKIPPED_LISTED) {
        let _ = writeln!(out, "    {}: {}", sanitize(&s.file), sanitize(&s.reason));
    }
    if skipped.len() > SKIPPED_LISTED {
        let _ = writeln!(
            out,
            "    … and {} more (the JSON result lists every one)",
            skipped.len() - SKIPPED_LISTED
        );
    }
}

/// A finding shaped as a miette diagnostic, every scanned string sanitised.
#[derive(Debug)]
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    heading: String,
    code: String,
    help: String,
    label: String,
    source: Snippet,
    span: Option<SourceSpan>,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(finding: &'a Finding) -> Self {
        let source = Snippet::new(finding);
        let span = source.span_of(finding);
        let mut heading = format!(
            "{} [{}] {}",
            finding.severity,
            sanitize(&finding.rule),
            sanitize(&limit::message(&finding.message))
        );
        if let Some(template) = &finding.template {
            let _ = write!(
                heading,
                " (rendered from the Helm template {})",
                sanitize(template)
            );
        }
        if span.is_none() {
            let _ = write!(
                heading,
                " (at {}:{})",
                sanitize(&finding.file),
                finding.line
            );
        }
        // In a merged result, which repository or shard the finding is from.
        if let Some(origin) = &finding.origin {
            let _ = write!(heading, " (from {})", sanitize(origin));
        }
        FindingDiagnostic {
            finding,
            heading,
            code: sanitize(&finding.name).into_owned(),
            help: sanitize(&finding.remediation).into_owned(),
            label: sanitize(&limit::message(&finding.resource)).into_owned(),
            source,
            span,
        }
    }
}

impl std::fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.heading)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Critical | Severity::High => miette::Severity::Error,
            Severity::Medium | Severity::Low => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.span
            .is_some()
            .then_some(&self.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.label.clone()),
            span,
        ))))
    }
}

/// The redacted lines of a finding, numbered as in the file.
#[derive(Debug)]
struct Snippet {
    excerpt: Excerpt,
    /// Per line: the byte offset in `text`'s line of each character of the
    /// original line, and of its end (a marker is longer than the character).
    columns: Vec<Vec<usize>>,
    /// The finding's 0-based line and column in the file, for the header: the
    /// excerpt's own column is off when the line was cut or sanitised.
    at: (usize, usize),
}

impl Snippet {
    fn new(f: &Finding) -> Self {
        let first_line = f.snippet.first().map_or(f.line, |l| l.line);
        let mut lines = Vec::with_capacity(f.snippet.len());
        let mut columns = Vec::with_capacity(f.snippet.len());
        for l in &f.snippet {
            let mut line = String::with_capacity(l.text.len() + 6);
            // Column n of the source line is `starts[n - 1]`; the columns a
            // long line's cut left out all point at its `…`.
            let mut starts = vec![0; l.skipped()];
            if l.skipped() > 0 {
                line.push('…');
            }
            for c in l.text.chars() {
                starts.push(line.len());
                let mut buf = [0; 4];
                line.push_str(&sanitize(c.encode_utf8(&mut buf)));
            }
            if l.continues() {
                line.push('…');
            }
            starts.push(line.len());
            lines.push(line);
            columns.push(starts);
        }
        Snippet {
            excerpt: Excerpt {
                name: sanitize(&f.file).into_owned(),
                text: lines.join("\n"),
                first_line,
            },
            columns,
            at: (f.line.saturating_sub(1), f.column.saturating_sub(1)),
        }
    }

    /// The byte offset of a 1-based line and char column, clamped to the line.
    fn offset(&self, line: usize, column: usize) -> Option<usize> {
        let index = line.checked_sub(self.excerpt.first_line)?;
        let starts = self.columns.get(index)?;
        let before: usize = self.columns[..index]
            .iter()
            .map(|c| c.last().copied().unwrap_or(0) + 1)
            .sum();
        let col = column.saturating_sub(1).min(starts.len() - 1);
        Some(before + starts[col])
    }

    fn span_of(&self, f: &Finding) -> Option<SourceSpan> {
        if self.excerpt.text.is_empty() {
            return None;
        }
        let start = self.offset(f.line, f.column)?;
        let end = self
            .offset(f.end_line, f.end_column)
            .unwrap_or(start)
            .max(start);
        Some(
            (
                start,
                (end - start)
                    .max(1)
                    .min(self.excerpt.text.len().saturating_sub(start).max(1)),
            )
                .into(),
        )
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.excerpt.read_span(span, before, after)?;
        let column = if inner.line() == self.at.0 {
            self.at.1
        } else {
            inner.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.excerpt.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_shows_control_and_bidi_characters() {
        assert_eq!(
            sanitize("a\u{1b}]0;PWNED\u{7}\u{1b}[2Jb\u{202e}c\nd\r"),
            "a⟨U+001B⟩]0;PWNED⟨U+0007⟩⟨U+001B⟩[2Jb⟨U+202E⟩c⟨U+000A⟩d⟨U+000D⟩"
        );
        assert!(matches!(sanitize("plain\ttext"), Cow::Borrowed(_)));
    }

    #[test]
    fn workflow_commands_cannot_start_a_line() {
        let text = "ok\n  ::error::forged\n\u{1b}[31m::warning::x\u{1b}[0m\na :: b\n";
        assert_eq!(
            guard_workflow_commands(text),
            "ok\n·   ::error::forged\n· \u{1b}[31m::warning::x\u{1b}[0m\na :: b\n"
        );
        assert!(matches!(guard_workflow_commands("a\nb"), Cow::Borrowed(_)));
    }

    #[test]
    fn columns_survive_markers_before_them() {
        let f = Finding {
            rule: "R".into(),
            title: String::new(),
            area: String::new(),
            severity: Severity::High,
            file: "f".into(),
            line: 2,
            column: 3,
            end_line: 2,
            end_column: 4,
            resource: String::new(),
            message: String::new(),
            remediation: String::new(),
            controls: Vec::new(),
            fingerprint: String::new(),
            suppressed: None,
            name: String::new(),
            environment: None,
            snippet: vec![
                crate::result::SnippetLine::whole(1, "x".into()),
                crate::result::SnippetLine::whole(2, "\u{202e}aB".into()),
            ],
            origin: None,
            template: None,
        };
        let snippet = Snippet::new(&f);
        let span = snippet.span_of(&f).expect("a span");
        assert_eq!(
            &snippet.excerpt.text[span.offset()..span.offset() + span.len()],
            "B"
        );
    }
}
