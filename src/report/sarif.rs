//! SARIF 2.1.0: the format code-scanning services (GitHub, GitLab, Azure DevOps) import.
//!
//! One run with `tool.driver.rules` describing every rule (GitHub reads
//! `properties.security-severity` from there to rank alerts), one result per
//! finding with a precise region and the finding's fingerprint as a partial
//! fingerprint, so alerts survive unrelated edits. Suppressed findings stay
//! in the log with a `suppressions` entry (`external` for a waiver or the
//! baseline, `inSource` for a comment, with the reason as justification), as
//! the spec asks, rather than vanishing; GitHub code scanning does not read
//! suppressions and opens an alert for each, so `-o sarif:open=FILE` leaves
//! them out. Parse errors, and waivers or comments that need attention,
//! become tool execution notifications. Checks that could not be settled have
//! no SARIF equivalent and are only counted in the run's properties.
//!
//! URIs are relative to `%SRCROOT%`: the git work tree of the scan when
//! known ([`Base`]), so that GitHub finds the file however the scan root was
//! typed. In a merged result each origin gets its own base id, and the origin
//! is part of the partial fingerprint, so two repositories' identical paths
//! never fold into one alert.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde_json::{Value, json};

use super::{RenderOptions, ReportError, ReportInput, RuleInfo, limit};
use crate::result::{Exception, Finding, ScanResult, Severity, Suppression};

/// Where SARIF URIs start from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// The absolute directory `%SRCROOT%` stands for: the git work tree of
    /// the first scan root, or the root itself outside git.
    pub root: PathBuf,
    /// The absolute directory the result's relative paths start from (where vouch ran).
    pub cwd: PathBuf,
}

/// The base id of the scanned tree.
pub const SRCROOT: &str = "%SRCROOT%";

/// The `$schema` URI written at the top of the log (a name, never fetched).
const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The partial-fingerprint key that carries [`Finding::fingerprint`].
pub const FINGERPRINT_KEY: &str = "vouch/v1";

/// GitHub's numeric severity for a vouch severity (`properties.security-severity`).
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// The SARIF `level` of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// Renders `input` as a pretty-printed SARIF 2.1.0 log.
pub fn render(input: &ReportInput<'_>, options: &RenderOptions) -> Result<String, ReportError> {
    let rules = rules(input);
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let uris = Uris::new(input.result, options.sarif_base.as_ref());
    let results: Vec<Value> = input
        .result
        .findings
        .iter()
        .filter(|f| !(options.sarif_open_only && f.suppressed.is_some()))
        .map(|f| result(f, index.get(f.rule.as_str()).copied(), &uris))
        .collect();

    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver(input.result, &rules)},
            "invocations": [invocation(input.result, &uris)],
            "originalUriBaseIds": uris.bases(),
            "results": results,
            // vouch counts columns in characters, as the JSON result does.
            "columnKind": "unicodeCodePoints",
            "properties": run_properties(input.result),
        }],
    });
    let mut text = serde_json::to_string_pretty(&log)?;
    text.push('\n');
    Ok(text)
}

/// Turns the result's file paths into artifact locations.
struct Uris<'a> {
    base: Option<&'a Base>,
    /// The base id of each origin of a merged result, in `merged_from` order.
    origins: Vec<(&'a str, String)>,
}

impl<'a> Uris<'a> {
    fn new(result: &'a ScanResult, base: Option<&'a Base>) -> Self {
        let origins = result
            .scan
            .merged_from
            .iter()
            .enumerate()
            .map(|(i, o)| (o.as_str(), format!("ORIGIN{}", i + 1)))
            .collect();
        Uris { base, origins }
    }

    /// `originalUriBaseIds`: where each base id points, as far as this log can know.
    fn bases(&self) -> Value {
        let mut bases = serde_json::Map::new();
        let root = match self.base {
            // A folder named with a key is shown redacted, as in every other format.
            Some(b) => {
                let shown = crate::engine::secrets::redact(&b.root.to_string_lossy());
                json!({"uri": directory_uri(std::path::Path::new(&shown))})
            }
            None => json!({"description": {"text": "The directory vouch ran in."}}),
        };
        bases.insert(SRCROOT.into(), root);
        for (origin, id) in &self.origins {
            let text = format!("The directory vouch ran in for the result {origin}.");
            bases.insert(id.clone(), json!({"description": {"text": text}}));
        }
        Value::Object(bases)
    }

