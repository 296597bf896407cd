//! The terminal output: each finding as a miette diagnostic over its
//! redacted snippet, then a summary by area and severity.
//!
//! The snippet in the result is already redacted, so the diagnostic is drawn
//! from it rather than from the file: the terminal can never show more of a
//! secret than the JSON does.

use std::fmt::Write as _;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::result::{AREAS, Finding, ScanResult, Severity};

/// Renders the result for a terminal.
pub fn render(result: &ScanResult, color: bool) -> String {
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
        let _ = writeln!(out, "error: {}:{}: {}", e.file, e.line, e.message);
    }
    if !result.errors.is_empty() {
        out.push('\n');
    }
    summary(result, &mut out);
    out
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
    if let Some(c) = &result.scan.changed_since {
        let _ = writeln!(
            out,
            "  changed since {} (merge base {}): {} scanned file(s); findings elsewhere are not reported",
            c.reference,
            &c.base[..c.base.len().min(12)],
            c.files
        );
    }
    if let Some(b) = &result.scan.baseline {
        let n = result
            .findings
            .iter()
            .filter(|f| f.suppressed.as_ref().is_some_and(|x| x.kind == "baseline"))
            .count();
        let _ = writeln!(out, "  baseline {b}: {n} finding(s) already recorded there");
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
            let _ = writeln!(out, "    {}", crate::filter::describe(x));
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

/// A finding shaped as a miette diagnostic.
#[derive(Debug)]
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    heading: String,
    source: Snippet,
    span: Option<SourceSpan>,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(finding: &'a Finding) -> Self {
        let heading = format!(
            "{} [{}] {}",
            finding.severity, finding.rule, finding.message
        );
        let source = Snippet::new(finding);
        let span = source.span_of(finding);
        FindingDiagnostic {
            finding,
            heading,
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
        Some(Box::new(&self.finding.name))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Critical | Severity::High => miette::Severity::Error,
            Severity::Medium | Severity::Low => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(&self.finding.remediation))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.span
            .is_some()
            .then_some(&self.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.finding.resource.clone()),
            span,
        ))))
    }
}

/// The redacted lines of a finding, numbered as in the file.
#[derive(Debug)]
struct Snippet {
    name: String,
    text: String,
    first_line: usize,
}

impl Snippet {
    fn new(f: &Finding) -> Self {
        let first_line = f.snippet.first().map_or(f.line, |l| l.line);
        let text = f
            .snippet
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        Snippet {
            name: f.file.clone(),
            text,
            first_line,
        }
    }

    /// The byte offset of a 1-based line and char column, clamped to the line.
    fn offset(&self, line: usize, column: usize) -> Option<usize> {
        let index = line.checked_sub(self.first_line)?;
        let mut start = 0;
        for (i, l) in self.text.split('\n').enumerate() {
            if i == index {
                let col = l
                    .char_indices()
                    .nth(column.saturating_sub(1))
                    .map_or(l.len(), |(b, _)| b);
                return Some(start + col);
            }
            start += l.len() + 1;
        }
        None
    }

    fn span_of(&self, f: &Finding) -> Option<SourceSpan> {
        if self.text.is_empty() {
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
                    .min(self.text.len().saturating_sub(start).max(1)),
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
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line - 1,
            inner.column(),
            inner.line_count(),
        )))
    }
}
