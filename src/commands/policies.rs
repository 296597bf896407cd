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
            let mut rules: Vec<_> = set.rules.iter().collect();
            rules.sort_by(|a, b| a.def.id.cmp(&b.def.id));
            let width = |f: &dyn Fn(&crate::policy::Rule) -> usize| {
                rules.iter().map(|r| f(r)).max().unwrap_or(0)
            };
            let id_w = width(&|r| r.def.id.len());
            let area_w = width(&|r| r.def.area.len());
            let name_w = width(&|r| r.def.name.len());
            let mut out = String::new();
            for r in rules {
                let _ = writeln!(
                    out,
                    "{:<id_w$}  {:<8}  {:<area_w$}  {:<name_w$}  {}",
                    r.def.id,
                    r.severity.as_str(),
                    r.def.area,
                    r.def.name,
                    r.def.title
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
