//! JUnit XML: every check as a test case, for the test views of CI systems.
//!
//! One `<testsuite>` per area and one `<testcase>` per rule × resource (and
//! origin, in a merged result): a passed check is a passing case, a finding
//! a `<failure>` carrying the message, the location and the remediation (all
//! the findings of the rule on the resource in one failure, so a case count
//! can be lower than the finding count), an unsettled check or a suppressed
//! finding a `<skipped>` case with the reason (and, for a waiver or comment, its owner, expiry and place). Files that could not
//! be parsed form a last suite of `<error>` cases, so a CI view shows them too.
//! The XML is written by hand: the structure is fixed and small, and every
//! text goes through [`escape::xml`], which also removes the control
//! characters XML 1.0 cannot carry.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::context::suppression_label;
use super::escape::{xml, xml_text};
use super::{ReportInput, limit};
use crate::result::{Finding, Suppression, Unknown};

/// What happened to one rule on one resource.
enum Outcome<'a> {
    Passed,
    Failed(Vec<&'a Finding>),
    /// Every finding of the case suppressed: a skipped case giving each one's reason.
    Suppressed(Vec<&'a Finding>),
    Skipped(String),
}

impl Outcome<'_> {
    fn is_skipped(&self) -> bool {
        matches!(self, Outcome::Skipped(_) | Outcome::Suppressed(_))
    }
}

/// A test case: rule × (origin, file, resource).
struct Case<'a> {
    rule: &'a str,
    file: &'a str,
    line: usize,
    resource: &'a str,
    origin: Option<&'a str>,
    outcome: Outcome<'a>,
}

/// What makes a case: area, rule, origin, file, resource.
type Key<'a> = (String, &'a str, Option<&'a str>, &'a str, &'a str);

/// Renders `input` as JUnit XML.
pub fn render(input: &ReportInput<'_>) -> String {
    let suites = suites(input);
    let result = input.result;
    let failures = suites
        .values()
        .flatten()
        .filter(|c| matches!(c.outcome, Outcome::Failed(_)));
    let skipped = suites.values().flatten().filter(|c| c.outcome.is_skipped());
    let tests: usize = suites.values().map(Vec::len).sum::<usize>() + result.errors.len();

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"vouch\" tests=\"{tests}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\">",
        failures.count(),
        result.errors.len(),
        skipped.count(),
    );
    for (area, cases) in &suites {
        write_suite(&mut out, area, cases, &result.scan.started_at);
    }
    if !result.errors.is_empty() {
        write_errors(&mut out, input);
    }
    out.push_str("</testsuites>\n");
    out
}

/// Groups every check into cases, by area and then by rule, file, resource.
fn suites<'a>(input: &ReportInput<'a>) -> BTreeMap<String, Vec<Case<'a>>> {
    let result = input.result;
    let area_of = |rule: &str| {
        let from_finding = result
            .findings
            .iter()
            .find(|f| f.rule == rule)
            .map(|f| f.area.clone());
        input
            .rule(rule)
            .map(|r| r.area.clone())
            .or(from_finding)
            .unwrap_or_default()
    };
    let mut cases: BTreeMap<Key<'a>, Case<'a>> = BTreeMap::new();

    for f in &result.findings {
        let origin = f.origin.as_deref();
        let key = (
            f.area.clone(),
            f.rule.as_str(),
            origin,
            f.file.as_str(),
            f.resource.as_str(),
        );
        let case = cases
            .entry(key)
            .or_insert_with(|| case(&f.rule, &f.file, f.line, &f.resource, origin));
        match (&mut case.outcome, &f.suppressed) {
            (Outcome::Failed(list), None) => list.push(f),
            (_, None) => case.outcome = Outcome::Failed(vec![f]),
            (Outcome::Failed(_), Some(_)) => {}
            (Outcome::Suppressed(list), Some(_)) => list.push(f),
            (_, Some(_)) => case.outcome = Outcome::Suppressed(vec![f]),
        }
    }
    for u in &result.unknown {
        let origin = u.origin.as_deref();
        let key = (
            area_of(&u.rule),
            u.rule.as_str(),
            origin,
            u.file.as_str(),
            u.resource.as_str(),
        );
        cases.entry(key).or_insert_with(|| unknown_case(u));
    }
    for c in &result.passed {
        let origin = c.origin.as_deref();
        let key = (
            area_of(&c.rule),
            c.rule.as_str(),
            origin,
            c.file.as_str(),
            c.resource.as_str(),
        );
        cases.entry(key).or_insert_with(|| Case {
            outcome: Outcome::Passed,
            ..case(&c.rule, &c.file, c.line, &c.resource, origin)
        });
    }

    let mut suites: BTreeMap<String, Vec<Case<'a>>> = BTreeMap::new();
    for ((area, ..), case) in cases {
        suites.entry(area).or_default().push(case);
    }
    suites
}

fn case<'a>(
    rule: &'a str,
    file: &'a str,
    line: usize,
    resource: &'a str,
    origin: Option<&'a str>,
) -> Case<'a> {
    Case {
        rule,
        file,
        line,
        resource,
        origin,
        outcome: Outcome::Skipped(String::new()),
    }
}

