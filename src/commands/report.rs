//! `vouch report RESULT.json…`: render saved results, merging several (one
//! per repository or CI shard) into one report that keeps each finding's origin.

use std::io::Write;

use miette::{IntoDiagnostic, WrapErr};

use super::check::{parse_outputs, read_template, render, rule_infos, write_outputs};
use crate::app::Outcome;
use crate::cli::ReportArgs;
use crate::report::{self, Format, RenderOptions};

/// Renders the results; the exit code is 0 unless a file cannot be read or rendered.
pub fn run(args: &ReportArgs, color: bool) -> miette::Result<Outcome> {
    let format: Format = args.format.parse()?;
    let outputs = parse_outputs(&args.outputs)?;
    let mut results = Vec::new();
    for path in &args.results {
        let text = std::fs::read_to_string(path)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot read {}", path.display()))?;
        let name = crate::source::display_path(path);
        results.push((name.clone(), report::load_result(&name, &text)?));
    }
    let result = if results.len() == 1 {
        results.remove(0).1
    } else {
        report::merge(results)?
    };
    let policies = super::load_policies(
        &args.policy,
        super::find_config(&args.policy, std::path::Path::new("."))?.as_ref(),
    )?;
    let rules = rule_infos(&policies);
    let options = RenderOptions {
        template: read_template(args.template.as_deref())?,
        ..RenderOptions::default()
    };
    let text = render(format, &result, &rules, &options, color)?;
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .into_diagnostic()?;
    write_outputs(&outputs, &result, &rules, &options)?;
    Ok(Outcome::Clean)
}
