//! `vouch validate FILE…`: check policy files on their own, every problem at once.

use crate::app::Outcome;
use crate::cli::ValidateArgs;
use crate::policy::load::{self, PackSource};

/// Validates the files; exit code 2 when any has problems.
pub fn run(args: &ValidateArgs) -> miette::Result<Outcome> {
    let mut sources = Vec::new();
    for path in &args.files {
        let found =
            PackSource::from_path(path).map_err(|e| miette::miette!("{}: {e}", path.display()))?;
        sources.extend(found);
    }
    let set = load::load(&sources, &Default::default())?;
    eprintln!(
        "ok: {} rule(s) in {} file(s)",
        set.rules.len(),
        sources.len()
    );
    Ok(Outcome::Clean)
}
