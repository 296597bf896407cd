//! `vouch explain RULE`: one rule in full, from the same fields as the docs.
//!
//! [`explain`] is also what `docs/rules/<ID>.md` holds; `tests/docs.rs` fails
//! when a page differs from it, and `UPDATE_DOCS=1 cargo test --test docs`
//! writes the pages again.

use std::io::Write;

use miette::IntoDiagnostic;

use crate::app::Outcome;
use crate::cli::ExplainArgs;
use serde_json::Value as J;

use crate::policy::Rule;
use crate::policy::cond::substitute;
use crate::policy::model::Scope;
use crate::report::controls::control_title;

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
        let nearest = set
            .rules
            .iter()
            .flat_map(|r| [r.def.id.as_str(), r.def.name.as_str()])
            .map(|c| (strsim::levenshtein(&c.to_ascii_lowercase(), &wanted), c))
            .filter(|(d, _)| *d <= 2)
            .min();
        let help = match nearest {
            Some((_, c)) => format!("did you mean `{c}`? `vouch policies` lists the rules"),
            None => "`vouch policies` lists the rules".to_string(),
        };
        miette::bail!(help = help, "no rule `{}`", args.rule);
    };
    std::io::stdout()
        .lock()
        .write_all(explain(rule).as_bytes())
        .into_diagnostic()?;
    Ok(Outcome::Clean)
}

/// The Markdown text of a rule, as `vouch explain` prints it and `docs/rules/` holds it:
/// every field of the rule, params rendered with the values in force.
pub fn explain(rule: &Rule) -> String {
    let d = &rule.def;
    let text = |t: &str| render(t.trim(), rule);
    let mut out = format!("# {} {}: {}\n\n", d.id, d.name, text(&d.title));
    out += &format!("- Area: {}\n- Severity: {}\n", d.area, rule.severity);
    let kinds: Vec<String> = d.target.kinds.iter().map(|k| format!("`{k}`")).collect();
    out += &format!("- Applies to: {}\n", kinds.join(", "));
    if d.target.filter.is_some() {
        out += "- Only where: the `where` condition below holds\n";
    }
    if !d.target.environments.is_empty() {
        out += &format!("- Environments: {}\n", d.target.environments.join(", "));
    }
    if d.scope == Scope::Project {
        out += "- Scope: project (one finding for the whole scan, shown on the first resource it is about)\n";
    }
    out += &format!("- Pack: {}\n", rule.pack);

    out += &format!("\n## What it checks\n\n{}\n", text(&d.description));
    if !d.rationale.is_empty() {
        out += &format!("\n## Why it matters\n\n{}\n", text(&d.rationale));
    }
    if !d.example.is_empty() {
        out += &format!("\n## Example\n\n```\n{}\n```\n", d.example.trim_end());
    }
    if !d.fix.is_empty() {
        out += &format!("\n## Fix\n\n```\n{}\n```\n", d.fix.trim_end());
    }
    out += "\n## Condition\n\nWhat must hold, as the policy file writes it (params rendered):\n\n```yaml\n";
    if let Some(filter) = &d.target.filter {
        out += &format!(
            "where:\n{}",
            yaml(&substitute(filter.clone(), &rule.params), 1)
        );
    }
    out += &format!(
        "assert:\n{}```\n",
        yaml(&substitute(d.assert.clone(), &rule.params), 1)
    );
    out += &format!("\n## Message\n\n> {}\n", text(&d.message));
    out += &format!("\n## Remediation\n\n{}\n", text(&d.remediation));
    if !rule.params.is_empty() {
        out += "\n## Params\n\nThe values in force: the pack's defaults unless `.vouch.yaml` `params:` overrides them (`NAME: value` for every rule, `RULE-ID.NAME: value` for this one).\n\n";
        for (k, v) in &rule.params {
            let shown = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            out += &format!("- `{k}`: `{shown}`\n");
        }
    }
    if !d.controls.is_empty() {
        out += "\n## Controls\n\n";
        for c in &d.controls {
            match control_title(c) {
                Some(title) => out += &format!("- `{c}`: {title}\n"),
                None => out += &format!("- `{c}`\n"),
            }
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

/// `text` with `{{params.NAME}}` replaced by the values in force and `\{{`
/// shown as the `{{` it prints; finding fields (`{{value}}`) stay as written.
fn render(text: &str, rule: &Rule) -> String {
    let mut out = text.to_string();
    for (k, v) in &rule.params {
        let shown = v.as_str().map_or_else(|| v.to_string(), str::to_string);
        out = out.replace(&format!("{{{{params.{k}}}}}"), &shown);
    }
    out.replace("\\{{", "{{")
}

/// A condition as block YAML, indented by `depth` steps of two spaces.
fn yaml(value: &J, depth: usize) -> String {
    let pad = "  ".repeat(depth);
    let mut out = String::new();
    match value {
        J::Object(map) => {
            for (k, v) in map {
                match v {
                    J::Object(m) if !m.is_empty() => {
                        out += &format!("{pad}{k}:\n{}", yaml(v, depth + 1));
                    }
                    J::Array(a) if !a.is_empty() && !a.iter().all(is_scalar) => {
                        out += &format!("{pad}{k}:\n{}", yaml(v, depth + 1));
                    }
                    _ => out += &format!("{pad}{k}: {}\n", inline(v)),
                }
            }
        }
        J::Array(items) => {
            for item in items {
                let nested = yaml(item, depth + 1);
                let body = nested.strip_prefix(&format!("{pad}  ")).unwrap_or(&nested);
                out += &format!("{pad}- {body}");
            }
        }
        scalar => out += &format!("{pad}{}\n", inline(scalar)),
    }
    out
}

fn is_scalar(v: &J) -> bool {
    !matches!(v, J::Array(_) | J::Object(_))
}

/// A scalar, or a list of scalars, in flow style.
fn inline(value: &J) -> String {
    match value {
        J::String(s) => quote(s),
        J::Array(items) => {
            let items: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        J::Object(_) => "{}".into(),
        other => other.to_string(),
    }
}

/// A string as YAML writes it: plain when that reads back the same, else single-quoted.
fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./@ ".contains(c))
        && !s.starts_with(['-', ' ', '@'])
        && !s.ends_with(' ')
        && s.parse::<f64>().is_err()
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n" | "~"
        );
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}
