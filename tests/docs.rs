//! The generated documentation and the schema agree with the policy files.
//!
//! `docs/rules/<RULE-ID>.md` is what `vouch explain RULE-ID` prints, and
//! `docs/rules/README.md` lists every rule by area; both come from the rule
//! fields through `vouch::commands::explain::explain`. When a pack changes,
//! regenerate them with `UPDATE_DOCS=1 cargo test --test docs`, which
//! rewrites the pages and removes those of rules that are gone.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use vouch::commands::explain::explain;
use vouch::policy::PolicySet;
use vouch::policy::load::{self, PackSource};

fn builtin() -> PolicySet {
    load::load(&PackSource::builtin(), &Default::default()).expect("the built-in pack loads")
}

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1")
}

const AREAS: [&str; 6] = [
    "key-isolation",
    "least-privilege",
    "rotation",
    "encryption",
    "retention",
    "monitoring",
];

/// The index page: every rule, by area, in id order.
fn index(set: &PolicySet) -> String {
    let mut out = String::from(
        "# Built-in rules\n\nGenerated from `policies/*.yaml` by `UPDATE_DOCS=1 cargo test --test docs`; \
         each page is what `vouch explain RULE-ID` prints. Do not edit by hand.\n",
    );
    for area in AREAS {
        let mut rules: Vec<_> = set.rules.iter().filter(|r| r.def.area == area).collect();
        rules.sort_by(|a, b| a.def.id.cmp(&b.def.id));
        out += &format!("\n## {area} ({} rules)\n\n", rules.len());
        out += "| id | name | severity | title |\n| --- | --- | --- | --- |\n";
        for r in rules {
            out += &format!(
                "| [{id}]({id}.md) | `{}` | {} | {} |\n",
                r.def.name,
                r.severity,
                r.def.title,
                id = r.def.id
            );
        }
    }
    out
}

/// Every page that should exist, by file name.
fn pages(set: &PolicySet) -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = set
        .rules
        .iter()
        .map(|r| (format!("{}.md", r.def.id), explain(r)))
        .collect();
    pages.push(("README.md".into(), index(set)));
    pages
}

#[test]
fn rule_pages_match_the_policy_files() {
    let set = builtin();
    let dir = rules_dir();
    let wanted = pages(&set);
    let names: BTreeSet<&str> = wanted.iter().map(|(n, _)| n.as_str()).collect();
    if updating() {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !names.contains(name.as_str()) {
                std::fs::remove_file(path).unwrap();
            }
        }
        for (name, text) in &wanted {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut problems = Vec::new();
    for (name, text) in &wanted {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(on_disk) if &on_disk == text => {}
            Ok(_) => problems.push(format!("docs/rules/{name} is out of date")),
            Err(_) => problems.push(format!("docs/rules/{name} is missing")),
        }
    }
    for entry in std::fs::read_dir(&dir).into_iter().flatten() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !names.contains(name.as_str()) {
            problems.push(format!("docs/rules/{name} belongs to no rule"));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\nrun `UPDATE_DOCS=1 cargo test --test docs` to regenerate",
        problems.join("\n")
    );
}

#[test]
fn vouch_explain_prints_the_rule_page() {
    let set = builtin();
    for rule in &set.rules {
        let out = assert_cmd::Command::cargo_bin("vouch")
            .unwrap()
            .env("NO_COLOR", "1")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["explain", &rule.def.id, "--no-config"])
            .output()
            .unwrap();
        assert!(out.status.success(), "vouch explain {}", rule.def.id);
        let page = std::fs::read_to_string(rules_dir().join(format!("{}.md", rule.def.id)))
            .unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            page,
            "vouch explain {} differs from its page",
            rule.def.id
        );
    }
}

#[test]
fn explain_renders_params_and_shows_what_a_rule_holds() {
    let set = builtin();
    for rule in &set.rules {
        let page = explain(rule);
        assert!(
            !page.contains("{{params."),
            "{}: a param is not rendered",
            rule.def.id
        );
        assert!(page.contains("## Message"), "{}", rule.def.id);
        assert!(page.contains("```yaml\n"), "{}", rule.def.id);
        assert!(page.contains("\nassert:\n"), "{}", rule.def.id);
        if rule.def.target.filter.is_some() {
            assert!(page.contains("\nwhere:\n"), "{}", rule.def.id);
        }
    }
    let rot = set.rule("VCH-ROT-004").unwrap();
    assert!(explain(rot).contains("at least every 90 days"));
    assert!(explain(rot).contains("- `nist-800-53:IA-5`: Authenticator Management"));
}

