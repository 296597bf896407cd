//! The JUnit XML parses back, and its suites and cases say what the scan found.

mod report_fixture;

use roxmltree::{Document, Node};
use vouch::report::{Format, RenderOptions, ReportInput, render};

fn junit() -> String {
    let result = report_fixture::result();
    let rules = report_fixture::rules();
    render(
        Format::Junit,
        &ReportInput::new(&result, &rules),
        &RenderOptions::default(),
    )
    .expect("renders")
}

fn attr<'a>(node: Node<'a, '_>, name: &str) -> &'a str {
    node.attribute(name)
        .unwrap_or_else(|| panic!("no {name} on {node:?}"))
}

#[test]
fn totals_count_every_case() {
    let xml = junit();
    let doc = Document::parse(&xml).expect("well-formed");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    // 8 findings (5 open, 3 suppressed and so skipped), 2 unknown (skipped), 7 passed,
    // each on its own rule × resource, plus 1 parse error.
    assert_eq!(attr(root, "tests"), "18");
    assert_eq!(attr(root, "failures"), "5");
    assert_eq!(attr(root, "errors"), "1");
    assert_eq!(attr(root, "skipped"), "5");
}

#[test]
fn one_suite_per_area_and_a_suite_for_parse_errors() {
    let xml = junit();
    let doc = Document::parse(&xml).expect("well-formed");
    let suites: Vec<(&str, &str, &str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .map(|s| {
            (
                attr(s, "name"),
                attr(s, "tests"),
                attr(s, "failures"),
                attr(s, "skipped"),
            )
        })
        .collect();
    assert_eq!(
        suites,
        [
            ("encryption", "5", "1", "2"),
            ("key-isolation", "3", "1", "0"),
            ("least-privilege", "3", "1", "1"),
            ("monitoring", "1", "1", "0"),
            ("retention", "2", "0", "1"),
            ("rotation", "3", "1", "1"),
            ("parse-errors", "1", "0", "0"),
        ]
    );
}

#[test]
fn a_failure_carries_message_location_and_remediation() {
    let xml = junit();
    let doc = Document::parse(&xml).expect("well-formed");
    let case = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("testcase")
                && n.attribute("classname") == Some("vouch.key-isolation.VCH-ISO-001")
                && n.children().any(|c| c.has_tag_name("failure"))
        })
        .expect("the failing VCH-ISO-001 case");
    assert_eq!(attr(case, "name"), "k8s/Deployment/api in deploy/api.yaml");
    assert_eq!(attr(case, "file"), "deploy/api.yaml");
    assert_eq!(attr(case, "line"), "31");
    let failure = case
        .children()
        .find(|c| c.has_tag_name("failure"))
        .expect("failure");
    assert_eq!(attr(failure, "type"), "critical");
    assert_eq!(
        attr(failure, "message"),
        "OPENAI_API_KEY holds a literal key (sk-proj-…, 164 chars, fp 3f9a2c) instead of a secretKeyRef."
    );
    assert_eq!(
        failure.text().expect("failure text"),
        "deploy/api.yaml:31:19: [critical] OPENAI_API_KEY holds a literal key (sk-proj-…, 164 chars, fp 3f9a2c) instead of a secretKeyRef.\n\
         Remediation: Move the key into a Secret and reference it with valueFrom.secretKeyRef.\n\
         Controls: nist-800-53:IA-5(7), soc2:CC6.1, owasp-llm:LLM02:2025\n"
    );
}

#[test]
fn passed_checks_pass_and_unknown_or_suppressed_ones_are_skipped() {
    let xml = junit();
    let doc = Document::parse(&xml).expect("well-formed");
    let case = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
            .unwrap_or_else(|| panic!("no case {name}"))
    };
    let passed = case("tf/resource/aws_s3_bucket/logs in infra/storage.tf");
    assert_eq!(
        passed.children().filter(Node::is_element).count(),
        0,
        "a passing case is empty"
    );

    let unknown = case("tf/resource/aws_sqs_queue/jobs in infra/queue.tf");
    let skipped = unknown
        .children()
        .find(|c| c.has_tag_name("skipped"))
        .expect("skipped");
    assert_eq!(
        attr(skipped, "message"),
        "Not settled: kms_master_key_id is a module output known only at apply time"
    );

    let waived = case("tf/resource/aws_s3_bucket/archive in infra/legacy/archive.tf");
    let skipped = waived
        .children()
        .find(|c| c.has_tag_name("skipped"))
        .expect("skipped");
    assert_eq!(
        attr(skipped, "message"),
        "Waiver: Legacy bucket; replaced when the data migration finishes. \
         (owner platform-team, until 2027-03-31, at .vouch.yaml:14)"
    );

    let inline = case("k8s/container/cni/agent in deploy/cni.yaml");
    let skipped = inline
        .children()
        .find(|c| c.has_tag_name("skipped"))
        .expect("skipped");
    assert_eq!(
        attr(skipped, "message"),
        "Inline suppression: needs host networking for the CNI (until 2027-03-31, at deploy/cni.yaml:39)"
    );
}

