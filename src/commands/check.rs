//! `vouch check`: scan, print, write the requested reports, decide the exit code.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use miette::{IntoDiagnostic, WrapErr};

use crate::app::Outcome;
use crate::cli::{CheckArgs, ScanArgs};
use crate::config::Config;
use crate::filter::{self, baseline::Baseline, changed::Changed};
use crate::policy::PolicySet;
use crate::report::{self, Format, FormatSpec, RenderOptions, ReportInput, RuleInfo};
use crate::result::{ScanResult, Severity};
use crate::scan::{self, ScanOptions};
use crate::source::display_path;

/// The threshold of `--fail-on`: a severity, or never.
pub fn parse_fail_on(text: &str) -> miette::Result<Option<Severity>> {
    let lower = text.to_ascii_lowercase();
    if lower == "never" {
        return Ok(None);
    }
    lower.parse::<Severity>().map(Some).map_err(|_| {
        miette::miette!(
            help = "use critical, high, medium, low, info or never",
            "--fail-on: unknown severity `{text}` (critical, high, medium, low, info, never)"
        )
    })
}

/// Parses `--now`.
pub fn parse_now(text: Option<&str>) -> miette::Result<NaiveDate> {
    match text {
        None => Ok(chrono::Utc::now().date_naive()),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map_err(|e| miette::miette!(help = "write the date as YYYY-MM-DD", "--now {t}: {e}")),
    }
}

/// A scan with the config applied and the filter step run.
pub struct Checked {
    /// The result, suppressions marked.
    pub result: ScanResult,
    /// The rules in force.
    pub policies: PolicySet,
    /// The config used.
    pub config: Option<Config>,
    /// Each scanned file's displayed path → its path below the scan root.
    pub relative: HashMap<String, String>,
}

/// Loads config and policies, scans, and applies waivers, inline comments,
/// the baseline and the changed-files limit: everything `check` and
/// `baseline` share.
pub fn scan_and_filter(
    args: &ScanArgs,
    baseline: Option<&Path>,
    changed_since: Option<&str>,
) -> miette::Result<Checked> {
    let first_root = args.paths.first().map_or(Path::new("."), PathBuf::as_path);
    let mut config = super::find_config(&args.policy, first_root)?;
    let now = parse_now(args.now.as_deref())?;
    let policies = super::load_policies(&args.policy, config.as_ref())?;
    let baseline = baseline
        .map(|p| {
            let shown = crate::engine::secrets::redact(&display_path(p));
            Ok::<_, miette::Report>((shown, Baseline::read(p)?))
        })
        .transpose()?;
    let changed = changed_since
        .map(|r| Changed::since(first_root, r).map_err(|e| miette::miette!("{e}")))
        .transpose()?;

    let mut excludes = args.exclude.clone();
    if let Some(c) = &config {
        excludes.extend(c.file.exclude.iter().cloned());
    }
    let scan_options = ScanOptions {
        roots: args.paths.clone(),
        excludes,
        max_bytes: args.max_file_size,
        now,
        environments: config
            .as_mut()
            .map(|c| std::mem::take(&mut c.environments))
            .unwrap_or_default(),
    };
    let scan = scan::run(&scan_options, &policies).map_err(|e| miette::miette!("{e}"))?;
    let mut result = scan.result;
    let options = filter::Options {
        now,
        waivers: config.as_ref().map_or(&[][..], |c| c.waivers.as_slice()),
        config: config.as_ref().map(|c| c.path.as_str()),
        config_dir: config.as_ref().and_then(|c| c.dir.canonicalize().ok()),
        inline: config.as_ref().is_none_or(Config::inline_suppressions),
        baseline: baseline.as_ref().map(|(name, b)| (name.as_str(), b)),
        changed: changed.as_ref(),
    };
    filter::apply(&mut result, &scan.project, &policies, &options);
    result.scan.config = config.as_ref().map(|c| c.path.clone());
    result.scan.baseline = baseline.map(|(name, _)| name);
    let secrets = scan.project.secrets();
    let relative = scan
        .project
        .files
        .iter()
        .map(|f| {
            (
                secrets.redact_text(&f.source.display_path()),
                // The baseline is committed: a key in a file name stays hidden there too.
                secrets.redact_text(&f.relative),
            )
        })
        .collect();
    secrets.redact_result(&mut result);
    filter::warn_of_exceptions(&result);
    Ok(Checked {
        result,
        policies,
        config,
        relative,
    })
}

