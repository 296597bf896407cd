//! A whole scan: policies loaded, files found and parsed, rules evaluated,
//! the result assembled. The command line and the tests both go through
//! [`run`], so what the tests prove is what users get.

use std::path::PathBuf;

use chrono::{NaiveDate, Utc};
use rayon::prelude::*;

use crate::discover::{self, Filter};
use crate::engine::env::EnvMap;
use crate::engine::project::{Project, ScannedFile};
use crate::engine::secrets::SecretsGlue;
use crate::engine::{self};
use crate::inputs::{self, FileKind, kubernetes};
use crate::policy::PolicySet;
use crate::resource::Resource;
use crate::result::{
    FileError, GitInfo, RuleInfo, SCHEMA_VERSION, ScanInfo, ScanResult, Skipped, Summary, Tool,
};
use crate::source::{SourceFile, display_path};

/// What to scan and how.
#[derive(Debug)]
pub struct ScanOptions {
    /// The roots (files or folders).
    pub roots: Vec<PathBuf>,
    /// Globs to leave out.
    pub excludes: Vec<String>,
    /// Files larger than this are skipped.
    pub max_bytes: u64,
    /// The date ages are measured from.
    pub now: NaiveDate,
    /// Environment mapping from config.
    pub environments: EnvMap,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            roots: vec![PathBuf::from(".")],
            excludes: Vec::new(),
            max_bytes: discover::DEFAULT_MAX_BYTES,
            now: Utc::now().date_naive(),
            environments: EnvMap::default(),
        }
    }
}

/// The scan and the parsed project it ran on (callers may need the sources).
pub struct Scan {
    /// The result.
    pub result: ScanResult,
    /// The project: files and resources.
    pub project: Project,
}

/// Runs a scan. Errors only for problems with the run itself (a missing root, a bad glob).
pub fn run(options: &ScanOptions, policies: &PolicySet) -> Result<Scan, String> {
    let started_at = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let filter = Filter::new(&options.excludes, options.max_bytes)?;
    let secrets =
        SecretsGlue::from_policies(policies).map_err(|e| format!("secret detector data: {e}"))?;
    // A root's name can hold a key as well as a file's.
    let found = discover::discover(&options.roots, &filter).map_err(|e| secrets.redact_text(&e))?;
    log::info!(
        "{} files found under {} root(s)",
        found.len(),
        options.roots.len()
    );

    let outcomes: Vec<FileOutcome> = found
        .par_iter()
        .map(|f| read_and_parse(f, options, &secrets))
        .collect();
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut errors = Vec::new();
    for outcome in outcomes {
        match outcome {
            FileOutcome::Skipped(s) => skipped.push(s),
            FileOutcome::Unreadable(e) => errors.push(e),
            FileOutcome::Parsed(file, file_errors, partly) => {
                errors.extend(file_errors);
                files.push(file);
                skipped.extend(partly);
            }
        }
    }
    let project = Project::new(files, secrets);
    let evaluation = engine::evaluate(&project, policies, options.now);

    let mut result = ScanResult {
        schema_version: SCHEMA_VERSION.into(),
        tool: Tool::default(),
        scan: ScanInfo {
            roots: options.roots.iter().map(|r| display_path(r)).collect(),
            started_at,
            files_scanned: project.files.len(),
            files_skipped: skipped.len(),
            policy_digest: policies.digest.clone(),
            now: Some(options.now.to_string()),
            policies: policies.packs.clone(),
            skipped,
            git: options.roots.first().and_then(|r| git_info(r)),
            merged_from: Vec::new(),
            config: None,
            baseline: None,
            changed_since: None,
        },
        summary: Summary::default(),
        findings: evaluation.findings,
        passed: evaluation.passed,
        unknown: evaluation.unknown,
        errors,
        exceptions: Vec::new(),
        rules: rule_infos(policies),
    };
    result.recount();
    Ok(Scan { result, project })
}

/// The metadata of the rules in force, as the result records them.
pub fn rule_infos(policies: &PolicySet) -> Vec<RuleInfo> {
    policies
        .rules
        .iter()
        .map(|r| RuleInfo {
            id: r.def.id.clone(),
            name: r.def.name.clone(),
            title: r.def.title.clone(),
            area: r.def.area.clone(),
            severity: r.severity,
            description: r.def.description.clone(),
            remediation: r.def.remediation.clone(),
            controls: r.def.controls.clone(),
        })
        .collect()
}

