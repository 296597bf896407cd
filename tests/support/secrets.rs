// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

//! Test support: the built-in secret catalogue, read the way the engine reads
//! it. Other secret tests include this file with `#[path]`.

use std::path::PathBuf;

use vouch::secrets::{SecretCatalog, Secrets};

/// The crate root, where `policies/` and `tests/fixtures/` live.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built-in catalogue, compiled.
pub fn secrets() -> Secrets {
    let catalog = catalog();
    match Secrets::compile(&catalog) {
        Ok(s) => s,
        Err(e) => panic!("policies/secrets.yaml does not compile: {e}"),
    }
}

/// The built-in catalogue, deserialized from `policies/secrets.yaml` as the engine reads it.
pub fn catalog() -> SecretCatalog {
    match serde_json::from_value(vouch::engine::secrets::builtin_json()) {
        Ok(c) => c,
        Err(e) => panic!("policies/secrets.yaml does not deserialize: {e}"),
    }
}
