//! The engine: every rule against every resource it targets, in parallel.
//!
//! It does no I/O and prints nothing. Rules whose scope is `resource` run per
//! file on the rayon pool; `project` rules run once, after, over the whole
//! scan. Outcomes become [`Finding`]s, passed checks and unknowns, with
//! messages rendered and every value and snippet redacted on the way out, so
//! no later stage holds a raw secret.

pub mod detectors;
pub mod duration;
pub mod env;
pub mod eval;
pub mod project;
pub mod secrets;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use handlebars::Handlebars;
use rayon::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::policy::model::Scope;
use crate::policy::{PolicySet, Rule};
use crate::result::{Check, Finding, SnippetLine, Unknown};
use crate::source::Span;
use eval::{Ctx, Hit, Outcome};
use project::{Project, ResRef};

/// What the rules concluded.
#[derive(Debug, Default)]
pub struct Evaluation {
    /// Failed checks.
    pub findings: Vec<Finding>,
    /// Passed checks.
    pub passed: Vec<Check>,
    /// Checks the files could not settle.
    pub unknown: Vec<Unknown>,
}

/// One rule's outcome on one resource.
struct RuleOutcome {
    rule: usize,
    at: ResRef,
    outcome: Outcome,
}

/// Evaluates every rule of `policies` over `project`, ages measured from `now`.
pub fn evaluate(project: &Project, policies: &PolicySet, now: NaiveDate) -> Evaluation {
    let by_kind = rules_by_kind(project, policies);
    let mut outcomes: Vec<RuleOutcome> = (0..project.files.len())
        .into_par_iter()
        .flat_map_iter(|f| {
            let file = &project.files[f];
            let mut out = Vec::new();
            for (r, res) in file.resources.iter().enumerate() {
                let at = ResRef { file: f, res: r };
                for &rule in by_kind
                    .get(res.kind.as_str())
                    .map_or(&[][..], Vec::as_slice)
                {
                    if let Some(outcome) = apply(&policies.rules[rule], project, at, now) {
                        out.push(RuleOutcome { rule, at, outcome });
                    }
                }
            }
            out
        })
        .collect();

    for (i, rule) in policies.rules.iter().enumerate() {
        if rule.def.scope != Scope::Project {
            continue;
        }
        let targets = project.of_kinds(&rule.kinds);
        let anchor = targets
            .into_iter()
            .find(|&at| applies(rule, project, at, now));
        if let Some(at) = anchor {
            let outcome = eval::eval(&rule.assert, &Ctx::resource(project, at, now));
            outcomes.push(RuleOutcome {
                rule: i,
                at,
                outcome,
            });
        }
    }
    Builder::new(project, policies).build(outcomes)
}

fn rules_by_kind<'a>(project: &'a Project, policies: &PolicySet) -> HashMap<&'a str, Vec<usize>> {
    let kinds: HashSet<&str> = project
        .files
        .iter()
        .flat_map(|f| f.resources.iter().map(|r| r.kind.as_str()))
        .collect();
    kinds
        .into_iter()
        .map(|kind| {
            let rules = policies
                .rules
                .iter()
                .enumerate()
                .filter(|(_, r)| r.def.scope == Scope::Resource && r.kinds.matches(kind))
                .map(|(i, _)| i)
                .collect();
            (kind, rules)
        })
        .collect()
}

/// Whether `rule` applies to the resource at `at` (environment and filter).
fn applies(rule: &Rule, project: &Project, at: ResRef, now: NaiveDate) -> bool {
    let res = project.resource(at);
    if !rule.environments.is_empty() && !rule.environments.contains(&res.env) {
        return false;
    }
    match &rule.filter {
        None => true,
        Some(filter) => matches!(
            eval::eval(filter, &Ctx::resource(project, at, now)),
            Outcome::Pass(_)
        ),
    }
}

fn apply(rule: &Rule, project: &Project, at: ResRef, now: NaiveDate) -> Option<Outcome> {
    if !applies(rule, project, at, now) {
        return None;
    }
    let outcome = eval::eval(&rule.assert, &Ctx::resource(project, at, now));
    log::trace!(
        "{} on {}: {:?}",
        rule.def.id,
        project.resource(at).address,
        std::mem::discriminant(&outcome)
    );
    Some(outcome)
}

/// Turns outcomes into result records.
struct Builder<'a> {
    project: &'a Project,
    policies: &'a PolicySet,
    templates: Handlebars<'static>,
}

