//! The filter step: what the team has accepted, applied to what the rules found.
//!
//! Between evaluation and rendering, findings are matched against inline
//! `vouch:ignore` comments, config waivers and a baseline. A matched finding
//! is not dropped: it stays in the result, marked with its suppression, so
//! every report shows what was accepted, by whom and until when. Only
//! unsuppressed findings count for the exit code. Every waiver and comment
//! goes into the result's `exceptions` ledger with its status, so one that
//! has expired, matched nothing or is malformed is reported rather than
//! quietly going stale. `--changed-since` then narrows the result to the
//! files a change touched, keeping the project-wide rules.

pub mod baseline;
pub mod changed;
pub mod inline;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::config::Waiver;
use crate::engine::project::Project;
use crate::policy::{PolicySet, Rule};
use crate::result::{ChangedSince, Exception, Finding, ScanResult, Suppression};
use baseline::Baseline;
use changed::Changed;

/// What to apply.
pub struct Options<'a> {
    /// The date expiries are measured from.
    pub now: NaiveDate,
    /// Waivers from config, and the config file they are written in.
    pub waivers: &'a [Waiver],
    /// The config file, as displayed.
    pub config: Option<&'a str>,
    /// The folder waiver paths are relative to: the config file's, canonical.
    pub config_dir: Option<std::path::PathBuf>,
    /// Whether inline comments may suppress findings.
    pub inline: bool,
    /// A baseline, and its file as displayed.
    pub baseline: Option<(&'a str, &'a Baseline)>,
    /// The files changed since a ref.
    pub changed: Option<&'a Changed>,
}

/// Applies `options` to `result`, whose files are `project`'s.
pub fn apply(result: &mut ScanResult, project: &Project, policies: &PolicySet, options: &Options) {
    let mut comments = inline_ledger(project, policies, options);
    let mut waiver_matches = vec![0usize; options.waivers.len()];
    // Findings name their resource redacted (a Pod may be named with a key):
    // a waiver's `resource` is matched in that form too.
    let shown_resources: Vec<Option<globset::GlobMatcher>> = options
        .waivers
        .iter()
        .map(|w| {
            let resource = w.resource.as_deref()?;
            let shown = project.secrets().redact_text(resource);
            (shown != resource)
                .then(|| globset::Glob::new(&globset::escape(&shown)).ok())
                .flatten()
                .map(|g| g.compile_matcher())
        })
        .collect();
    let baseline: HashSet<&str> = options
        .baseline
        .map(|(_, b)| b.findings.iter().map(|e| e.fingerprint.as_str()).collect())
        .unwrap_or_default();
    // A waiver's paths may be written below the config's folder, below the
    // project, or as findings show them.
    let forms: HashMap<String, Vec<String>> = project
        .files
        .iter()
        .map(|f| {
            let shown = f.source.display_path();
            let mut forms = vec![shown.clone(), f.relative.clone()];
            if let Some(rest) = options
                .config_dir
                .as_deref()
                .and_then(|dir| f.location.strip_prefix(dir).ok())
            {
                forms.push(crate::source::display_path(rest));
            }
            (shown, forms)
        })
        .collect();
    let mut baselined = 0;

    for finding in &mut result.findings {
        comments.suppress(finding, options.now);
        let shown = [finding.file.clone()];
        let paths: Vec<&str> = forms
            .get(&finding.file)
            .map_or(&shown[..], Vec::as_slice)
            .iter()
            .map(String::as_str)
            .collect();
        for (i, waiver) in options.waivers.iter().enumerate() {
            let by_shown_name = shown_resources[i]
                .as_ref()
                .is_some_and(|g| g.is_match(&finding.resource));
            let covered = waiver.covers(&finding.rule, &paths, &finding.resource)
                || (by_shown_name && waiver.covers_rule_and_paths(&finding.rule, &paths));
            if !covered {
                continue;
            }
            waiver_matches[i] += 1;
            if waiver.expires >= options.now && finding.suppressed.is_none() {
                finding.suppressed = Some(Suppression {
                    kind: "waiver".into(),
                    reason: Some(waiver.reason.clone()),
                    owner: waiver.owner.clone(),
                    expires: Some(waiver.expires.to_string()),
                    at: options.config.map(|c| format!("{c}:{}", waiver.line)),
                });
            }
        }
        if finding.suppressed.is_none() && baseline.contains(finding.fingerprint.as_str()) {
            baselined += 1;
            finding.suppressed = Some(Suppression {
                kind: "baseline".into(),
                reason: Some("recorded in the baseline".into()),
                owner: None,
                expires: None,
                at: options.baseline.map(|(name, _)| name.to_string()),
            });
        }
    }
    if let Some((name, b)) = options.baseline {
        log::info!(
            "{baselined} finding(s) are in the baseline {name}; {} of its {} entries were not found (fixed, or moved to another file)",
            b.findings.len().saturating_sub(baselined),
            b.findings.len()
        );
    }

    let mut ledger = waiver_ledger(options, &waiver_matches);
    ledger.extend(comments.finish(options.now));
    result.exceptions = ledger;
    if let Some(changed) = options.changed {
        let files = project
            .files
            .iter()
            .filter(|f| changed.contains(&f.source.display_path()))
            .count();
        narrow_to_changed(result, policies, changed, files);
    }
    result.recount();
}