/// The values of `/…/enum` at `pointer` in the policy schema.
fn schema_enum(pointer: &str) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(load::SCHEMA).unwrap();
    schema
        .pointer(pointer)
        .and_then(|v| v.as_array())
        .unwrap_or_else(|| panic!("no enum at {pointer}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_schema_names_exactly_the_operators_and_detectors_the_engine_has() {
    use vouch::policy::cond::{DETECTORS, OPS};
    assert_eq!(
        schema_enum("/$defs/condition/properties/op/enum"),
        OPS.to_vec()
    );
    assert_eq!(
        schema_enum("/$defs/condition/properties/detector/enum"),
        DETECTORS.to_vec()
    );
    let keys = schema_enum("/$defs/condition/propertyNames/enum");
    let schema: serde_json::Value = serde_json::from_str(load::SCHEMA).unwrap();
    let described: BTreeSet<String> = schema["$defs"]["condition"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys.into_iter().collect::<BTreeSet<_>>(), described);
    let fields = schema_enum("/$defs/key_pattern/properties/set/enum");
    assert_eq!(fields, ["ai", "cloud"]);
}

#[test]
fn the_built_in_packs_and_the_secret_catalogue_validate() {
    let mut sources = PackSource::builtin();
    sources.push(PackSource {
        name: "policies/secrets.yaml".into(),
        text: vouch::engine::secrets::BUILTIN_CATALOGUE.into(),
    });
    let set = load::load(&sources, &Default::default()).expect("every built-in file validates");
    assert_eq!(set.packs.len(), 7);
}

/// The fenced blocks of `lang` in the tutorial of docs/policy-language.md, in order.
fn tutorial_blocks(lang: &str) -> Vec<String> {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/policy-language.md"),
    )
    .unwrap();
    let tutorial = &doc[doc.find("## Tutorial").expect("the tutorial")..];
    let fence = format!("```{lang}\n");
    tutorial
        .split(&fence)
        .skip(1)
        .map(|b| b.split("```").next().unwrap().to_string())
        .collect()
}

// See: /tmp/audit/issue3.md D6: the tutorial, step by step, as written.
#[test]
fn the_tutorial_works_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let yaml = tutorial_blocks("yaml");
    let (pack, config, tuned) = (&yaml[0], &yaml[1], &yaml[2]);
    std::fs::create_dir_all(root.join("compliance")).unwrap();
    std::fs::write(root.join("compliance/acme.yaml"), pack).unwrap();
    let run = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("vouch")
            .unwrap()
            .env("NO_COLOR", "1")
            .current_dir(root)
            .args(args)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code().unwrap_or(-1), text)
    };

    // 2. Check it; a typo is reported at its line.
    assert_eq!(run(&["validate", "compliance/acme.yaml"]).0, 0);
    std::fs::write(
        root.join("typo.yaml"),
        pack.replace("op: matches", "op: matchs"),
    )
    .unwrap();
    let (code, text) = run(&["validate", "typo.yaml"]);
    assert_eq!(code, 2);
    assert!(text.contains("unknown operator `matchs`"), "{text}");
    assert!(text.contains("did you mean `matches`?"), "{text}");

    // 3. Test it: the shell block's commands, with their stated exit codes.
    let sh = &tutorial_blocks("sh")[0];
    for line in sh.lines() {
        let (command, comment) = line.split_once('#').unwrap_or((line, ""));
        let words: Vec<&str> = command.split_whitespace().collect();
        match words.as_slice() {
            ["mkdir", "-p", dirs @ ..] => {
                for d in dirs {
                    std::fs::create_dir_all(root.join(d)).unwrap();
                }
            }
            ["echo", ..] => {
                let (content, file) = command.split_once(" > ").unwrap();
                let content = content
                    .trim_start_matches("echo ")
                    .trim()
                    .trim_matches('\'');
                std::fs::write(root.join(file.trim()), format!("{content}\n")).unwrap();
            }
            ["vouch", args @ ..] => {
                let (code, text) = run(args);
                let expected: i32 = comment.trim().trim_start_matches("exit ")[..1]
                    .parse()
                    .unwrap();
                assert_eq!(code, expected, "{line}\n{text}");
                if comment.contains("one finding at .env:1") {
                    assert!(text.contains("1 finding(s)"), "{text}");
                    assert!(text.contains("t/fail/.env:1:"), "{text}");
                }
            }
            [] => {}
            other => panic!("the tutorial runs a command this test does not know: {other:?}"),
        }
    }

    // 4. Run it from .vouch.yaml: check, policies and explain pick it up.
    std::fs::write(root.join(".vouch.yaml"), config).unwrap();
    let (code, text) = run(&["explain", "ACME-ISO-001"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.starts_with("# ACME-ISO-001 model-url-bypasses-gateway"),
        "{text}"
    );
    assert!(run(&["policies"]).1.contains("ACME-ISO-001"));
    let (code, text) = run(&["check", ".", "--format", "json"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("\"rule\": \"ACME-ISO-001\""), "{text}");

    // 5. Tune it: the override is in force, and a misspelt param is an error.
    std::fs::write(root.join(".vouch.yaml"), tuned).unwrap();
    let (code, text) = run(&["explain", "ACME-ISO-001"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("(internal|example)"), "{text}");
    assert_eq!(run(&["validate", ".vouch.yaml"]).0, 0);
    std::fs::write(
        root.join(".vouch.yaml"),
        tuned.replace(".gateway:", ".gatway:"),
    )
    .unwrap();
    let (code, text) = run(&["validate", ".vouch.yaml"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("has no param `gatway`"), "{text}");
}
