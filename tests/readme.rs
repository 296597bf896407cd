//! The README's snippets stay true: every YAML block parses, and every
//! `vouch …` command in the README's YAML (CI jobs, pre-commit) and in
//! `.pre-commit-hooks.yaml` is accepted by vouch's own command line parser.
//! A renamed flag or a broken CI example fails here, not in a user's pipeline.

use std::path::Path;

use clap::Parser;
use vouch::cli::Cli;
use vouch::inputs::yaml;
use vouch::tree::{Node, Value};

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

/// The fenced ```yaml blocks of a Markdown text.
fn yaml_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```yaml") => current = Some(String::new()),
            (Some(_), l) if l.starts_with("```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// Every string value in a tree.
fn strings<'a>(node: &'a Node, out: &mut Vec<&'a str>) {
    match &node.value {
        Value::Str(s) => out.push(s),
        Value::Seq(items) => items.iter().for_each(|n| strings(n, out)),
        Value::Map(entries) => entries.iter().for_each(|e| strings(&e.value, out)),
        _ => {}
    }
}

/// The `vouch` command lines in `text` (a YAML block), CI expressions removed.
fn vouch_commands(text: &str) -> Vec<Vec<String>> {
    let docs =
        yaml::parse(text).unwrap_or_else(|e| panic!("YAML block does not parse: {e:?}\n{text}"));
    let mut values = Vec::new();
    for doc in &docs {
        strings(&doc.root, &mut values);
    }
    let expression = regex::Regex::new(r"\$\{\{.*?\}\}|\$\{[^}]*\}").unwrap();
    values
        .iter()
        .flat_map(|v| v.lines())
        .map(|line| expression.replace_all(line.trim(), "").to_string())
        .filter(|line| line.starts_with("vouch "))
        .map(|line| line.split_whitespace().map(str::to_string).collect())
        .collect()
}

fn assert_parses(args: &[String]) {
    if let Err(e) = Cli::try_parse_from(args) {
        panic!(
            "`{}` is not a valid vouch command line:\n{e}",
            args.join(" ")
        );
    }
}

#[test]
fn readme_yaml_blocks_parse_and_their_vouch_commands_are_valid() {
    let blocks = yaml_blocks(&read("README.md"));
    assert!(blocks.len() >= 4, "the README's CI and pre-commit examples");
    let commands: Vec<Vec<String>> = blocks.iter().flat_map(|b| vouch_commands(b)).collect();
    assert!(
        commands.iter().filter(|c| c[1] == "check").count() >= 2,
        "the GitHub and GitLab jobs run vouch check: {commands:?}"
    );
    for command in &commands {
        assert_parses(command);
    }
}

#[test]
fn pre_commit_hooks_run_valid_commands() {
    let docs = yaml::parse(&read(".pre-commit-hooks.yaml")).expect("parses");
    let entries: Vec<&str> = docs[0]
        .root
        .items()
        .iter()
        .map(|hook| {
            hook.get("entry")
                .and_then(Node::as_str)
                .expect("each hook has an entry")
        })
        .collect();
    assert_eq!(
        entries,
        ["vouch check", "vouch check --changed-since origin/HEAD"]
    );
    for entry in entries {
        assert_parses(
            &entry
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>(),
        );
    }
}

#[test]
fn readme_set_up_command_is_the_ci_test_command() {
    let readme = read("README.md");
    let ci = read(".ci/run");
    let test_line = readme
        .lines()
        .find(|l| l.starts_with("cargo test"))
        .expect("the README names its test command");
    let command = test_line.split('#').next().unwrap().trim();
    assert!(
        ci.lines().any(|l| l.trim() == command),
        ".ci/run runs `{command}` as the README says"
    );
}
