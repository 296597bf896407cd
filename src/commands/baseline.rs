//! `vouch baseline`: record today's findings, so that `check --baseline` fails only on new ones.

use crate::app::Outcome;
use crate::cli::BaselineArgs;
use crate::filter::baseline::Baseline;
use crate::source::display_path;

/// Scans as `check` does and writes the unsuppressed findings' fingerprints.
/// An existing file is replaced only with `--force`.
pub fn run(args: &BaselineArgs) -> miette::Result<Outcome> {
    // Shown as every path vouch prints: a key in it is redacted.
    let shown = crate::engine::secrets::redact(&display_path(&args.output));
    if args.output.exists() && !args.force {
        miette::bail!(
            help = "pass --force to replace it (it is yours: check it into git first if you want the old one back)",
            "{shown} exists; not overwritten"
        );
    }
    let checked = super::check::scan_and_filter(&args.scan, None, None)?;
    let baseline = Baseline::of(&checked.result.findings, &checked.relative);
    std::fs::write(&args.output, baseline.to_json())
        .map_err(|e| miette::miette!("cannot write {shown}: {e}"))?;
    eprintln!(
        "wrote {} finding(s) to {shown}; `vouch check --baseline {shown}` now fails only on new ones",
        baseline.findings.len()
    );
    Ok(Outcome::Clean)
}
