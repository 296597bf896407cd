//! One module per subcommand; each returns an [`crate::app::Outcome`] or a
//! miette report, and leaves exit codes to `app`.

pub mod check;
pub mod explain;
pub mod policies;
pub mod report;
pub mod validate;

use miette::{IntoDiagnostic, WrapErr};

use crate::cli::PolicyArgs;
use crate::policy::PolicySet;
use crate::policy::load::{self, Overrides, PackSource};

/// Loads the built-in pack (unless `--no-builtin`) and every `--policy` path.
pub fn load_policies(args: &PolicyArgs, overrides: &Overrides) -> miette::Result<PolicySet> {
    let mut sources = if args.no_builtin {
        Vec::new()
    } else {
        PackSource::builtin()
    };
    for path in &args.policies {
        let found = PackSource::from_path(path)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot read policy {}", path.display()))?;
        sources.extend(found);
    }
    if sources.is_empty() {
        miette::bail!("no policies: --no-builtin was given without any --policy");
    }
    Ok(load::load(&sources, overrides)?)
}