impl<'a> Builder<'a> {
    fn new(project: &'a Project, policies: &'a PolicySet) -> Self {
        let mut templates = Handlebars::new();
        templates.register_escape_fn(handlebars::no_escape);
        for rule in &policies.rules {
            // A template that does not compile is shown as written rather than lost.
            let _ = templates
                .register_template_string(&format!("{}/message", rule.def.id), &rule.def.message);
            let _ = templates.register_template_string(
                &format!("{}/remediation", rule.def.id),
                &rule.def.remediation,
            );
        }
        Builder {
            project,
            policies,
            templates,
        }
    }

    fn build(&self, outcomes: Vec<RuleOutcome>) -> Evaluation {
        let mut eval = Evaluation::default();
        let mut seen = HashSet::new();
        let mut occurrences: HashMap<String, usize> = HashMap::new();
        for RuleOutcome { rule, at, outcome } in outcomes {
            let rule = &self.policies.rules[rule];
            match outcome {
                Outcome::Pass(_) => eval.passed.push(self.check(rule, at)),
                Outcome::Unknown(hits) => {
                    let hit = hits.into_iter().next();
                    let (line, reason) = match hit {
                        Some(h) => (
                            self.line(h.at, h.span),
                            h.reason
                                .unwrap_or_else(|| "cannot be settled from the files".into()),
                        ),
                        None => (
                            self.line(at, self.project.resource(at).span),
                            "cannot be settled from the files".into(),
                        ),
                    };
                    let res = self.project.resource(at);
                    eval.unknown.push(Unknown {
                        rule: rule.def.id.clone(),
                        file: self.project.file(at).source.display_path(),
                        line,
                        resource: res.address.clone(),
                        reason: self.project.secrets().redact_text(&reason),
                        origin: None,
                    });
                }
                Outcome::Fail(hits) => {
                    for hit in hits {
                        if seen.insert((rule.def.id.clone(), hit.at, hit.span)) {
                            eval.findings
                                .push(self.finding(rule, &hit, &mut occurrences));
                        }
                    }
                }
            }
        }
        eval.findings.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.rule).cmp(&(&b.file, b.line, b.column, &b.rule))
        });
        eval
    }

    fn line(&self, at: ResRef, span: Span) -> usize {
        self.project.file(at).source.line_col(span.start).0
    }

    fn check(&self, rule: &Rule, at: ResRef) -> Check {
        let res = self.project.resource(at);
        Check {
            rule: rule.def.id.clone(),
            file: self.project.file(at).source.display_path(),
            line: self.line(at, res.span),
            resource: res.address.clone(),
            origin: None,
        }
    }

    fn finding(&self, rule: &Rule, hit: &Hit, occurrences: &mut HashMap<String, usize>) -> Finding {
        let file = self.project.file(hit.at);
        let res = self.project.resource(hit.at);
        let secrets = self.project.secrets();
        let loc = file.source.location(hit.span);
        // A value that is itself a secret is shown only in redacted form.
        let secret = is_secret_span(file, hit, secrets);
        let value = hit.value.as_deref().map(|v| {
            if secrets.is_secret_literal(v) {
                secrets.redact_value(v)
            } else {
                secrets.redact_text(v)
            }
        });
        let context = json!({
            "value": value,
            "subject": hit.subject,
            "label": hit.reason,
            "name": res.name,
            "resource": res.address,
            "kind": res.kind,
            "environment": res.env.as_str(),
            "file": file.source.display_path(),
            "params": rule.params,
        });
        let render = |which: &str, fallback: &str| {
            let text = self
                .templates
                .render(&format!("{}/{which}", rule.def.id), &context)
                .unwrap_or_else(|_| fallback.to_string());
            secrets.redact_text(&text)
        };
        let message = render("message", &rule.def.message);
        let remediation = render("remediation", &rule.def.remediation);
        let snippet = snippet(file, hit, secret, secrets);

        let basis = fingerprint_basis(rule, file, res, hit, value.as_deref());
        let n = occurrences.entry(basis.clone()).or_default();
        *n += 1;
        let fingerprint = hex(&Sha256::digest(format!("{basis}\0{n}").as_bytes())[..16]);

        Finding {
            rule: rule.def.id.clone(),
            title: rule.def.title.clone(),
            area: rule.def.area.clone(),
            severity: rule.severity,
            file: file.source.display_path(),
            line: loc.line,
            column: loc.column,
            end_line: loc.end_line,
            end_column: loc.end_column,
            resource: res.address.clone(),
            message,
            remediation,
            controls: rule.def.controls.clone(),
            fingerprint,
            suppressed: None,
            name: rule.def.name.clone(),
            environment: Some(res.env.as_str().to_string()),
            snippet,
            origin: None,
            template: res.origin.clone(),
        }
    }
}

