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

use super::context::{TemplateContext, Truncation, template_context};
use super::{Format, RenderOptions, ReportError, ReportInput, escape, helpers};

/// The built-in template (`templates/report.md.hbs`).
pub const TEMPLATE: &str = include_str!("../../templates/report.md.hbs");

/// The default size budget: GitHub's limit for a step summary.
pub const DEFAULT_MAX_BYTES: usize = 1024 * 1024;

/// How many findings to list in full at each step of summarising.
const STEPS: [usize; 7] = [1000, 500, 200, 100, 50, 20, 0];

/// Renders `input` as Markdown within the size budget of `options`.
pub fn render(input: &ReportInput<'_>, options: &RenderOptions) -> Result<String, ReportError> {
    let max = options.markdown_max_bytes.unwrap_or(DEFAULT_MAX_BYTES);
    let mut hb = helpers::registry(escape::markdown);
    hb.set_strict_mode(options.template.is_none());
    let source = options.template.as_deref().unwrap_or(TEMPLATE);
    hb.register_template_string("report", source)
        .map_err(|e| super::template_error(&e))?;

    let mut context = template_context(input);
    let full = draw(&hb, &context)?;
    if full.len() <= max {
        return Ok(full);
    }

    let findings = std::mem::take(&mut context.findings);
    let suppressed = std::mem::take(&mut context.suppressed);
    let unknown = std::mem::take(&mut context.unknown);
    for group in &mut context.passed {
        group.checks.clear();
    }
    let total = findings.len();
    let limits = std::iter::once(total).chain(STEPS.into_iter().filter(|&n| n < total));
    let mut last = full;
    for shown in limits {
        context.findings = findings.iter().take(shown).cloned().collect();
        context.suppressed = suppressed.iter().take(shown.max(20)).cloned().collect();
        context.unknown = unknown.iter().take(shown.max(20)).cloned().collect();
        context.truncated = Some(truncation(
            &context,
            shown,
            total,
            suppressed.len(),
            unknown.len(),
        ));
        last = draw(&hb, &context)?;
        if last.len() <= max {
            return Ok(last);
        }
    }
    Ok(cut(&last, max))
}

fn draw(hb: &Handlebars<'_>, context: &TemplateContext<'_>) -> Result<String, ReportError> {
    hb.render("report", context)
        .map_err(|e| super::render_error(Format::Markdown, &e))
}

/// Says what the summarised report leaves out.
fn truncation(
    context: &TemplateContext<'_>,
    shown: usize,
    total: usize,
    suppressed: usize,
    unknown: usize,
) -> Truncation {
    let mut parts = vec!["the individual passed checks".to_string()];
    if shown < total {
        parts.push(format!("{} of {total} open findings", total - shown));
    }
    if context.suppressed.len() < suppressed {
        parts.push(format!(
            "{} of {suppressed} suppressed findings",
            suppressed - context.suppressed.len()
        ));
    }
    if context.unknown.len() < unknown {
        parts.push(format!(
            "{} of {unknown} unsettled checks",
            unknown - context.unknown.len()
        ));
    }
    Truncation {
        findings_shown: shown,
        findings_total: total,
        passed_omitted: true,
        note: format!(
            "This report is summarised to stay within its size limit: it leaves out {}. \
             All counts are complete; the JSON, SARIF or HTML report lists everything.",
            parts.join(", ")
        ),
    }
}

/// The last resort when even the summary is too big: cut at a line and say so.
fn cut(text: &str, max: usize) -> String {
    const NOTE: &str = "\n\n> [!WARNING]\n> This report was cut off at its size limit; the JSON report lists everything.\n";
    let budget = max.saturating_sub(NOTE.len());
    let mut end = budget.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = text[..end].rfind('\n').unwrap_or(end);
    format!("{}{NOTE}", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_keeps_whole_lines_and_the_limit() {
        let text = "line one\nline two\nline three\n".repeat(20);
        let out = cut(&text, 150);
        assert!(out.len() <= 150, "{}", out.len());
        assert!(out.ends_with("lists everything.\n"));
        assert!(out.starts_with("line one\nline two\n"));
    }
}
