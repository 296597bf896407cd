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
    log::info!("config: {}", crate::engine::secrets::redact(&config.path));
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
    for (i, path) in config_paths.iter().chain(&args.policies).enumerate() {
        let found = match PackSource::from_path(path) {
            Ok(found) => found,
            Err(e) => {
                if let Some(config) = config {
                    config.problems()?;
                }
                let from = match config {
                    Some(c) if i < config_paths.len() => {
                        format!(" (`policies` of {})", c.path)
                    }
                    _ => String::new(),
                };
                return Err(e).into_diagnostic().wrap_err(format!(
                    "cannot read policy {}{from}",
                    crate::engine::secrets::redact(&crate::source::display_path(path))
                ));
            }
        };
        sources.extend(found);
    }
    if sources.is_empty() {
        miette::bail!("no policies: --no-builtin was given without any --policy");
    }
    let overrides = config.map(Config::overrides).unwrap_or_default();
    let mut set = match load::load(&sources, &overrides) {
        Ok(set) => set,
        // The config's own problems come first: its `policies` may be what failed.
        Err(e) => {
            if let Some(config) = config {
                config.problems()?;
                blame_overrides(config, &sources, &overrides)?;
            }
            return Err(e.into());
        }
    };
    if let Some(config) = config {
        config.apply(&mut set)?;
    }
    Ok(set)
}

/// When the packs load without the config's param overrides but not with
/// them, the overrides are what is wrong (a bad regex in
/// `sensitive_bucket_pattern`): each one that breaks a rule is reported at its
/// line in the config, not in the pack that uses it.
fn blame_overrides(
    config: &Config,
    sources: &[PackSource],
    overrides: &load::Overrides,
) -> Result<(), crate::config::ConfigErrors> {
    if overrides.is_empty() || load::load(sources, &Default::default()).is_err() {
        return Ok(());
    }
    let bad: Vec<(String, String)> = overrides
        .iter()
        .filter_map(|(key, value)| {
            let one: load::Overrides = [(key.clone(), value.clone())].into_iter().collect();
            let errors = load::load(sources, &one).err()?;
            let first = errors.problems.first()?;
            Some((key.clone(), first.message.clone()))
        })
        .collect();
    config.param_problems(&bad)
}