/// Runs the check.
pub fn run(args: &CheckArgs, color: bool) -> miette::Result<Outcome> {
    // Everything about the outputs is checked before the scan, so a typo costs no scan.
    let outputs = parse_outputs(&args.outputs)?;
    let stdout_format: FormatSpec = args.format.parse()?;
    let templates = read_templates(&args.template)?;
    warn_unused_templates(&templates, stdout_format, &outputs);
    let fail_on_flag = args.fail_on.as_deref().map(parse_fail_on).transpose()?;
    let scan_args = without_outputs(&args.scan, &outputs);
    let checked = scan_and_filter(
        &scan_args,
        args.baseline.as_deref(),
        args.changed_since.as_deref(),
    )?;
    let fail_on = match (
        fail_on_flag,
        checked.config.as_ref().and_then(|c| c.fail_on),
    ) {
        (Some(flag), _) => flag,
        (None, Some(from_config)) => from_config,
        (None, None) => Some(Severity::Low),
    };
    let result = &checked.result;

    let rules = &result.rules;
    let first_root = args
        .scan
        .paths
        .first()
        .map_or(Path::new("."), PathBuf::as_path);
    let options = RenderOptions {
        sarif_base: sarif_base(first_root),
        ..templates
    };
    let stdout = render(
        stdout_format.format,
        result,
        rules,
        &stdout_format.apply(&options),
        color,
    )?;
    let mut out = std::io::stdout().lock();
    out.write_all(stdout.as_bytes()).into_diagnostic()?;
    out.flush().into_diagnostic()?;
    write_outputs(&outputs, result, rules, &options)?;
    Ok(verdict(result, fail_on, args.strict))
}

/// `scan` with every `-o` target excluded, so a report written into the
/// scanned tree is not read back as a scanned file on the next run.
fn without_outputs(scan: &ScanArgs, outputs: &[Output]) -> ScanArgs {
    let mut exclude = scan.exclude.clone();
    let cwd = std::env::current_dir().ok();
    for output in outputs {
        exclude.push(globset::escape(&display_path(&output.path)));
        if let Some(cwd) = &cwd {
            exclude.push(globset::escape(&display_path(&absolute(cwd, &output.path))));
        }
    }
    ScanArgs {
        paths: scan.paths.clone(),
        policy: scan.policy.clone(),
        exclude,
        now: scan.now.clone(),
        max_file_size: scan.max_file_size,
    }
}

/// Where SARIF URIs start: the git work tree holding `root`, or `root`
/// itself (its folder, for a file) outside git.
pub fn sarif_base(root: &Path) -> Option<report::sarif::Base> {
    let cwd = std::env::current_dir().ok()?;
    let root = absolute(&cwd, root);
    let root = if root.is_file() {
        root.parent()?.to_path_buf()
    } else {
        root
    };
    let tree = root
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map_or_else(|| root.clone(), Path::to_path_buf);
    Some(report::sarif::Base { root: tree, cwd })
}

/// One `-o FORMAT=FILE`.
#[derive(Debug, Clone)]
pub struct Output {
    /// The format and its options.
    pub spec: FormatSpec,
    /// The file to write.
    pub path: PathBuf,
}