    /// The artifact location of `file`, read from the result of `origin`.
    fn location(&self, file: &str, origin: Option<&str>) -> Value {
        if let Some(id) = origin.and_then(|o| self.origins.iter().find(|(n, _)| *n == o)) {
            return if Path::new(file).is_absolute() {
                json!({"uri": absolute_uri(file)})
            } else {
                json!({"uri": artifact_uri(file), "uriBaseId": id.1})
            };
        }
        let Some(base) = self.base else {
            return match relative_path(file) {
                Some(rel) => json!({"uri": encode(&rel), "uriBaseId": SRCROOT}),
                None if Path::new(file).is_absolute() => json!({"uri": absolute_uri(file)}),
                None => json!({"uri": artifact_uri(file)}),
            };
        };
        let path = normalise(&base.cwd.join(file));
        match path.strip_prefix(&base.root) {
            Ok(rel) => json!({"uri": encode(&rel.to_string_lossy()), "uriBaseId": SRCROOT}),
            Err(_) => json!({"uri": absolute_uri(&path.to_string_lossy())}),
        }
    }
}

/// `file` without `./`, when it is relative and stays below its start (no `..`).
fn relative_path(file: &str) -> Option<String> {
    let path = file.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let below = !path.starts_with('/')
        && !path.split('/').any(|p| p == "..")
        && !Path::new(file).is_absolute();
    below.then(|| path.to_string())
}

/// `path` with `.` and `..` resolved lexically (no file system access).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A `file://` URI of an absolute directory, with the trailing slash a base needs.
fn directory_uri(dir: &Path) -> String {
    let mut uri = absolute_uri(&dir.to_string_lossy());
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// A `file://` URI of an absolute path.
fn absolute_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let slash = if path.starts_with('/') { "" } else { "/" };
    format!("file://{slash}{}", encode(&path))
}

/// The engine's rules, then any rule that has findings but no metadata, described from them.
fn rules(input: &ReportInput<'_>) -> Vec<RuleInfo> {
    let mut rules = input.rules.to_vec();
    for f in &input.result.findings {
        if !rules.iter().any(|r| r.id == f.rule) {
            rules.push(RuleInfo {
                id: f.rule.clone(),
                name: f.name.clone(),
                title: f.title.clone(),
                area: f.area.clone(),
                severity: f.severity,
                description: String::new(),
                remediation: f.remediation.clone(),
                controls: f.controls.clone(),
            });
        }
    }
    rules
}

fn driver(result: &ScanResult, rules: &[RuleInfo]) -> Value {
    json!({
        "name": result.tool.name,
        "version": result.tool.version,
        "semanticVersion": result.tool.version,
        "rules": rules.iter().map(rule).collect::<Vec<_>>(),
    })
}

fn rule(r: &RuleInfo) -> Value {
    let title = if r.title.is_empty() {
        r.id.as_str()
    } else {
        r.title.as_str()
    };
    let full = if r.description.is_empty() {
        title
    } else {
        r.description.as_str()
    };
    let mut tags = vec!["security".to_string()];
    tags.extend((!r.area.is_empty()).then(|| r.area.clone()));
    tags.extend(r.controls.iter().cloned());

    let mut rule = json!({
        "id": r.id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": full},
        "help": {"text": help_text(r), "markdown": help_markdown(r, title)},
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {
            "security-severity": security_severity(r.severity),
            "severity": r.severity,
            "tags": tags,
        },
    });
    if !r.name.is_empty() {
        rule["name"] = json!(r.name);
    }
    rule
}

fn help_text(r: &RuleInfo) -> String {
    match (r.remediation.is_empty(), r.controls.is_empty()) {
        (true, _) => r.title.clone(),
        (false, true) => r.remediation.clone(),
        (false, false) => format!("{}\n\nControls: {}", r.remediation, r.controls.join(", ")),
    }
}

fn help_markdown(r: &RuleInfo, title: &str) -> String {
    let mut md = format!("**{title}**\n\n");
    if !r.description.is_empty() {
        md.push_str(&r.description);
        md.push_str("\n\n");
    }
    if !r.remediation.is_empty() {
        md.push_str(&format!("**Remediation:** {}\n\n", r.remediation));
    }
    if !r.controls.is_empty() {
        let controls: Vec<String> = r.controls.iter().map(|c| format!("`{c}`")).collect();
        md.push_str(&format!("**Controls:** {}\n", controls.join(", ")));
    }
    md.trim_end().to_string()
}

