//! `vouch init`: write a commented starter `.vouch.yaml`.

use crate::app::Outcome;
use crate::cli::InitArgs;
use crate::source::display_path;

/// The starter config, every key explained.
pub const STARTER: &str = include_str!("../../templates/vouch.yaml");

/// Writes the starter config; an existing file is replaced only with `--force`.
pub fn run(args: &InitArgs) -> miette::Result<Outcome> {
    let shown = display_path(&args.path);
    if args.path.exists() && !args.force {
        miette::bail!(
            help = "edit the file you have, or pass --force to replace it",
            "{shown} exists; not overwritten"
        );
    }
    std::fs::write(&args.path, STARTER)
        .map_err(|e| miette::miette!("cannot write {shown}: {e}"))?;
    eprintln!("wrote {shown}; `vouch validate {shown}` checks it after you edit it");
    Ok(Outcome::Clean)
}