/// Writes each `-o FORMAT=FILE`; when one cannot be written, the others
/// still are, and the error names every file that failed.
pub fn write_outputs(
    outputs: &[Output],
    result: &ScanResult,
    rules: &[RuleInfo],
    options: &RenderOptions,
) -> miette::Result<()> {
    let mut failed = Vec::new();
    for output in outputs {
        let options = output.spec.apply(options);
        let written = render(output.spec.format, result, rules, &options, false).and_then(|text| {
            std::fs::write(&output.path, text)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot write {}", output.path.display()))
        });
        match written {
            Ok(()) => log::info!(
                "wrote {} report to {}",
                output.spec.format,
                output.path.display()
            ),
            Err(e) => failed.push(format!("  {e}: {}", e.root_cause())),
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    Err(miette::miette!(
        "{} of {} report file(s) could not be written; the others were:\n{}",
        failed.len(),
        outputs.len(),
        failed.join("\n")
    ))
}

/// Reads each `--template [FORMAT=]FILE` into the options of its format.
///
/// Without `FORMAT=`, the file name says the format (`.html.hbs`, `.md.hbs`);
/// a template whose format cannot be told, or two for one format, is an error,
/// because one template must never end up as both the HTML and the Markdown report.
pub fn read_templates(specs: &[String]) -> miette::Result<RenderOptions> {
    let mut options = RenderOptions::default();
    for spec in specs {
        let (format, path) = template_target(spec)?;
        let source = std::fs::read_to_string(path)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot read template {path}"))?;
        let slot = match format {
            Format::Html => &mut options.html_template,
            _ => &mut options.markdown_template,
        };
        if slot.is_some() {
            return Err(miette::miette!(
                help = "give one --template per format",
                "--template {spec}: a {format} template was already given"
            ));
        }
        *slot = Some(report::Template {
            file: path.to_string(),
            source,
        });
    }
    Ok(options)
}

/// The format and file of one `--template` argument.
fn template_target(spec: &str) -> miette::Result<(Format, &str)> {
    if let Some((name, path)) = spec.split_once('=') {
        match name.parse::<Format>() {
            Ok(f @ (Format::Html | Format::Markdown)) if !path.is_empty() => return Ok((f, path)),
            Ok(other) => {
                return Err(miette::miette!(
                    help =
                        "templates exist for html and markdown only, e.g. `--template html=FILE`",
                    "--template {spec}: no {other} template file can be given this way"
                ));
            }
            // Not a format name: the `=` is part of the file name.
            Err(_) => {}
        }
    }
    let lower = spec.to_ascii_lowercase();
    let ends = |exts: &[&str]| exts.iter().any(|e| lower.ends_with(e));
    if ends(&[".html.hbs", ".htm.hbs", ".html", ".htm"]) {
        return Ok((Format::Html, spec));
    }
    if ends(&[".md.hbs", ".markdown.hbs", ".md", ".markdown"]) {
        return Ok((Format::Markdown, spec));
    }
    Err(miette::miette!(
        help = "write `--template html=FILE` or `--template markdown=FILE`",
        "--template {spec}: cannot tell from the name whether it is an HTML or a Markdown template"
    ))
}

/// Warns about a template for a format that nothing in this run writes.
pub fn warn_unused_templates(options: &RenderOptions, stdout: FormatSpec, outputs: &[Output]) {
    let written = |f: Format| stdout.format == f || outputs.iter().any(|o| o.spec.format == f);
    for format in [Format::Html, Format::Markdown] {
        if let Some(t) = options.template(format)
            && !written(format)
        {
            log::warn!(
                "--template {}: no {format} report is written in this run",
                t.file
            );
        }
    }
}

/// Whether the result fails the run at `fail_on`; with `strict`, files that
/// could not be parsed, unsettled checks and malformed or disallowed
/// suppressions fail it too.
pub fn verdict(result: &ScanResult, fail_on: Option<Severity>, strict: bool) -> Outcome {
    let findings = matches!(
        (result.worst(), fail_on),
        (Some(worst), Some(threshold)) if worst >= threshold
    );
    let unsettled = !result.errors.is_empty()
        || !result.unknown.is_empty()
        || result
            .exceptions
            .iter()
            .any(|x| matches!(x.status.as_str(), "invalid" | "disallowed"));
    if strict && unsettled {
        log::warn!(
            "--strict: {} file(s) with errors, {} unsettled check(s), {} malformed or disallowed suppression(s)",
            result.errors.len(),
            result.unknown.len(),
            result
                .exceptions
                .iter()
                .filter(|x| matches!(x.status.as_str(), "invalid" | "disallowed"))
                .count()
        );
    }
    if findings || (strict && unsettled) {
        Outcome::Findings
    } else {
        Outcome::Clean
    }
}

/// Parses every `-o FORMAT=FILE` and checks that each can be written: a
/// name, a folder that exists, and no file named twice.
pub fn parse_outputs(specs: &[String]) -> miette::Result<Vec<Output>> {
    let cwd = std::env::current_dir().into_diagnostic()?;
    let mut outputs: Vec<Output> = Vec::new();
    for spec in specs {
        let (format, path) = spec.split_once('=').ok_or_else(|| {
            miette::miette!(
                help = "e.g. `-o sarif=vouch.sarif`",
                "-o {spec}: expected FORMAT=FILE"
            )
        })?;
        let format: FormatSpec = format.parse()?;
        if path.is_empty() {
            return Err(miette::miette!(
                help = format!(
                    "e.g. `-o {0}=report.{1}`",
                    format.format,
                    format.format.extension()
                ),
                "-o {spec}: no file name after `=`"
            ));
        }
        let path = PathBuf::from(path);
        check_writable(spec, &path)?;
        let key = absolute(&cwd, &path);
        if let Some(earlier) = outputs.iter().find(|o| absolute(&cwd, &o.path) == key) {
            return Err(miette::miette!(
                help = "give each report its own file",
                "-o {spec}: {} is already the target of `-o {}={}`",
                path.display(),
                earlier.spec.format,
                earlier.path.display()
            ));
        }
        outputs.push(Output { spec: format, path });
    }
    Ok(outputs)
}

/// Fails when `path` is a folder or its folder does not exist.
fn check_writable(spec: &str, path: &Path) -> miette::Result<()> {
    if path.is_dir() {
        return Err(miette::miette!(
            "-o {spec}: {} is a folder, not a file",
            path.display()
        ));
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(miette::miette!(
            help = "create the folder first",
            "-o {spec}: the folder {} does not exist",
            parent.display()
        ));
    }
    Ok(())
}

/// `path` made absolute against `cwd`, `.` and `..` resolved lexically.
fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in cwd.join(path).components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Renders `result` in `format`.
pub fn render(
    format: Format,
    result: &ScanResult,
    rules: &[RuleInfo],
    options: &RenderOptions,
    color: bool,
) -> miette::Result<String> {
    match format {
        Format::Text => Ok(crate::report::text::render(result, color)),
        other => Ok(report::render(
            other,
            &ReportInput::new(result, rules),
            options,
        )?),
    }
}
