//! `vouch report RESULT.json…`: render saved results, merging several (one
//! per repository or CI shard) into one report that keeps each finding's origin.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use miette::{IntoDiagnostic, WrapErr};

use super::check::{
    parse_outputs, read_templates, render, sarif_base, warn_unused_templates, write_outputs,
};
use crate::app::Outcome;
use crate::cli::ReportArgs;
use crate::report::{self, FormatSpec, RenderOptions, RuleInfo};
use crate::result::ScanResult;
use crate::scan;

/// Renders the results; the exit code is 0 unless a file cannot be read or rendered.
pub fn run(args: &ReportArgs, color: bool) -> miette::Result<Outcome> {
    let format: FormatSpec = args.format.parse()?;
    let outputs = parse_outputs(&args.outputs)?;
    let templates = read_templates(&args.template)?;
    warn_unused_templates(&templates, format, &outputs);
    let mut results = Vec::new();
    let mut seen = BTreeSet::new();
    for path in &args.results {
        let text = std::fs::read_to_string(path)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot read {}", path.display()))?;
        let name = crate::source::display_path(path);
        if !seen.insert(path.canonicalize().unwrap_or_else(|_| path.clone())) {
            log::warn!("{name} is given twice; it is merged once");
            continue;
        }
        results.push((name.clone(), report::load_result(&name, &text)?));
    }
    let mut result = if results.len() == 1 {
        results.remove(0).1
    } else {
        report::merge(results)?
    };
    // A result written by hand or by an older vouch is redacted all the same.
    crate::engine::secrets::SecretsGlue::builtin().redact_saved(&mut result);
    let policies = super::load_policies(
        &args.policy,
        super::find_config(&args.policy, Path::new("."))?.as_ref(),
    )?;
    // The rules the results were checked with describe themselves; the packs
    // loaded here (the built-in one, `--policy`) fill in for results saved
    // without them.
    let mut rules = result.rules.clone();
    let recorded: BTreeSet<String> = rules.iter().map(|r| r.id.clone()).collect();
    rules.extend(
        scan::rule_infos(&policies)
            .into_iter()
            .filter(|r| !recorded.contains(&r.id)),
    );
    warn_missing_rules(&result, &rules);
    let options = RenderOptions {
        sarif_base: sarif_base(Path::new(".")),
        ..templates
    };
    let text = render(
        format.format,
        &result,
        &rules,
        &format.apply(&options),
        color,
    )?;
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .into_diagnostic()?;
    write_outputs(&outputs, &result, &rules, &options)?;
    Ok(Outcome::Clean)
}

/// Warns when the result names rules that neither it nor the policies given
/// here describe (a result saved by a vouch older than its `rules` list): their
/// passed checks lose their title, area and controls in the report.
fn warn_missing_rules(result: &ScanResult, rules: &[RuleInfo]) {
    let known: BTreeSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    let named = result
        .findings
        .iter()
        .map(|f| f.rule.as_str())
        .chain(result.passed.iter().map(|c| c.rule.as_str()))
        .chain(result.unknown.iter().map(|u| u.rule.as_str()));
    let missing: BTreeSet<&str> = named.filter(|r| !known.contains(r)).collect();
    if missing.is_empty() {
        return;
    }
    let list: Vec<&str> = missing.iter().take(10).copied().collect();
    let more = missing.len().saturating_sub(list.len());
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    log::warn!(
        "the policies in force do not define {}{more}: the report cannot give their titles, areas \
         or controls (pass the packs the results were checked with, `--policy PATH`)",
        list.join(", ")
    );
}
