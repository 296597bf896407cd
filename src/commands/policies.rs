//! `vouch policies`: the rules in force, as a table or JSON.

use std::fmt::Write as _;
use std::io::Write;

use miette::IntoDiagnostic;
use serde_json::json;

use crate::app::Outcome;
use crate::cli::PoliciesArgs;

/// Lists the rules.
pub fn run(args: &PoliciesArgs) -> miette::Result<Outcome> {
    let set = super::load_policies(
        &args.policy,
        super::find_config(&args.policy, std::path::Path::new("."))?.as_ref(),
    )?;
    let text = match args.format.as_str() {
        "json" => {
            let rules: Vec<_> = set
                .rules
                .iter()
                .map(|r| json!({"id": r.def.id, "name": r.def.name, "title": r.def.title, "area": r.def.area, "severity": r.severity, "controls": r.def.controls, "targets": r.def.target.kinds, "pack": r.pack}))
                .collect();
            serde_json::to_string_pretty(&json!({"packs": set.packs, "rules": rules}))
                .into_diagnostic()?
                + "\n"
        }
        "text" => {
            let mut out = String::new();
            for r in &set.rules {
                let _ = writeln!(
                    out,
                    "{:<12} {:<8} {:<16} {:<36} {}",
                    r.def.id, r.severity, r.def.area, r.def.name, r.def.title
                );
            }
            let _ = writeln!(
                out,
                "\n{} rules in {} packs",
                set.rules.len(),
                set.packs.len()
            );
            out
        }
        other => miette::bail!("unknown format `{other}` (text or json)"),
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .into_diagnostic()?;
    Ok(Outcome::Clean)
}
