//! The Markdown report: GitHub-flavoured, for a PR comment or `$GITHUB_STEP_SUMMARY`.
//!
//! It has the HTML report's sections, with long parts folded in `<details>`.
//! GitHub refuses step summaries over 1 MiB, so when the full report is too
//! big it is rendered again with less detail — first without the individual
//! passed checks, then with fewer findings listed in full, their counts per
//! rule kept — and says so at the top. Scanned text is escaped for inline
//! Markdown by default ([`super::escape::markdown`]); snippets go in fences
//! longer than any backtick run they hold.

use handlebars::Handlebars;

use super::context::{
    ExceptionView, FindingView, TemplateContext, Truncation, UnknownView, template_context,
};
use super::{Format, RenderOptions, ReportError, ReportInput, helpers};
use crate::result::{FileError, Skipped};

/// The built-in template (`templates/report.md.hbs`).
pub const TEMPLATE: &str = include_str!("../../templates/report.md.hbs");

/// The default size budget: GitHub's limit for a step summary.
pub const DEFAULT_MAX_BYTES: usize = 1024 * 1024;

/// How many entries of each list to keep at each step of summarising.
const STEPS: [usize; 9] = [5000, 2000, 1000, 500, 200, 100, 50, 20, 0];

/// Renders `input` as Markdown within the size budget of `options`.
pub fn render(input: &ReportInput<'_>, options: &RenderOptions) -> Result<String, ReportError> {
    let max = options.markdown_max_bytes.unwrap_or(DEFAULT_MAX_BYTES);
    let hb = super::compile(
        helpers::Flavour::Markdown,
        options.markdown_template.as_ref(),
        TEMPLATE,
    )?;

    let mut context = template_context(input);
    let full = draw(&hb, &context)?;
    if full.len() <= max {
        return Ok(full);
    }

    let all = Lists {
        findings: std::mem::take(&mut context.findings),
        suppressed: std::mem::take(&mut context.suppressed),
        unknown: std::mem::take(&mut context.unknown),
        exceptions: std::mem::take(&mut context.exceptions),
        errors: context.errors,
        skipped: context.skipped,
        passed: context.passed.iter().map(|g| g.checks.len()).sum(),
    };
    for group in &mut context.passed {
        group.checks.clear();
    }
    // Each step lists at most `n` entries of every list (at least 20 of the
    // lists other than findings), so a report too big for its many skipped
    // files keeps as many of them as fit, not 20 at once.
    let longest = all.longest();
    let limits = std::iter::once(usize::MAX).chain(STEPS.into_iter().filter(|&n| n < longest));
    let mut last = full;
    for n in limits {
        let shown = n.min(all.findings.len());
        let others = n.max(20);
        context.findings = all.findings.iter().take(shown).cloned().collect();
        context.suppressed = all.suppressed.iter().take(others).cloned().collect();
        context.unknown = all.unknown.iter().take(others).cloned().collect();
        // Exceptions needing attention come first, so they are the last to go.
        context.exceptions = all
            .exceptions
            .iter()
            .take(others.max(50))
            .cloned()
            .collect();
        context.errors = &all.errors[..all.errors.len().min(others)];
        context.skipped = &all.skipped[..all.skipped.len().min(others)];
        context.truncated = Some(truncation(&context, &all));
        last = draw(&hb, &context)?;
        if last.len() <= max {
            return Ok(last);
        }
    }
    Ok(cut(&last, max))
}

/// The full lists of the context, kept while shorter ones are tried.
struct Lists<'a> {
    findings: Vec<FindingView<'a>>,
    suppressed: Vec<FindingView<'a>>,
    unknown: Vec<UnknownView<'a>>,
    exceptions: Vec<ExceptionView<'a>>,
    errors: &'a [FileError],
    skipped: &'a [Skipped],
    /// How many individual passed checks there were.
    passed: usize,
}

impl Lists<'_> {
    /// The length of the longest list.
    fn longest(&self) -> usize {
        [
            self.findings.len(),
            self.suppressed.len(),
            self.unknown.len(),
            self.exceptions.len(),
            self.errors.len(),
            self.skipped.len(),
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
    }
}

fn draw(hb: &Handlebars<'_>, context: &TemplateContext<'_>) -> Result<String, ReportError> {
    hb.render("report", context)
        .map_err(|e| super::render_error(Format::Markdown, &e))
}

