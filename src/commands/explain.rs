//! `vouch explain RULE`: one rule in full, from the same fields as the docs.

use std::io::Write;

use miette::IntoDiagnostic;

use crate::app::Outcome;
use crate::cli::ExplainArgs;
use crate::policy::Rule;

/// Prints the rule.
pub fn run(args: &ExplainArgs) -> miette::Result<Outcome> {
    let set = super::load_policies(
        &args.policy,
        super::find_config(&args.policy, std::path::Path::new("."))?.as_ref(),
    )?;
    let wanted = args.rule.to_ascii_lowercase();
    let Some(rule) = set
        .rules
        .iter()
        .find(|r| r.def.id.to_ascii_lowercase() == wanted || r.def.name == wanted)
    else {
        miette::bail!(
            help = "`vouch policies` lists the rules",
            "no rule `{}`",
            args.rule
        );
    };
    std::io::stdout()
        .lock()
        .write_all(explain(rule).as_bytes())
        .into_diagnostic()?;
    Ok(Outcome::Clean)
}

/// The Markdown text of a rule, as `vouch explain` prints it and `docs/rules/` holds it.
pub fn explain(rule: &Rule) -> String {
    let d = &rule.def;
    let mut out = format!("# {} {}: {}\n\n", d.id, d.name, d.title);
    out += &format!(
        "- Area: {}\n- Severity: {}\n- Applies to: {}\n",
        d.area,
        rule.severity,
        d.target.kinds.join(", ")
    );
    if !d.controls.is_empty() {
        out += &format!("- Controls: {}\n", d.controls.join(", "));
    }
    out += &format!("\n## What it checks\n\n{}\n", d.description.trim());
    if !d.rationale.is_empty() {
        out += &format!("\n## Why it matters\n\n{}\n", d.rationale.trim());
    }
    if !d.example.is_empty() {
        out += &format!("\n## Example\n\n```\n{}\n```\n", d.example.trim_end());
    }
    if !d.fix.is_empty() {
        out += &format!("\n## Fix\n\n```\n{}\n```\n", d.fix.trim_end());
    }
    out += &format!("\n## Remediation\n\n{}\n", d.remediation.trim());
    if !rule.params.is_empty() {
        out += "\n## Params\n\n";
        for (k, v) in &rule.params {
            out += &format!("- `{k}`: {v}\n");
        }
    }
    if !d.references.is_empty() {
        out += "\n## References\n\n";
        for r in &d.references {
            out += &format!("- {r}\n");
        }
    }
    out
}