/// What a finding's fingerprint is computed from: never a line number, so that
/// edits which move lines keep it, and never a path as the user typed the root,
/// so that `vouch check .` and `vouch check ./` agree. A rule about the whole
/// project says one thing of it, so the resource it is shown on does not count.
fn fingerprint_basis(
    rule: &Rule,
    file: &project::ScannedFile,
    res: &crate::resource::Resource,
    hit: &Hit,
    value: Option<&str>,
) -> String {
    if rule.is_about_project() {
        return format!("{}\0project", rule.def.id);
    }
    // A plain file's resource is addressed by its displayed path; use the relative one.
    let address = if res.address == file.source.display_path() {
        file.relative.as_str()
    } else {
        res.address.as_str()
    };
    let text = value.map_or_else(|| normalise(file.source.slice(hit.span)), str::to_string);
    format!(
        "{}\0{}\0{}\0{}\0{}",
        rule.def.id,
        file.relative,
        address,
        hit.subject.as_deref().unwrap_or(""),
        text
    )
}

fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the text a hit points at is a secret that only its context
/// reveals (a high-entropy literal); known key shapes are found by
/// `redact_text` itself, which keeps their public prefix.
/// A span holding an assignment (`NAME=value`, `name: value`) is left to
/// `redact_text`, which hides the value when the name is secret-like: judged as
/// one literal, `OPENAI_BASE_URL=https://…` would look random enough to hide.
fn is_secret_span(file: &project::ScannedFile, hit: &Hit, secrets: &secrets::SecretsGlue) -> bool {
    let text = file.source.slice(hit.span).trim();
    !is_assignment(text)
        && secrets.find_keys(text).is_empty()
        && secrets.is_secret_literal(text.trim_matches(['"', '\'']))
}

/// Whether `text` reads as `NAME=value` (after an `export`, `ENV` or `ARG`) or
/// `name: value`, with a value after the sign. Base64 padding (`abc==`) is no
/// value, and a YAML key needs a space after its colon, so `https://…` is none.
fn is_assignment(text: &str) -> bool {
    let text = ["export ", "ENV ", "ARG "]
        .iter()
        .find_map(|p| text.strip_prefix(p))
        .map_or(text, str::trim_start);
    if !text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return false;
    }
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .unwrap_or(text.len());
    let rest = text[name_end..].trim_start();
    let value = if let Some(value) = rest.strip_prefix('=') {
        value.trim_start_matches('=')
    } else if let Some(value) = rest.strip_prefix(':') {
        if !value.starts_with([' ', '\t']) {
            return false;
        }
        value
    } else {
        return false;
    };
    !value.trim().is_empty()
}

/// The lines of a finding, one of context either side, at most eight, each
/// redacted; when the finding's own text is a secret, that span is hidden too.
fn snippet(
    file: &project::ScannedFile,
    hit: &Hit,
    secret: bool,
    secrets: &secrets::SecretsGlue,
) -> Vec<SnippetLine> {
    let src = &file.source;
    let (first, _) = src.line_col(hit.span.start);
    let (last, _) = src.line_col(hit.span.end);
    let from = first.saturating_sub(1).max(1);
    let to = (last + 1).min(src.line_count()).min(from + 7);
    (from..=to)
        .map(|line| {
            let start = src.line_start(line).unwrap_or(0);
            let text = src.line_text(line);
            let end = start + text.len();
            let known: Vec<Span> = if secret && hit.span.start < end && hit.span.end > start {
                vec![Span::new(
                    hit.span.start.max(start) - start,
                    hit.span.end.min(end) - start,
                )]
            } else {
                Vec::new()
            };
            SnippetLine {
                line,
                text: secrets.redact_text_with(text, &known),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::is_assignment;

    #[test]
    fn assignments_are_told_from_literals() {
        assert!(is_assignment("OPENAI_BASE_URL=https://api.openai.com/v1"));
        assert!(is_assignment("export API_KEY=abc"));
        assert!(is_assignment("url: https://example.invalid"));
        assert!(!is_assignment("QUJDREVGR0g="));
        assert!(!is_assignment("c2stcHJvai1FWEFNUExF=="));
        assert!(!is_assignment("9f8e7d6c5b4a39281706f5e4d3c2b1a0"));
        assert!(!is_assignment("https://api.openai.com/v1"));
    }
}