enum FileOutcome {
    Skipped(Skipped),
    /// A file or folder the system would not let us read.
    Unreadable(FileError),
    /// A file checked, its errors, and why part of it was not (it is then
    /// listed among the skipped files too).
    Parsed(ScannedFile, Vec<FileError>, Option<Skipped>),
}

fn read_and_parse(
    found: &discover::Found,
    options: &ScanOptions,
    secrets: &SecretsGlue,
) -> FileOutcome {
    // As logs and the skipped and error lists show it: a key in a file name is
    // a key all the same.
    let shown = secrets.redact_text(&display_path(&found.path));
    let skip = |reason: String| {
        log::debug!("skipped {shown}: {reason}");
        FileOutcome::Skipped(Skipped {
            file: shown.clone(),
            reason,
        })
    };
    let unreadable = |reason: String| {
        log::warn!("{shown}: {reason}");
        FileOutcome::Unreadable(FileError {
            file: shown.clone(),
            line: 1,
            message: reason,
            origin: None,
        })
    };
    if let Some(reason) = &found.skip {
        return skip(reason.clone());
    }
    if let Some(reason) = &found.unreadable {
        return unreadable(reason.clone());
    }
    let text = match discover::read_text(&found.path) {
        Ok(t) => t,
        Err(discover::ReadFailure::Binary) => return skip("binary file".into()),
        Err(discover::ReadFailure::Io(reason)) => return unreadable(reason),
    };
    // Classification reads the canonical location, so the folders a file sits
    // in (`.github/workflows`, a chart's `templates`) count however the root was typed.
    let partly = inputs::skip_reason(&found.location, &text).map(|reason| {
        log::debug!("{shown}: {reason}");
        Skipped {
            file: shown.clone(),
            reason,
        }
    });
    let source = SourceFile::new(found.path.clone(), &text);
    let parsed = if partly.is_some() {
        inputs::parse_as_text(&source)
    } else {
        inputs::parse(&source, &found.location)
    };
    log::debug!(
        "{shown}: {} with {} resources",
        parsed.kind.as_str(),
        parsed.resources.len()
    );
    let errors: Vec<FileError> = parsed
        .errors
        .into_iter()
        .map(|e| {
            let (line, _) = source.line_col(e.offset);
            log::warn!("{shown}:{line}: {}", e.message);
            FileError {
                file: shown.clone(),
                line,
                message: e.message,
                origin: None,
            }
        })
        .collect();
    let mut resources = parsed.resources;
    assign_environments(&mut resources, &found.relative, &options.environments);
    let unit = match parsed.kind {
        FileKind::Terraform | FileKind::TerraformVars | FileKind::TerraformJson => {
            found.path.parent().map(display_path).unwrap_or_default()
        }
        _ => shown.clone(),
    };
    FileOutcome::Parsed(
        ScannedFile {
            source,
            relative: found.relative.clone(),
            location: found.location.clone(),
            kind: parsed.kind,
            resources,
            unit,
        },
        errors,
        partly,
    )
}

/// Sets each resource's environment from config, its namespace (its own or
/// its parent's) and the words of its path below the scan root.
fn assign_environments(resources: &mut [Resource], relative: &str, map: &EnvMap) {
    for i in 0..resources.len() {
        let mut ns = kubernetes::namespace(&resources[i].body).map(str::to_string);
        let mut parent = resources[i].parent;
        while ns.is_none() {
            let Some(p) = parent else { break };
            ns = kubernetes::namespace(&resources[p].body).map(str::to_string);
            parent = resources[p].parent;
        }
        resources[i].env = map.resolve(relative, ns.as_deref());
    }
}

/// The commit and branch of the repository holding `root`, if git can tell.
fn git_info(root: &std::path::Path) -> Option<GitInfo> {
    let dir = if root.is_dir() { root } else { root.parent()? };
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let commit = git(&["rev-parse", "HEAD"])?;
    let branch = git(&["symbolic-ref", "--short", "-q", "HEAD"]).filter(|b| !b.is_empty());
    // Modified or untracked files mean the scanned files are not those of the commit.
    let dirty = git(&["status", "--porcelain", "--", "."]).is_some_and(|s| !s.is_empty());
    Some(GitInfo {
        commit,
        branch,
        dirty,
    })
}
