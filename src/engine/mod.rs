//! The engine: every rule against every resource it targets, in parallel.
//!
//! It does no I/O and prints nothing. Rules whose scope is `resource` run per
//! file on the rayon pool; `project` rules run once, after, over the whole
//! scan. Outcomes become [`Finding`]s, passed checks and unknowns. Each
//! file's secret spans are found once, before its first finding is built;
//! values, snippets and reasons are cut through them on the way out, so no
//! later stage holds a raw secret, while rule text is printed as written.

pub mod detectors;
pub mod duration;
pub mod env;
pub mod eval;
pub mod project;
pub mod secrets;

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use handlebars::Handlebars;
use rayon::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};

use regex::Regex;

use crate::policy::model::Scope;
use crate::policy::{PolicySet, Rule};
use crate::result::{Check, Finding, SnippetLine, Unknown};
use crate::secrets::SecretSpans;
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
    if log::log_enabled!(log::Level::Trace) {
        let verdict = match &outcome {
            Outcome::Pass(_) => "pass",
            Outcome::Fail(_) => "fail",
            Outcome::Unknown(_) => "unknown",
        };
        // An address holds names from the file, and a name can be a key.
        let address = project.secrets().redact_text(&project.resource(at).address);
        log::trace!("{} on {address}: {verdict}", rule.def.id);
    }
    Some(outcome)
}

