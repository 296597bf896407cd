//! Detector data (`detectors.secrets`): the built-in catalogue, extended by packs.
//!
//! The built-in catalogue (`policies/secrets.yaml`) is always the base; a
//! pack's `detectors.secrets` adds to it: lists are appended (patterns,
//! names, placeholders), settings replaced (thresholds). Each pack's addition
//! is compiled on top of what came before, so a bad regex or a pattern id
//! that clashes with a built-in one is an error at that pack's line, found
//! while loading rather than when the first file is scanned.

use std::collections::BTreeMap;

use serde_json::Value as J;

use crate::engine::secrets::builtin_json;
use crate::secrets::{SecretCatalog, Secrets};

/// A problem in one pack's detector data: the JSON pointer, message and hint.
pub struct DetectorProblem {
    /// Where in the pack.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
}

/// The built-in detector data, with nothing added.
pub fn builtin() -> BTreeMap<String, J> {
    BTreeMap::from([("secrets".to_string(), builtin_json())])
}

/// Adds one pack's `detectors` to `merged`; on problems, `merged` is left as it was.
pub fn add(merged: &mut BTreeMap<String, J>, pack: &BTreeMap<String, J>) -> Vec<DetectorProblem> {
    let mut problems = Vec::new();
    for (family, data) in pack {
        // The schema admits only the families the engine has.
        let Some(base) = merged.get(family) else {
            continue;
        };
        let at = format!("/detectors/{family}");
        let found = check(base, data, &at);
        if found.is_empty() {
            let mut trial = base.clone();
            merge_json(&mut trial, data.clone());
            merged.insert(family.clone(), trial);
        }
        problems.extend(found);
    }
    problems
}

/// Every problem of one pack's data on top of `base`: each regex of the lists
/// alone, each key pattern alone (a catalogue compiles to its first error),
/// then the rest together.
fn check(base: &J, data: &J, at: &str) -> Vec<DetectorProblem> {
    let mut found = list_regexes(data, at);
    let patterns = data.get("patterns").and_then(J::as_array);
    let mut ids: Vec<&str> = Vec::new();
    for (i, pattern) in patterns.into_iter().flatten().enumerate() {
        let id = pattern.get("id").and_then(J::as_str).unwrap_or_default();
        if ids.contains(&id) {
            found.push(DetectorProblem {
                pointer: format!("{at}/patterns/{i}/id"),
                message: format!("secret detector data: pattern {id}: id used twice in this pack"),
                help: Some(ID_HELP.into()),
            });
            continue;
        }
        ids.push(id);
        let mut trial = base.clone();
        merge_json(&mut trial, serde_json::json!({"patterns": [pattern]}));
        if let Err(e) = compile(&trial) {
            let mut p = locate(&e, &serde_json::json!({"patterns": [pattern]}), base, at);
            p.pointer = p.pointer.replacen(
                &format!("{at}/patterns/0"),
                &format!("{at}/patterns/{i}"),
                1,
            );
            found.push(p);
        }
    }
    let mut rest = data.clone();
    if let Some(map) = rest.as_object_mut() {
        map.remove("patterns");
    }
    for p in &found {
        if let Some(item) = p.pointer.strip_prefix(at) {
            if let Some(slot) = rest.pointer_mut(item) {
                *slot = J::String(String::new());
            }
        }
    }
    let mut trial = base.clone();
    merge_json(&mut trial, rest.clone());
    if let Err(e) = compile(&trial) {
        found.push(locate(&e, &rest, base, at));
    }
    found
}

const ID_HELP: &str =
    "pattern ids are unique across the built-in catalogue (policies/secrets.yaml) and every pack";

fn compile(catalogue: &J) -> Result<(), String> {
    let catalogue: SecretCatalog =
        serde_json::from_value(catalogue.clone()).map_err(|e| e.to_string())?;
    Secrets::compile(&catalogue).map(|_| ())
}

/// Each regex of the lists in a pack's data, compiled alone, so that a bad one
/// is reported at its own item (compiled together, a set cannot say which).
fn list_regexes(data: &J, at: &str) -> Vec<DetectorProblem> {
    let lists = [
        "/secret_names/include",
        "/secret_names/exclude",
        "/values/not_secret",
        "/placeholders/references",
        "/assignments",
    ];
    let mut out = Vec::new();
    for list in lists {
        let Some(items) = data.pointer(list).and_then(J::as_array) else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            if let Some(Err(e)) = item.as_str().map(regex::Regex::new) {
                out.push(DetectorProblem {
                    pointer: format!("{at}{list}/{i}"),
                    message: format!("bad regex: {e}"),
                    help: Some("the syntax is Rust's `regex` crate (no look-around)".into()),
                });
            }
        }
    }
    out
}