/// Says what the summarised report leaves out.
fn truncation(context: &TemplateContext<'_>, all: &Lists<'_>) -> Truncation {
    let mut parts = Vec::new();
    if all.passed > 0 {
        parts.push(format!("the {} individual passed checks", all.passed));
    }
    let mut left_out = |shown: usize, total: usize, what: &str| {
        if shown < total {
            parts.push(format!("{} of {total} {what}", total - shown));
        }
    };
    left_out(context.findings.len(), all.findings.len(), "open findings");
    left_out(
        context.suppressed.len(),
        all.suppressed.len(),
        "suppressed findings",
    );
    left_out(
        context.exceptions.len(),
        all.exceptions.len(),
        "waivers and suppression comments",
    );
    left_out(context.unknown.len(), all.unknown.len(), "unsettled checks");
    left_out(context.errors.len(), all.errors.len(), "parse errors");
    left_out(context.skipped.len(), all.skipped.len(), "skipped files");
    let what = match parts.len() {
        0 => "nothing but detail".to_string(),
        1 => parts.remove(0),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last}", parts.join(", "))
        }
    };
    Truncation {
        findings_shown: context.findings.len(),
        findings_total: all.findings.len(),
        passed_omitted: all.passed > 0,
        errors_shown: context.errors.len(),
        errors_total: all.errors.len(),
        skipped_shown: context.skipped.len(),
        skipped_total: all.skipped.len(),
        note: format!(
            "This report is summarised to stay within its size limit: it leaves out {what}. \
             All counts are complete; the JSON, SARIF or HTML report lists everything."
        ),
    }
}

/// The last resort when even the summary is too big: cut at a line end,
/// close whatever block the cut leaves open, and say where the report stops.
fn cut(text: &str, max: usize) -> String {
    // Room for the warning and for closing a code fence and a `<details>`.
    const RESERVE: usize = 600;
    let mut end = max.saturating_sub(RESERVE).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = text[..end].rfind('\n').unwrap_or(0);
    let kept = &text[..end];

    let mut out = kept.to_string();
    let mut fence: Option<String> = None;
    let mut open_details = 0usize;
    let mut section = None;
    for line in kept.lines() {
        let ticks = line.len() - line.trim_start_matches('`').len();
        match &fence {
            Some(f) if line.trim_end() == f => fence = None,
            Some(_) => continue,
            None if ticks >= 3 => fence = Some("`".repeat(ticks)),
            None => {}
        }
        open_details += line.matches("<details>").count();
        open_details = open_details.saturating_sub(line.matches("</details>").count());
        if let Some(heading) = line.strip_prefix("## ") {
            section = Some(heading);
        }
    }
    if let Some(f) = fence {
        out.push('\n');
        out.push_str(&f);
    }
    for _ in 0..open_details {
        out.push_str("\n\n</details>");
    }
    let place = section.map_or(String::new(), |s| {
        let s: String = s.chars().take(80).collect();
        format!(" in the section \"{s}\"; what follows it is missing")
    });
    out.push_str(&format!(
        "\n\n> [!WARNING]\n> This report was cut off at its size limit{place}. \
         The JSON report lists everything.\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_keeps_whole_lines_and_the_limit() {
        let text = "line one\nline two\nline three\n".repeat(40);
        let out = cut(&text, 800);
        assert!(out.len() <= 800, "{}", out.len());
        assert!(
            out.ends_with("The JSON report lists everything.\n"),
            "{out}"
        );
        assert!(out.starts_with("line one\nline two\n"));
    }

    #[test]
    fn cut_closes_the_blocks_it_leaves_open_and_names_the_section() {
        let row = "| a | b |\n";
        let text = format!(
            "# r\n\n## Files not checked\n\n<details><summary>many</summary>\n\n```text\n{}",
            row.repeat(500)
        );
        let out = cut(&text, 2_000);
        assert!(out.len() <= 2_000, "{}", out.len());
        let warning = out.find("> [!WARNING]").expect("the warning");
        let closed = out
            .find("```\n\n</details>")
            .expect("fence and details closed");
        assert!(closed < warning);
        assert!(out.contains("in the section \"Files not checked\"; what follows it is missing"));
    }
}