/// Turns outcomes into result records.
struct Builder<'a> {
    project: &'a Project,
    policies: &'a PolicySet,
    templates: Handlebars<'static>,
    /// Each file's secret spans, found before its first finding is built.
    spans: Vec<Option<SecretSpans>>,
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
            spans: (0..project.files.len()).map(|_| None).collect(),
        }
    }

    fn build(mut self, outcomes: Vec<RuleOutcome>) -> Evaluation {
        // The secret spans of every file a finding or unknown will quote,
        // found on all cores: each is a search of the whole file.
        let quoted: BTreeSet<usize> = outcomes
            .iter()
            .filter_map(|o| match &o.outcome {
                Outcome::Fail(hits) | Outcome::Unknown(hits) => Some(hits),
                Outcome::Pass(_) => None,
            })
            .flatten()
            .map(|hit| hit.at.file)
            .collect();
        let project = self.project;
        let found: Vec<(usize, SecretSpans)> = quoted
            .into_par_iter()
            .map(|f| (f, project.secrets().file_spans(&project.files[f])))
            .collect();
        for (f, spans) in found {
            self.spans[f] = Some(spans);
        }
        for o in &outcomes {
            if let Outcome::Fail(hits) | Outcome::Unknown(hits) = &o.outcome {
                hits.iter().for_each(|hit| self.note_secret_hit(hit));
            }
        }
        let mut eval = Evaluation::default();
        let mut seen = HashSet::new();
        let mut occurrences: HashMap<String, usize> = HashMap::new();
        for RuleOutcome { rule, at, outcome } in outcomes {
            let rule = &self.policies.rules[rule];
            match outcome {
                Outcome::Pass(_) => eval.passed.push(self.check(rule, at)),
                Outcome::Unknown(hits) => {
                    let hit = hits.into_iter().next();
                    let fallback = || "cannot be settled from the files".to_string();
                    let (line, reason) = match hit {
                        Some(h) => (
                            self.line(h.at, h.span),
                            self.shown_reason(&h, h.reason.clone().unwrap_or_else(fallback)),
                        ),
                        None => (self.line(at, self.project.resource(at).span), fallback()),
                    };
                    let res = self.project.resource(at);
                    eval.unknown.push(Unknown {
                        rule: rule.def.id.clone(),
                        file: self.project.file(at).source.display_path(),
                        line,
                        resource: res.address.clone(),
                        reason,
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

    /// The secret spans of file `f`, found once.
    fn spans_of(&mut self, f: usize) -> &mut SecretSpans {
        let project = self.project;
        self.spans[f].get_or_insert_with(|| project.secrets().file_spans(&project.files[f]))
    }

    fn spans(&self, f: usize) -> &SecretSpans {
        static NONE: SecretSpans = SecretSpans::EMPTY;
        self.spans[f].as_ref().unwrap_or(&NONE)
    }

    /// Records, before any finding is built, the span of a hit whose value
    /// is a secret that neither the file's text nor its structure marks
    /// (a password given as the list item after `--password`), so that no
    /// snippet of the file — this finding's or a neighbour's — shows it.
    fn note_secret_hit(&mut self, hit: &Hit) {
        let Some(value) = hit.value.as_deref() else {
            self.spans_of(hit.at.file);
            return;
        };
        let secrets = self.project.secrets();
        let text = &self.project.file(hit.at).source.text;
        let inner = secrets::inner_span(text, hit.span);
        let range = inner.start..inner.end;
        let shown = if is_redacted(value) {
            value.to_string()
        } else if self.named_secret(hit, value) {
            secrets.redact_value(value)
        } else {
            self.spans_of(hit.at.file);
            return;
        };
        let spans = self.spans_of(hit.at.file);
        if !spans.overlaps(&range) {
            spans.add(text, range, shown);
        }
    }

    /// Whether the hit's value is assigned to a secret-like name and is no placeholder.
    fn named_secret(&self, hit: &Hit, value: &str) -> bool {
        let secrets = self.project.secrets();
        hit.subject
            .as_deref()
            .is_some_and(|s| secrets.is_secret_name(s))
            && !secrets.is_placeholder(value)
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

    /// A hit's value as it may be printed. A value that stands in the file as
    /// written is cut out of it through the file's secret spans, so only its
    /// secret part is hidden (the password of a URL, not the URL); a value
    /// that is itself a secret is shown as the same redaction as its snippet.
    /// Anything else is shown as it is: rule data, IAM actions and paths are
    /// not secrets, and hiding them hides what the finding is about.
    fn shown_value(&self, hit: &Hit, value: &str) -> String {
        let secrets = self.project.secrets();
        let text = &self.project.file(hit.at).source.text;
        let spans = self.spans(hit.at.file);
        let inner = secrets::inner_span(text, hit.span);
        let range = inner.start..inner.end;
        if is_redacted(value) {
            return value.to_string();
        }
        let covering = spans
            .overlapping(&range)
            .find(|s| s.range.start <= range.start && range.end <= s.range.end);
        if let Some(s) = covering {
            return s.shown.clone();
        }
        if text.get(range.clone()) == Some(value) {
            return spans.show(text, range);
        }
        if self.named_secret(hit, value) || spans.overlaps(&range) {
            return secrets.redact_value(value);
        }
        secrets.redact_text(value)
    }

    /// An unknown's reason as it may be printed: a value it quotes in
    /// backticks is replaced by the redaction of the secret the hit stands on.
    fn shown_reason(&self, hit: &Hit, reason: String) -> String {
        let secrets = self.project.secrets();
        let text = &self.project.file(hit.at).source.text;
        let inner = secrets::inner_span(text, hit.span);
        let range = inner.start..inner.end;
        let overlapping: Vec<&crate::secrets::SecretSpan> =
            self.spans(hit.at.file).overlapping(&range).collect();
        if overlapping.is_empty() {
            return secrets.redact_text(&reason);
        }
        // Every secret the expression holds, quoted as written: each is replaced
        // by its redaction, keeping the expression around them
        // (`lookup(var.m, "ghp_…")`). A secret the reason holds only in part
        // (the quote is cut at 60 characters) or in another form (escaped) is
        // not there to replace, so then the whole quote goes.
        let whole = |s: &crate::secrets::SecretSpan| {
            !s.range.is_empty() && reason.contains(&text[s.range.clone()])
        };
        if overlapping.iter().all(|s| whole(s)) {
            let mut shown = reason.clone();
            for s in &overlapping {
                shown = shown.replace(&text[s.range.clone()], &s.shown);
            }
            return secrets.redact_text(&shown);
        }
        static QUOTED: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
        let first = overlapping[0];
        QUOTED
            .get_or_init(|| Regex::new("`[^`]*`").expect("valid regex"))
            .replace_all(
                &secrets.redact_text(&reason),
                format!("`{}`", first.shown).as_str(),
            )
            .into_owned()
    }

    fn finding(&self, rule: &Rule, hit: &Hit, occurrences: &mut HashMap<String, usize>) -> Finding {
        let file = self.project.file(hit.at);
        let res = self.project.resource(hit.at);
        let secrets = self.project.secrets();
        let loc = file.source.location(hit.span);
        let value = hit.value.as_deref().map(|v| self.shown_value(hit, v));
        // Every text taken from the scanned file goes through redaction before
        // a template sees it; the rule's own text is printed as written.
        let shown = |text: &str| secrets.redact_text(text);
        let context = json!({
            "value": value,
            "subject": hit.subject.as_deref().map(shown),
            "label": hit.reason,
            "name": shown(&res.name),
            "resource": shown(&res.address),
            "kind": res.kind,
            "environment": res.env.as_str(),
            "file": shown(&file.source.display_path()),
            "params": rule.params,
        });
        let render = |which: &str, fallback: &str| {
            self.templates
                .render(&format!("{}/{which}", rule.def.id), &context)
                .unwrap_or_else(|_| fallback.to_string())
        };
        // Cut as every report cuts it: a quoted value of 3 MB is 120 characters
        // and its length.
        // Redacted first, so that no cut leaves part of a key where the
        // redaction can no longer see it.
        let message = crate::report::limit::message(&shown(&render("message", &rule.def.message)))
            .into_owned();
        let remediation = render("remediation", &rule.def.remediation);
        let spans = self.spans(hit.at.file);
        let snippet = snippet(file, hit, spans);

        let basis = fingerprint_basis(rule, file, res, hit, value.as_deref(), spans);
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
            resource: shown(&res.address),
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

/// Whether `value` is already a redaction (a detector's finding value).
fn is_redacted(value: &str) -> bool {
    static REDACTED: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    REDACTED
        .get_or_init(|| Regex::new(r"…\(\d+ chars, #[0-9a-f]{6}\)").expect("valid regex"))
        .is_match(value)
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
    spans: &SecretSpans,
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
    // Only what the report shows: a known key's fingerprint, so that another
    // leaked key is another finding, but nothing derived from any other secret
    // value (see `secrets::redact`).
    let text = match value {
        Some(v) => v.to_string(),
        None => normalise(&spans.show(&file.source.text, hit.span.start..hit.span.end)),
    };
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

/// Lines longer than this many bytes are cut before they are redacted.
const LONG_LINE_BYTES: usize = 16 * 1024;

/// The largest char boundary at or before `i`.
fn floor_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The lines of a finding, one of context either side, at most eight, each
/// cut out of the file through its secret spans, so that a secret is hidden
/// on every line it covers, whichever line revealed it.
fn snippet(file: &project::ScannedFile, hit: &Hit, spans: &SecretSpans) -> Vec<SnippetLine> {
    let src = &file.source;
    let (first, column) = src.line_col(hit.span.start);
    let (last, _) = src.line_col(hit.span.end);
    let from = first.saturating_sub(1).max(1);
    let to = (last + 1).min(src.line_count()).min(from + 7);
    (from..=to)
        .map(|line| {
            let start = src.line_start(line).unwrap_or(0);
            let end = start + src.line_text(line).len();
            let focus = if line == first { column } else { 1 };
            // A long line is cut in the file's own text first, generously
            // around the finding, so that thousands of findings on one
            // minified line do not each redact all of it.
            if end - start <= LONG_LINE_BYTES {
                return SnippetLine::around(line, &spans.show(&src.text, start..end), focus);
            }
            let at = if line == first { hit.span.start } else { start };
            let part_start =
                floor_char(&src.text, at.saturating_sub(LONG_LINE_BYTES / 4).max(start));
            let part_end = floor_char(&src.text, (at + LONG_LINE_BYTES / 2).min(end));
            let shown = spans.show(&src.text, part_start..part_end);
            let column_in_part = spans
                .show(&src.text, part_start..at.max(part_start))
                .chars()
                .count()
                + 1;
            SnippetLine::around_part(
                line,
                &shown,
                column_in_part,
                src.chars_in(start..part_start),
                src.chars_in(start..end),
            )
        })
        .collect()
}