/// Turns a catalogue compile error (`pattern ID: what: …`, `values.not_secret: …`,
/// `assignments[3]: …`) into the pointer of the pack's item at fault.
fn locate(error: &str, data: &J, base: &J, at: &str) -> DetectorProblem {
    let mut pointer = at.to_string();
    let mut help = None;
    if let Some(rest) = error.strip_prefix("pattern ") {
        let (id, what) = rest.split_once(':').unwrap_or((rest, ""));
        let id = id.trim().trim_matches('"');
        let patterns = data.get("patterns").and_then(J::as_array);
        if let Some(i) = patterns.and_then(|p| p.iter().position(|x| x["id"] == id)) {
            pointer = format!("{at}/patterns/{i}");
            let field = what.trim().split([':', ' ']).next().unwrap_or_default();
            if patterns.is_some_and(|p| p[i].get(field).is_some()) {
                pointer = format!("{pointer}/{field}");
            }
        }
        if error.contains("used twice") {
            help = Some(ID_HELP.into());
        }
    } else if let Some(rest) = error.strip_prefix("assignments[") {
        let index: usize = rest
            .split(']')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let before = base["assignments"].as_array().map_or(0, Vec::len);
        pointer = format!("{at}/assignments/{}", index.saturating_sub(before));
    } else if let Some((section, _)) = error.split_once(':') {
        let path: String = section.split('.').map(|p| format!("/{p}")).collect();
        if data.pointer(&path).is_some() {
            pointer = format!("{at}{path}");
        }
    }
    DetectorProblem {
        pointer,
        message: format!("secret detector data: {error}"),
        help: help.or_else(|| {
            Some(if error.contains("regex parse error") {
                "the syntax is Rust's `regex` crate (no look-around)".into()
            } else {
                "docs/secrets.md describes the catalogue's fields".into()
            })
        }),
    }
}

/// Deep merge: mappings merge, lists concatenate, anything else is replaced.
fn merge_json(into: &mut J, from: J) {
    match (into, from) {
        (J::Object(a), J::Object(b)) => {
            for (k, v) in b {
                merge_json(a.entry(k).or_insert(J::Null), v);
            }
        }
        (J::Array(a), J::Array(b)) => a.extend(b),
        (slot, v) => *slot = v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pack(data: J) -> BTreeMap<String, J> {
        BTreeMap::from([("secrets".to_string(), data)])
    }

    #[test]
    fn a_pack_adds_patterns_to_the_built_in_ones() {
        let mut merged = builtin();
        let before = merged["secrets"]["patterns"].as_array().unwrap().len();
        let problems = add(
            &mut merged,
            &pack(
                json!({"patterns": [{"id": "acme-gateway-key", "provider": "acme",
                "class": "gateway", "set": "ai", "regex": "acme_gw_[A-Za-z0-9]{40}"}]}),
            ),
        );
        assert!(problems.is_empty());
        assert_eq!(
            merged["secrets"]["patterns"].as_array().unwrap().len(),
            before + 1
        );
        assert!(merged["secrets"]["secret_names"].is_object());
    }

    #[test]
    fn problems_point_at_the_pack_item() {
        let mut merged = builtin();
        let clash = pack(json!({"patterns": [
            {"id": "x-ok", "provider": "x", "class": "k", "set": "ai", "regex": "x_[a-z]{30}"},
            {"id": "openai-project-key", "provider": "x", "class": "k", "set": "ai", "regex": "y"}]}));
        let p = add(&mut merged, &clash);
        assert_eq!(p[0].pointer, "/detectors/secrets/patterns/1/id");
        let bad = pack(json!({"patterns": [
            {"id": "x-bad", "provider": "x", "class": "k", "set": "ai", "regex": "(open"}]}));
        assert_eq!(
            add(&mut merged, &bad)[0].pointer,
            "/detectors/secrets/patterns/0/regex"
        );
        let names = pack(json!({"secret_names": {"include": ["ok", "(bad"]}}));
        assert_eq!(
            add(&mut merged, &names)[0].pointer,
            "/detectors/secrets/secret_names/include/1"
        );
        let all = pack(json!({
            "patterns": [
                {"id": "a-1", "provider": "x", "class": "k", "set": "ai", "regex": "(a"},
                {"id": "openai-project-key", "provider": "x", "class": "k", "set": "ai", "regex": "y"}],
            "values": {"not_secret": ["(c"]}}));
        let pointers: Vec<String> = add(&mut merged, &all)
            .into_iter()
            .map(|p| p.pointer)
            .collect();
        assert_eq!(
            pointers,
            [
                "/detectors/secrets/values/not_secret/0",
                "/detectors/secrets/patterns/0/regex",
                "/detectors/secrets/patterns/1/id"
            ]
        );
    }
}