/// Warns of every exception that needs attention (expired, unused, malformed);
/// called once the result is redacted, since reasons and problems quote the user.
pub fn warn_of_exceptions(result: &ScanResult) {
    for x in result.exceptions.iter().filter(|x| x.needs_attention()) {
        log::warn!("{}", describe(x));
    }
}

/// The one-line account of an exception that needs attention, for logs and the terminal.
pub fn describe(x: &Exception) -> String {
    let what = match x.kind.as_str() {
        "waiver" => format!("waiver of {} at {}:{}", x.rule, x.file, x.line),
        _ if x.rule.is_empty() => format!("vouch:ignore comment at {}:{}", x.file, x.line),
        _ => format!("vouch:ignore {} at {}:{}", x.rule, x.file, x.line),
    };
    match x.status.as_str() {
        "expired" => format!(
            "{what} expired on {}: it no longer waives its {} finding(s)",
            x.expires.as_deref().unwrap_or("?"),
            x.matched
        ),
        "unused" => format!("{what} matched no finding: remove it, or fix its rule or paths"),
        "active" => format!("{what} suppresses {} finding(s)", x.matched),
        _ => format!(
            "{what} suppresses nothing: {}",
            x.problem.as_deref().unwrap_or("it is malformed")
        ),
    }
}

fn waiver_ledger(options: &Options, matches: &[usize]) -> Vec<Exception> {
    options
        .waivers
        .iter()
        .zip(matches)
        .map(|(w, &matched)| Exception {
            kind: "waiver".into(),
            rule: w.rule.clone(),
            file: options.config.unwrap_or(".vouch.yaml").to_string(),
            line: w.line,
            paths: w.paths.clone(),
            resource: w.resource.clone(),
            reason: Some(w.reason.clone()),
            owner: w.owner.clone(),
            expires: Some(w.expires.to_string()),
            status: if w.expires < options.now {
                "expired"
            } else if matched == 0 {
                "unused"
            } else {
                "active"
            }
            .into(),
            matched,
            problem: None,
            origin: None,
        })
        .collect()
}

/// The inline comments of the project, one ledger entry per rule named, and
/// an index from (file, covered line) to those entries.
struct Comments {
    entries: Vec<Exception>,
    until: Vec<Option<NaiveDate>>,
    at: HashMap<(String, usize), Vec<usize>>,
}