fn result(f: &Finding, rule_index: Option<usize>, uris: &Uris<'_>) -> Value {
    let message = if f.message.is_empty() {
        &f.title
    } else {
        &f.message
    };
    let mut message = limit::message(message).into_owned();
    if let Some(template) = &f.template {
        message.push_str(&format!(" (rendered from the Helm template {template})"));
    }
    let mut properties = json!({"severity": f.severity, "resource": f.resource});
    if let Some(env) = &f.environment {
        properties["environment"] = json!(env);
    }
    if let Some(origin) = &f.origin {
        properties["origin"] = json!(origin);
    }
    if let Some(template) = &f.template {
        properties["template"] = json!(template);
    }
    // Two merged repositories can hold the same finding at the same path; the origin keeps them apart.
    let fingerprint = match &f.origin {
        Some(origin) => format!("{}@{origin}", f.fingerprint),
        None => f.fingerprint.clone(),
    };
    let suppressions: Vec<Value> = f
        .suppressed
        .iter()
        .map(|s| suppression(s, f.origin.as_deref(), uris))
        .collect();
    let mut result = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "kind": "fail",
        "message": {"text": message},
        "locations": [location(f, uris)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "suppressions": suppressions,
        "properties": properties,
    });
    if let Some(i) = rule_index {
        result["ruleIndex"] = json!(i);
    }
    result
}

fn location(f: &Finding, uris: &Uris<'_>) -> Value {
    let mut region = json!({"startLine": f.line.max(1), "startColumn": f.column.max(1)});
    let end_line = f.end_line.max(f.line);
    if end_line > f.line || f.end_column > f.column {
        region["endLine"] = json!(end_line);
        region["endColumn"] = json!(f.end_column.max(1));
    }
    let mut physical = json!({
        "artifactLocation": uris.location(&f.file, f.origin.as_deref()),
        "region": region,
    });
    if let (Some(first), Some(last)) = (f.snippet.first(), f.snippet.last()) {
        let text: String = f.snippet.iter().map(|l| format!("{}\n", l.text)).collect();
        physical["contextRegion"] = json!({
            "startLine": first.line.max(1),
            "endLine": last.line.max(first.line).max(1),
            "snippet": {"text": text},
        });
    }
    json!({
        "physicalLocation": physical,
        "logicalLocations": [{"fullyQualifiedName": f.resource, "kind": "resource"}],
    })
}

fn suppression(s: &Suppression, origin: Option<&str>, uris: &Uris<'_>) -> Value {
    let kind = if s.kind == "inline" {
        "inSource"
    } else {
        "external"
    };
    let mut properties = json!({"kind": s.kind});
    if let Some(owner) = &s.owner {
        properties["owner"] = json!(owner);
    }
    if let Some(expires) = &s.expires {
        properties["expires"] = json!(expires);
    }
    let mut value = json!({"kind": kind, "status": "accepted", "properties": properties});
    if let Some(reason) = &s.reason {
        value["justification"] = json!(reason);
    }
    if let Some(at) = &s.at {
        value["location"] = json!({"physicalLocation": place(at, origin, uris)});
    }
    value
}

/// A physical location for `file:line` (or a bare file name, as for a baseline).
fn place(at: &str, origin: Option<&str>, uris: &Uris<'_>) -> Value {
    let (file, line) = match at.rsplit_once(':') {
        Some((file, line)) if !file.is_empty() => match line.parse::<usize>() {
            Ok(n) => (file, Some(n)),
            Err(_) => (at, None),
        },
        _ => (at, None),
    };
    let mut physical = json!({"artifactLocation": uris.location(file, origin)});
    if let Some(line) = line {
        physical["region"] = json!({"startLine": line.max(1)});
    }
    physical
}

