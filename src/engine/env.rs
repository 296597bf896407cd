//! Guessing the environment a resource belongs to.
//!
//! Config mappings win (`environments:` globs and `namespace:NAME` entries);
//! otherwise the words of the file's path below its scan root
//! (`.env.production`, `values-prod.yaml`, `envs/dev/`) and the Kubernetes
//! namespace decide. The folders above the root are left out: a CI checkout
//! under `/builds/dev-team/` or `/srv/prod-mirror/` says nothing about the
//! files, and the answer must not change with how the root was typed.
//! A resource that nothing names stays `unknown`, and rules comparing
//! environments leave it out rather than guess.

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::resource::Environment;

/// How paths and namespaces map to environments, from config.
#[derive(Debug, Default)]
pub struct EnvMap {
    entries: Vec<(Environment, GlobSet, Vec<String>)>,
}

impl EnvMap {
    /// Builds the map from `environment → [glob | namespace:NAME]` lists.
    pub fn new(config: &[(Environment, Vec<String>)]) -> Result<Self, String> {
        let mut entries = Vec::new();
        for (env, patterns) in config {
            let mut globs = GlobSetBuilder::new();
            let mut namespaces = Vec::new();
            for p in patterns {
                if let Some(ns) = p.strip_prefix("namespace:") {
                    namespaces.push(ns.to_string());
                } else {
                    globs.add(Glob::new(p).map_err(|e| format!("bad glob `{p}`: {e}"))?);
                }
            }
            entries.push((*env, globs.build().map_err(|e| e.to_string())?, namespaces));
        }
        Ok(EnvMap { entries })
    }

    /// The environment of a resource in the file at `relative` (its path
    /// below the scan root, which config globs are matched against too) and
    /// `namespace`.
    pub fn resolve(&self, relative: &str, namespace: Option<&str>) -> Environment {
        for (env, globs, namespaces) in &self.entries {
            if globs.is_match(relative)
                || namespace.is_some_and(|ns| namespaces.iter().any(|n| n == ns))
            {
                return *env;
            }
        }
        if let Some(env) = namespace.and_then(from_words) {
            return env;
        }
        from_words(relative).unwrap_or(Environment::Unknown)
    }
}

/// The environment named by a word of `text`, split at `/ . _ -`.
///
/// Later words are more specific (`prod/app/.env.development` is
/// development), except `local`: `.env.production.local` is a developer's
/// override of production values, so `local` counts only when no other word
/// names an environment (`.env.local`).
pub fn from_words(text: &str) -> Option<Environment> {
    let mut local = false;
    let named = text.rsplit(['/', '\\', '.', '_', '-']).find_map(|word| {
        match word.to_ascii_lowercase().as_str() {
            "prod" | "production" | "prd" => Some(Environment::Production),
            "staging" | "stage" | "stg" | "preprod" | "uat" => Some(Environment::Staging),
            "dev" | "development" | "develop" => Some(Environment::Development),
            "test" | "testing" | "qa" => Some(Environment::Test),
            "local" => {
                local = true;
                None
            }
            _ => None,
        }
    });
    named.or(local.then_some(Environment::Development))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_paths_and_namespaces() {
        let map = EnvMap::default();
        assert_eq!(
            map.resolve(".env.production", None),
            Environment::Production
        );
        assert_eq!(
            map.resolve("deploy/values-prod.yaml", None),
            Environment::Production
        );
        assert_eq!(
            map.resolve("envs/dev/main.tf", None),
            Environment::Development
        );
        assert_eq!(
            map.resolve("k8s/api.yaml", Some("staging")),
            Environment::Staging
        );
        assert_eq!(map.resolve("k8s/api.yaml", None), Environment::Unknown);
        assert_eq!(map.resolve("products/api.yaml", None), Environment::Unknown);
        assert_eq!(
            map.resolve(".env.production.local", None),
            Environment::Production
        );
        assert_eq!(map.resolve(".env.local", None), Environment::Development);
    }

    #[test]
    fn local_is_the_weakest_word() {
        assert_eq!(
            from_words(".env.production.local"),
            Some(Environment::Production)
        );
        assert_eq!(from_words("prod/.env.local"), Some(Environment::Production));
        assert_eq!(from_words(".env.local"), Some(Environment::Development));
        assert_eq!(
            from_words("app/.env.development.local"),
            Some(Environment::Development)
        );
        assert_eq!(from_words("locale/en.yaml"), None);
    }

    #[test]
    fn config_globs_match_the_path_below_the_root() {
        let map = EnvMap::new(&[(Environment::Staging, vec!["**/stage/**".into()])]).unwrap();
        assert_eq!(
            map.resolve("deploy/stage/pod.yaml", None),
            Environment::Staging
        );
        assert_eq!(map.resolve("stage/pod.yaml", None), Environment::Staging);
    }

    #[test]
    fn config_wins() {
        let map = EnvMap::new(&[(
            Environment::Production,
            vec!["live/**".into(), "namespace:payments".into()],
        )])
        .unwrap();
        assert_eq!(map.resolve("live/app.yaml", None), Environment::Production);
        assert_eq!(
            map.resolve("x.yaml", Some("payments")),
            Environment::Production
        );
    }
}