fn unknown_case(u: &Unknown) -> Case<'_> {
    Case {
        outcome: Outcome::Skipped(format!("Not settled: {}", u.reason)),
        ..case(&u.rule, &u.file, u.line, &u.resource, u.origin.as_deref())
    }
}

/// `Waiver: reason (owner x, until 2027-03-31, at .vouch.yaml:12)`.
fn skip_reason(s: &Suppression) -> String {
    let mut reason = format!(
        "{}: {}",
        suppression_label(&s.kind),
        s.reason.as_deref().unwrap_or("no reason given")
    );
    let mut facts = Vec::new();
    if let Some(owner) = &s.owner {
        facts.push(format!("owner {owner}"));
    }
    if let Some(expires) = &s.expires {
        facts.push(format!("until {expires}"));
    }
    if let Some(at) = &s.at {
        facts.push(format!("at {at}"));
    }
    if !facts.is_empty() {
        reason.push_str(&format!(" ({})", facts.join(", ")));
    }
    reason
}

fn write_suite(out: &mut String, area: &str, cases: &[Case<'_>], timestamp: &str) {
    let failures = cases
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Failed(_)))
        .count();
    let skipped = cases.iter().filter(|c| c.outcome.is_skipped()).count();
    let name = if area.is_empty() {
        "unclassified"
    } else {
        area
    };
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\" timestamp=\"{}\">",
        xml(name),
        cases.len(),
        xml(timestamp),
    );
    for case in cases {
        write_case(out, area, case);
    }
    out.push_str("  </testsuite>\n");
}

fn write_case(out: &mut String, area: &str, case: &Case<'_>) {
    let area = if area.is_empty() {
        "unclassified"
    } else {
        area
    };
    // In a merged result the origin names which repository or shard the case is from.
    let (from, origin) = match case.origin {
        Some(o) => (format!(" (from {o})"), format!("{o}.")),
        None => (String::new(), String::new()),
    };
    let _ = write!(
        out,
        "    <testcase name=\"{} in {}{}\" classname=\"vouch.{}{}.{}\" file=\"{}\" line=\"{}\" time=\"0\"",
        xml(case.resource),
        xml(case.file),
        xml(&from),
        xml(&origin),
        xml(area),
        xml(case.rule),
        xml(case.file),
        case.line,
    );
    match &case.outcome {
        Outcome::Passed => out.push_str("/>\n"),
        Outcome::Suppressed(findings) => {
            // Two findings of one rule on one resource may be suppressed by
            // two different exceptions: each says its own.
            let reason = match findings.as_slice() {
                [one] => one.suppressed.as_ref().map(skip_reason).unwrap_or_default(),
                many => many
                    .iter()
                    .filter_map(|f| {
                        f.suppressed
                            .as_ref()
                            .map(|s| format!("line {}: {}", f.line, skip_reason(s)))
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            };
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                xml(&reason)
            );
        }
        Outcome::Skipped(reason) => {
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                xml(reason)
            );
        }
        Outcome::Failed(findings) => {
            out.push_str(">\n");
            write_failure(out, findings);
            out.push_str("    </testcase>\n");
        }
    }
}

/// One `<failure>` for all findings of the case; JUnit allows one per case.
fn write_failure(out: &mut String, findings: &[&Finding]) {
    let Some(first) = findings.first() else {
        return;
    };
    let worst = findings
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(first.severity);
    let mut body = String::new();
    for f in findings {
        let _ = writeln!(
            body,
            "{}:{}:{}: [{}] {}",
            f.file,
            f.line,
            f.column,
            f.severity,
            limit::message(&f.message)
        );
        if let Some(template) = &f.template {
            let _ = writeln!(body, "Rendered from the Helm template {template}");
        }
        if !f.remediation.is_empty() {
            let _ = writeln!(body, "Remediation: {}", f.remediation);
        }
        if !f.controls.is_empty() {
            let _ = writeln!(body, "Controls: {}", f.controls.join(", "));
        }
    }
    let _ = writeln!(
        out,
        "      <failure message=\"{}\" type=\"{worst}\">{}</failure>",
        xml(&limit::message(&first.message)),
        xml_text(&body),
    );
}

fn write_errors(out: &mut String, input: &ReportInput<'_>) {
    let errors = &input.result.errors;
    let _ = writeln!(
        out,
        "  <testsuite name=\"parse-errors\" tests=\"{n}\" failures=\"0\" errors=\"{n}\" skipped=\"0\" time=\"0\" timestamp=\"{}\">",
        xml(&input.result.scan.started_at),
        n = errors.len(),
    );
    for e in errors {
        let _ = writeln!(
            out,
            "    <testcase name=\"parse {}\" classname=\"vouch.parse-errors\" file=\"{}\" line=\"{}\" time=\"0\">\n      <error message=\"{}\" type=\"parse-error\">{}:{}: {}</error>\n    </testcase>",
            xml(&e.file),
            xml(&e.file),
            e.line,
            xml(&e.message),
            xml(&e.file),
            e.line,
            xml(&e.message),
        );
    }
    out.push_str("  </testsuite>\n");
}