fn invocation(result: &ScanResult, uris: &Uris<'_>) -> Value {
    let mut notifications: Vec<Value> = result
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": e.message},
                "descriptor": {"id": "parse-error"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": uris.location(&e.file, e.origin.as_deref()),
                    "region": {"startLine": e.line.max(1)},
                }}],
            })
        })
        .collect();
    notifications.extend(
        result
            .exceptions
            .iter()
            .filter(|x| x.needs_attention())
            .map(|x| exception_notification(x, uris)),
    );
    let mut invocation = json!({
        "executionSuccessful": true,
        "toolExecutionNotifications": notifications,
    });
    if chrono::DateTime::parse_from_rfc3339(&result.scan.started_at).is_ok() {
        invocation["startTimeUtc"] = json!(result.scan.started_at);
    }
    invocation
}

/// A warning that a waiver or comment expired, matched nothing or is malformed.
fn exception_notification(x: &Exception, uris: &Uris<'_>) -> Value {
    json!({
        "level": "warning",
        "message": {"text": crate::filter::describe(x)},
        "descriptor": {"id": format!("exception-{}", x.status)},
        "locations": [{"physicalLocation": {
            "artifactLocation": uris.location(&x.file, x.origin.as_deref()),
            "region": {"startLine": x.line.max(1)},
        }}],
    })
}

fn run_properties(result: &ScanResult) -> Value {
    let mut properties = json!({
        "policyDigest": result.scan.policy_digest,
        "policies": result.scan.policies,
        "roots": result.scan.roots,
        "summary": result.summary,
        "unknown": result.unknown.len(),
    });
    if let Some(now) = &result.scan.now {
        properties["now"] = json!(now);
    }
    if let Some(git) = &result.scan.git {
        properties["git"] = json!(git);
    }
    if !result.exceptions.is_empty() {
        properties["exceptions"] = json!(result.exceptions);
    }
    properties
}

/// A file path as a relative URI reference: `/` separators, `./` dropped, the rest percent-encoded.
///
/// Absolute paths become `file://` URIs.
pub fn artifact_uri(file: &str) -> String {
    if Path::new(file).is_absolute() || file.starts_with('/') {
        return absolute_uri(file);
    }
    let path = file.replace('\\', "/");
    encode(path.trim_start_matches("./"))
}

/// Percent-encodes everything a URI path may not hold as it is.
fn encode(path: &str) -> String {
    let mut uri = String::with_capacity(path.len() + 8);
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b);
        if keep {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(artifact_uri("./deploy/api.yaml"), "deploy/api.yaml");
        assert_eq!(artifact_uri("a b/c#d%.env"), "a%20b/c%23d%25.env");
        assert_eq!(artifact_uri("infra\\main.tf"), "infra/main.tf");
        assert_eq!(artifact_uri("/srv/x.tf"), "file:///srv/x.tf");
        assert_eq!(artifact_uri("c:odd"), "c%3Aodd");
        assert_eq!(artifact_uri("é"), "%C3%A9");
    }

    #[test]
    fn uris_are_relative_to_the_work_tree_however_the_root_was_typed() {
        let base = Base {
            root: PathBuf::from("/repo"),
            cwd: PathBuf::from("/repo/k8s"),
        };
        let result = ScanResult::default();
        let uris = Uris::new(&result, Some(&base));
        let at = |file: &str| uris.location(file, None);
        assert_eq!(
            at("../compose.yaml"),
            json!({"uri": "compose.yaml", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            at("/repo/examples/a b.tf"),
            json!({"uri": "examples/a%20b.tf", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            at("./api.yaml"),
            json!({"uri": "k8s/api.yaml", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            at("/elsewhere/x.tf"),
            json!({"uri": "file:///elsewhere/x.tf"})
        );
        assert_eq!(uris.bases(), json!({"%SRCROOT%": {"uri": "file:///repo/"}}));
    }

    #[test]
    fn a_suppression_points_at_its_waiver_or_comment() {
        let result = ScanResult::default();
        let uris = Uris::new(&result, None);
        assert_eq!(
            place(".vouch.yaml:12", None, &uris),
            json!({"artifactLocation": {"uri": ".vouch.yaml", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 12}})
        );
        assert_eq!(
            place("baseline.json", None, &uris),
            json!({"artifactLocation": {"uri": "baseline.json", "uriBaseId": "%SRCROOT%"}})
        );
    }

    #[test]
    fn levels_and_scores_follow_severity() {
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(security_severity(Severity::Critical), "9.5");
        assert_eq!(security_severity(Severity::Low), "3.0");
    }
}
