//! One module per subcommand; each returns an [`crate::app::Outcome`] or a
//! miette report, and leaves exit codes to `app`.

pub mod baseline;
pub mod check;
pub mod explain;
pub mod init;
pub mod policies;
pub mod report;
pub mod validate;

use std::path::Path;

use miette::{IntoDiagnostic, WrapErr};

use crate::cli::PolicyArgs;
use crate::config::Config;
use crate::policy::PolicySet;
use crate::policy::load::{self, PackSource};

/// The config in force: `--config FILE`, else `.vouch.yaml` (or `.vouch.yml`) in
/// `root`; none with `--no-config`.
pub fn find_config(args: &PolicyArgs, root: &Path) -> miette::Result<Option<Config>> {
    if args.no_config {
        return Ok(None);
    }
    let Some(path) = args.config.clone().or_else(|| Config::find(root)) else {
        return Ok(None);
    };
    let config = Config::load(&path)?;
    log::info!("config: {}", config.path);
    Ok(Some(config))
}

/// Loads the built-in pack (unless `--no-builtin`), the config's packs and
/// every `--policy` path, then applies the config's params, severities and
/// disabled rules.
pub fn load_policies(args: &PolicyArgs, config: Option<&Config>) -> miette::Result<PolicySet> {
    let mut sources = if args.no_builtin {
        Vec::new()
    } else {
        PackSource::builtin()
    };
    let config_paths = config.map(Config::policy_paths).unwrap_or_default();
    for path in config_paths.iter().chain(&args.policies) {
        let found = PackSource::from_path(path)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot read policy {}", path.display()))?;
        sources.extend(found);
    }
    if sources.is_empty() {
        miette::bail!("no policies: --no-builtin was given without any --policy");
    }
    let overrides = config.map(Config::overrides).unwrap_or_default();
    let mut set = load::load(&sources, &overrides)?;
    if let Some(config) = config {
        config.apply(&mut set)?;
    }
    Ok(set)
}
