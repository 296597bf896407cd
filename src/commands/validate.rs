//! `vouch validate FILE…`: check policy and config files on their own, every problem at once.
//!
//! A file named `.vouch.yaml` or `.vouch.yml`, or holding only config keys, is a config, checked against the
//! config schema and then against the rules it would run with (the built-in
//! pack, the packs it names and the policy files given alongside); anything
//! else is a policy pack.

use std::path::{Path, PathBuf};

use crate::app::Outcome;
use crate::cli::{PolicyArgs, ValidateArgs};
use crate::config::{Config, FILE_NAMES};
use crate::policy::load::{self, PackSource};

/// A config by its name, or, under another name (`--config ci/vouch.yaml`),
/// by its content: a mapping with no `apiVersion`, `kind` or `rules` (what a
/// policy pack has) whose keys are config keys.
fn is_config(path: &Path) -> bool {
    if path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| FILE_NAMES.contains(&n))
    {
        return true;
    }
    if path.is_dir() {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let (docs, _) = crate::inputs::yaml::parse_lenient(&text);
    let Some(root) = docs.first().map(|d| &d.root) else {
        return false;
    };
    let keys: Vec<&str> = root.entries().iter().map(|e| e.key.as_str()).collect();
    // A misspelt key (`exlcude`, `failon`) still makes a config, to be told
    // about at its line: it is near a config key, and no pack key is there.
    let near_config_key = |k: &str| {
        CONFIG_KEYS
            .iter()
            .any(|c| strsim::damerau_levenshtein(c, k) <= 2)
    };
    !keys.is_empty()
        && !keys
            .iter()
            .any(|k| matches!(*k, "apiVersion" | "kind" | "rules" | "metadata"))
        && keys.iter().any(|k| near_config_key(k))
}

/// The top-level keys of `.vouch.yaml` (DESIGN.md "Config").
const CONFIG_KEYS: [&str; 9] = [
    "policies",
    "params",
    "severity",
    "disable",
    "exclude",
    "environments",
    "fail_on",
    "inline_suppressions",
    "waivers",
];

/// Validates the files; exit code 2 when any has problems.
pub fn run(args: &ValidateArgs) -> miette::Result<Outcome> {
    let (configs, packs): (Vec<&PathBuf>, Vec<&PathBuf>) =
        args.files.iter().partition(|p| is_config(p));
    let mut sources = Vec::new();
    for path in &packs {
        let found =
            PackSource::from_path(path).map_err(|e| miette::miette!("{}: {e}", path.display()))?;
        sources.extend(found);
    }
    if !sources.is_empty() {
        // With the built-in pack, as `check` loads them: an id that clashes with a built-in one is found.
        let files = sources.len();
        let mut all = PackSource::builtin();
        let builtin = all.len();
        all.extend(sources);
        let set = load::load(&all, &Default::default())?;
        let rules: usize = set.packs[builtin..].iter().map(|p| p.rules).sum();
        eprintln!("ok: {rules} rule(s) in {files} policy file(s)");
    }
    for path in configs {
        let config = Config::load(path)?;
        let policy_args = PolicyArgs {
            policies: packs.iter().map(|p| (*p).clone()).collect(),
            ..PolicyArgs::default()
        };
        let set = super::load_policies(&policy_args, Some(&config))?;
        eprintln!(
            "ok: {} ({} rule(s) in force, {} waiver(s))",
            config.path,
            set.rules.len(),
            config.waivers.len()
        );
    }
    Ok(Outcome::Clean)
}