#[test]
fn merged_results_keep_each_origin_apart() {
    let a = report_fixture::result();
    let merged = vouch::report::merge(vec![("r1.json".into(), a.clone()), ("r2.json".into(), a)])
        .expect("merges");
    let rules = report_fixture::rules();
    let xml = render(
        Format::Junit,
        &ReportInput::new(&merged, &rules),
        &RenderOptions::default(),
    )
    .expect("renders");
    let doc = Document::parse(&xml).expect("well-formed");
    let root = doc.root_element();
    // Twice the cases of one result: the same path in two repositories is two cases.
    assert_eq!(attr(root, "tests"), "36");
    assert_eq!(attr(root, "failures"), "10");
    let names: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase") && n.attribute("file") == Some("deploy/api.yaml"))
        .filter(|n| n.children().any(|c| c.has_tag_name("failure")))
        .map(|n| attr(n, "classname"))
        .collect();
    assert_eq!(
        names,
        [
            "vouch.r1.json.key-isolation.VCH-ISO-001",
            "vouch.r2.json.key-isolation.VCH-ISO-001"
        ]
    );
}

#[test]
fn control_characters_and_markup_survive_as_text() {
    let mut result = report_fixture::result();
    result.findings[0].message = "bad \u{1b}[31m <tag> & \"quote\"\nnext\u{0}".into();
    result.findings[0].resource = "a\tb\"c".into();
    let xml = render(
        Format::Junit,
        &ReportInput::new(&result, &[]),
        &RenderOptions::default(),
    )
    .expect("renders");
    let doc = Document::parse(&xml).expect("well-formed despite control characters");
    let failure = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("failure")
                && n.parent().and_then(|p| p.attribute("file")) == Some("deploy/api.yaml")
        })
        .expect("the failure in deploy/api.yaml");
    assert_eq!(
        attr(failure, "message"),
        "bad ⟨U+001B⟩[31m <tag> & \"quote\"\nnext⟨U+0000⟩"
    );
    let case = failure.parent().expect("its case");
    assert_eq!(attr(case, "name"), "a\tb\"c in deploy/api.yaml");
}

#[test]
fn two_suppressed_findings_of_one_case_each_give_their_reason() {
    let mut result = report_fixture::result();
    let inline = result
        .findings
        .iter()
        .find(|f| f.resource == "k8s/container/cni/agent")
        .expect("the fixture's inline suppression")
        .clone();
    let mut baselined = inline.clone();
    baselined.line += 5;
    baselined.fingerprint.push('2');
    let suppression = baselined.suppressed.as_mut().unwrap();
    suppression.kind = "baseline".into();
    suppression.reason = Some("recorded in the baseline".into());
    suppression.expires = None;
    suppression.at = Some(".vouch-baseline.json".into());
    result.findings.push(baselined);
    result.recount();
    let rules = report_fixture::rules();
    let xml = render(
        Format::Junit,
        &ReportInput::new(&result, &rules),
        &RenderOptions::default(),
    )
    .expect("renders");
    let doc = Document::parse(&xml).expect("well-formed");
    let case = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("testcase")
                && n.attribute("name") == Some("k8s/container/cni/agent in deploy/cni.yaml")
        })
        .expect("the case");
    let skipped = case
        .children()
        .find(|c| c.has_tag_name("skipped"))
        .expect("skipped");
    assert_eq!(
        attr(skipped, "message"),
        format!(
            "line {}: Inline suppression: needs host networking for the CNI (until 2027-03-31, at deploy/cni.yaml:39); \
             line {}: Baseline: recorded in the baseline (at .vouch-baseline.json)",
            inline.line,
            inline.line + 5
        )
    );
}