fn inline_ledger(project: &Project, policies: &PolicySet, options: &Options) -> Comments {
    let mut comments = Comments {
        entries: Vec::new(),
        until: Vec::new(),
        at: HashMap::new(),
    };
    for file in &project.files {
        let shown = file.source.display_path();
        for c in inline::find(&file.source.text, file.kind, &shown) {
            let rules = if c.rules.is_empty() {
                vec![String::new()]
            } else {
                c.rules.clone()
            };
            for rule in rules {
                let mut problem = c.problem.clone();
                if problem.is_none() && policies.rule(&rule).is_none() {
                    problem = Some(format!("no rule `{rule}` is in force"));
                }
                let status = if problem.is_some() {
                    "invalid"
                } else if !options.inline {
                    problem = Some(
                        "inline suppressions are turned off (`inline_suppressions: false` in the config); waive it there"
                            .into(),
                    );
                    "disallowed"
                } else {
                    "active"
                };
                let index = comments.entries.len();
                if status == "active" {
                    for &line in &c.covers {
                        comments
                            .at
                            .entry((shown.clone(), line))
                            .or_default()
                            .push(index);
                    }
                }
                comments.until.push(c.until);
                comments.entries.push(Exception {
                    kind: "inline".into(),
                    rule,
                    file: shown.clone(),
                    line: c.line,
                    paths: Vec::new(),
                    resource: None,
                    reason: c.reason.clone(),
                    owner: c.owner.clone(),
                    expires: c.until.map(|d| d.to_string()),
                    status: status.into(),
                    matched: 0,
                    problem,
                    origin: None,
                });
            }
        }
    }
    comments
}

impl Comments {
    /// Suppresses `finding` if a valid, unexpired comment covers one of its lines.
    fn suppress(&mut self, finding: &mut Finding, now: NaiveDate) {
        // A finding over many lines is covered by a comment at its first or last line.
        let lines = [finding.line, finding.end_line];
        let mut seen = HashSet::new();
        for line in lines {
            let Some(indices) = self.at.get(&(finding.file.clone(), line)) else {
                continue;
            };
            for &i in indices {
                let entry = &mut self.entries[i];
                if entry.rule != finding.rule || !seen.insert(i) {
                    continue;
                }
                entry.matched += 1;
                let expired = self.until[i].is_some_and(|d| d < now);
                if !expired && finding.suppressed.is_none() {
                    finding.suppressed = Some(Suppression {
                        kind: "inline".into(),
                        reason: entry.reason.clone(),
                        owner: entry.owner.clone(),
                        expires: entry.expires.clone(),
                        at: Some(format!("{}:{}", entry.file, entry.line)),
                    });
                }
            }
        }
    }

    fn finish(self, now: NaiveDate) -> Vec<Exception> {
        self.entries
            .into_iter()
            .zip(self.until)
            .map(|(mut x, until)| {
                if x.status == "active" {
                    if until.is_some_and(|d| d < now) {
                        x.status = "expired".into();
                    } else if x.matched == 0 {
                        x.status = "unused".into();
                    }
                }
                x
            })
            .collect()
    }
}

/// Keeps what concerns the changed files, and the rules about the whole project
/// (a finding that no trail exists is about no file in particular).
fn narrow_to_changed(
    result: &mut ScanResult,
    policies: &PolicySet,
    changed: &Changed,
    files: usize,
) {
    let mut cache: HashMap<String, bool> = HashMap::new();
    let mut is_changed = |file: &str| {
        *cache
            .entry(file.to_string())
            .or_insert_with(|| changed.contains(file))
    };
    let project_wide = |rule: &str| policies.rule(rule).is_some_and(Rule::is_about_project);
    result
        .findings
        .retain(|f| project_wide(&f.rule) || is_changed(&f.file));
    result
        .passed
        .retain(|c| project_wide(&c.rule) || is_changed(&c.file));
    result
        .unknown
        .retain(|u| project_wide(&u.rule) || is_changed(&u.file));
    result.errors.retain(|e| is_changed(&e.file));
    result
        .exceptions
        .retain(|x| x.kind == "waiver" || is_changed(&x.file));
    result.scan.changed_since = Some(ChangedSince {
        reference: changed.reference.clone(),
        base: changed.base.clone(),
        files,
    });
}
