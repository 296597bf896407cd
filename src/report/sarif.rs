//! SARIF 2.1.0: the format code-scanning services (GitHub, GitLab, Azure DevOps) import.
//!
//! One run with `tool.driver.rules` describing every rule (GitHub reads
//! `properties.security-severity` from there to rank alerts), one result per
//! finding with a precise region and the finding's fingerprint as a partial
//! fingerprint, so alerts survive unrelated edits. Suppressed findings stay
//! in the log with a `suppressions` entry, as the spec asks, rather than
//! vanishing. Parse errors become tool execution notifications. Checks that
//! could not be settled have no SARIF equivalent and are only counted in the
//! run's properties.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{ReportError, ReportInput, RuleInfo};
use crate::result::{Finding, ScanResult, Severity, Suppression};

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
pub fn render(input: &ReportInput<'_>) -> Result<String, ReportError> {
    let rules = rules(input);
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let results: Vec<Value> = input
        .result
        .findings
        .iter()
        .map(|f| result(f, index.get(f.rule.as_str()).copied()))
        .collect();

    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver(input.result, &rules)},
            "invocations": [invocation(input.result)],
            "results": results,
            "properties": run_properties(input.result),
        }],
    });
    let mut text = serde_json::to_string_pretty(&log)?;
    text.push('\n');
    Ok(text)
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

fn result(f: &Finding, rule_index: Option<usize>) -> Value {
    let message = if f.message.is_empty() {
        &f.title
    } else {
        &f.message
    };
    let mut properties = json!({"severity": f.severity, "resource": f.resource});
    if let Some(env) = &f.environment {
        properties["environment"] = json!(env);
    }
    if let Some(origin) = &f.origin {
        properties["origin"] = json!(origin);
    }
    let mut result = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "kind": "fail",
        "message": {"text": message},
        "locations": [location(f)],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "suppressions": f.suppressed.iter().map(suppression).collect::<Vec<_>>(),
        "properties": properties,
    });
    if let Some(i) = rule_index {
        result["ruleIndex"] = json!(i);
    }
    result
}

fn location(f: &Finding) -> Value {
    let mut region = json!({"startLine": f.line.max(1), "startColumn": f.column.max(1)});
    let end_line = f.end_line.max(f.line);
    if end_line > f.line || f.end_column > f.column {
        region["endLine"] = json!(end_line);
        region["endColumn"] = json!(f.end_column.max(1));
    }
    let mut physical = json!({
        "artifactLocation": {"uri": artifact_uri(&f.file)},
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

fn suppression(s: &Suppression) -> Value {
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
    value
}

fn invocation(result: &ScanResult) -> Value {
    let notifications: Vec<Value> = result
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": e.message},
                "descriptor": {"id": "parse-error"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(&e.file)},
                    "region": {"startLine": e.line.max(1)},
                }}],
            })
        })
        .collect();
    let mut invocation = json!({
        "executionSuccessful": true,
        "toolExecutionNotifications": notifications,
    });
    if chrono::DateTime::parse_from_rfc3339(&result.scan.started_at).is_ok() {
        invocation["startTimeUtc"] = json!(result.scan.started_at);
    }
    invocation
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
    properties
}

/// A file path as a relative URI reference: `/` separators, `./` dropped, the rest percent-encoded.
///
/// Absolute paths become `file://` URIs.
pub fn artifact_uri(file: &str) -> String {
    let path = file.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut uri = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        uri.push_str("file://");
    }
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
    fn levels_and_scores_follow_severity() {
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(security_severity(Severity::Critical), "9.5");
        assert_eq!(security_severity(Severity::Low), "3.0");
    }
}
