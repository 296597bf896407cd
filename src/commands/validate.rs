//! `vouch validate FILE…`: check policy and config files on their own, every problem at once.
//!
//! A file named `.vouch.yaml` or `.vouch.yml` is a config, checked against the
//! config schema and then against the rules it would run with (the built-in
//! pack, the packs it names and the policy files given alongside); anything
//! else is a policy pack.

use std::path::{Path, PathBuf};

use crate::app::Outcome;
use crate::cli::{PolicyArgs, ValidateArgs};
use crate::config::{Config, FILE_NAMES};
use crate::policy::load::{self, PackSource};

fn is_config(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| FILE_NAMES.contains(&n))
}

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
