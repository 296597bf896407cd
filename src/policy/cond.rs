//! Conditions: the assertion language, compiled from the policy's JSON form.
//!
//! A condition is a mapping with one shape key: `path` (a test on the values
//! a path selects), `all` / `any` / `not`, `each` / `some` (over the elements
//! of a collection), `related` (another resource that refers to this one or
//! that this one refers to), `parent`, `project` (a resource anywhere in the
//! scan) or `detector` (a named engine function). Compiling checks every
//! operator, regex and path once, and reports each problem with the JSON
//! pointer of the sub-condition, which the loader turns into a file and line.

use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde_json::{Map, Value as J};

use crate::tree::{PathStep, parse_path};

/// A compiled condition.
#[derive(Debug, Clone)]
pub enum Cond {
    /// Every condition holds.
    All(Vec<Cond>),
    /// At least one holds.
    Any(Vec<Cond>),
    /// The condition does not hold.
    Not(Box<Cond>),
    /// A test on the values a path selects.
    Test(Test),
    /// Every element of a collection (that passes `filter`) satisfies `assert`.
    Each(Iter),
    /// At least one element satisfies `assert`.
    Some(Iter),
    /// A related resource exists (and satisfies `filter`).
    Related(Related),
    /// The condition holds on the enclosing resource.
    Parent(Box<Cond>),
    /// A resource of these kinds exists anywhere in the scan.
    Project {
        /// The kinds.
        kinds: KindSet,
        /// What it must satisfy.
        filter: Option<Box<Cond>>,
    },
    /// A condition whose failures carry a label (`{{label}}` in messages).
    Labelled(String, Box<Cond>),
    /// A named engine function with its params.
    Detector {
        /// Its name.
        name: String,
        /// Its params, params of the rule substituted.
        params: J,
    },
}

impl Cond {
    /// Whether the condition is about the project as a whole ("a trail exists
    /// somewhere") rather than about a place: then its one finding stands for
    /// the project, and the resource it is shown on is only an anchor.
    pub fn is_about_project(&self) -> bool {
        match self {
            Cond::Project { .. } => true,
            Cond::All(cs) | Cond::Any(cs) => {
                !cs.is_empty() && cs.iter().all(Cond::is_about_project)
            }
            Cond::Not(c) | Cond::Labelled(_, c) => c.is_about_project(),
            _ => false,
        }
    }
}

/// Where a test reads its values.
#[derive(Debug, Clone, PartialEq)]
pub enum Path {
    /// A path into the current node.
    Steps(Vec<PathStep>),
    /// `@key`: the key of the current element (or the resource's name).
    Key,
    /// `@name`: the resource's name.
    Name,
    /// `@env`: the resource's environment.
    Env,
    /// `@file`: the resource's file path.
    File,
    /// `@kind`: the resource's kind.
    Kind,
}

/// A test on the values a path selects.
#[derive(Debug, Clone)]
pub struct Test {
    /// The values.
    pub path: Path,
    /// The comparison.
    pub op: Op,
    /// What a missing value means.
    pub missing: Missing,
    /// Whether all selected values or any one must pass.
    pub any: bool,
    /// Decode string values as base64 before comparing (`decode: base64`),
    /// as Kubernetes Secret `data` holds them.
    pub base64: bool,
}

/// What a test concludes when the path selects nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// The test fails (the default for comparisons).
    Fail,
    /// The test passes.
    Pass,
    /// The files cannot settle it.
    Unknown,
}

/// A comparison.
#[derive(Debug, Clone)]
pub enum Op {
    /// The path selects a non-null value.
    Exists,
    /// The path selects nothing, or null.
    Absent,
    /// Equal (numbers and booleans compare by value, strings by text).
    Equals(J),
    /// Not equal.
    NotEquals(J),
    /// One of.
    In(Vec<J>),
    /// None of.
    NotIn(Vec<J>),
    /// The text matches.
    Matches(Regex),
    /// The text does not match.
    NotMatches(Regex),
    /// A sequence holds the value, or a string holds the substring.
    Contains(J),
    /// Neither.
    NotContains(J),
    /// Greater than.
    Gt(f64),
    /// At least.
    Ge(f64),
    /// Less than.
    Lt(f64),
    /// At most.
    Le(f64),
    /// A duration (`90`, `90d`, `7776000s`, `rate(90 days)`, `P90D`) is at most N days.
    DaysLe(f64),
    /// A duration is at least N days.
    DaysGe(f64),
    /// A date is more than N days before `--now`.
    OlderThanDays(f64),
    /// An empty string, sequence or mapping.
    Empty,
    /// A non-empty one.
    NotEmpty,
    /// A name that secrets go under (`*_API_KEY`, `PASSWORD`…), per the secrets detector data.
    SecretName,
    /// A literal that looks like a real secret: not a placeholder or reference, high entropy or a known key shape.
    SecretLiteral,
    /// Not a real secret: a reference or placeholder (`${VAR}`, `changeme`, `<your-key>`),
    /// or a value too short or too regular to be a key, per the secrets detector data.
    Placeholder,
    /// A value settled only at deploy time: a Terraform expression, a
    /// CloudFormation `Ref`/`Fn::*`, a string with `${…}` or `{{…}}`.
    Reference,
}

/// `each` and `some`.
#[derive(Debug, Clone)]
pub struct Iter {
    /// The collection.
    pub path: Vec<PathStep>,
    /// Only elements for which this holds.
    pub filter: Option<Box<Cond>>,
    /// What each (or some) element must satisfy.
    pub assert: Box<Cond>,
    /// Read a mapping as one element (`as: list`) rather than as its entries.
    pub as_list: bool,
}

/// `related`.
#[derive(Debug, Clone)]
pub struct Related {
    /// The related resource's kinds.
    pub kinds: KindSet,
    /// A path on the related resource whose value refers to this one.
    pub via: Option<Vec<PathStep>>,
    /// A path on this resource whose value refers to the related one.
    pub refs: Option<Vec<PathStep>>,
    /// What the related resource must satisfy.
    pub filter: Option<Box<Cond>>,
}

/// A set of resource-kind patterns.
#[derive(Debug, Clone)]
pub struct KindSet {
    /// The patterns as written.
    pub patterns: Vec<String>,
    set: GlobSet,
}

impl KindSet {
    /// Compiles kind patterns; `*` matches any run of characters, `/` included.
    pub fn new(patterns: &[String]) -> Result<Self, String> {
        let mut builder = GlobSetBuilder::new();
        for p in patterns {
            builder.add(Glob::new(p).map_err(|e| format!("bad kind pattern `{p}`: {e}"))?);
        }
        let set = builder.build().map_err(|e| e.to_string())?;
        Ok(KindSet {
            patterns: patterns.to_vec(),
            set,
        })
    }

    /// Whether `kind` matches one of the patterns.
    pub fn matches(&self, kind: &str) -> bool {
        self.set.is_match(kind)
    }
}

/// A problem in a condition: what, and the JSON pointer where.
#[derive(Debug, Clone, PartialEq)]
pub struct CondError {
    /// JSON pointer into the rule, e.g. `/assert/all/1/op`.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

pub use super::ops::OPS;

/// The named detectors the engine provides.
pub const DETECTORS: &[&str] = crate::engine::detectors::NAMES;

/// Compiles conditions with a rule's params at hand.
pub struct Compiler<'a> {
    /// The rule's effective params.
    pub params: &'a BTreeMap<String, J>,
    /// Problems found so far.
    pub errors: Vec<CondError>,
}

impl Compiler<'_> {
    pub(super) fn err(&mut self, pointer: &str, message: impl Into<String>, help: Option<&str>) {
        self.errors.push(CondError {
            pointer: pointer.to_string(),
            message: message.into(),
            help: help.map(str::to_string),
        });
    }

    /// Compiles `value`, found at `pointer`; `None` when it had errors (recorded).
    pub fn compile(&mut self, value: &J, pointer: &str) -> Option<Cond> {
        let Some(map) = value.as_object() else {
            self.err(
                pointer,
                "a condition must be a mapping",
                Some("e.g. `{path: encrypted, op: equals, value: true}`"),
            );
            return None;
        };
        if let Some(label) = map.get("label") {
            let Some(text) = label.as_str().filter(|t| !t.trim().is_empty()) else {
                self.err(
                    &format!("{pointer}/label"),
                    "`label` is a short text naming the failure",
                    Some("e.g. `label: runs privileged`; messages show it as `{{label}}`"),
                );
                return None;
            };
            let mut rest = map.clone();
            rest.remove("label");
            let inner = self.compile(&J::Object(rest), pointer)?;
            return Some(Cond::Labelled(text.to_string(), Box::new(inner)));
        }
        let shape = [
            "path", "all", "any", "not", "each", "some", "related", "parent", "project", "detector",
        ];
        let present: Vec<&str> = shape
            .iter()
            .copied()
            .filter(|k| map.contains_key(*k))
            .collect();
        match present.as_slice() {
            [] => {
                self.err(pointer, "a condition needs one of: path, all, any, not, each, some, related, parent, project, detector", None);
                None
            }
            [one] => self.compile_shape(one, map, pointer),
            many => {
                self.err(
                    pointer,
                    format!("a condition takes one of {}, not several", many.join(", ")),
                    Some("combine them with `all:` or `any:`"),
                );
                None
            }
        }
    }

    fn compile_shape(&mut self, shape: &str, map: &Map<String, J>, pointer: &str) -> Option<Cond> {
        let at = |k: &str| format!("{pointer}/{k}");
        match shape {
            "all" | "any" => {
                let list = map[shape].as_array();
                let Some(list) = list.filter(|l| !l.is_empty()) else {
                    self.err(
                        &at(shape),
                        format!("`{shape}` takes a non-empty list of conditions"),
                        None,
                    );
                    return None;
                };
                let mut out = Vec::new();
                for (i, c) in list.iter().enumerate() {
                    out.extend(self.compile(c, &format!("{pointer}/{shape}/{i}")));
                }
                (out.len() == list.len()).then(|| {
                    if shape == "all" {
                        Cond::All(out)
                    } else {
                        Cond::Any(out)
                    }
                })
            }
            "not" => Some(Cond::Not(Box::new(self.compile(&map["not"], &at("not"))?))),
            "parent" => Some(Cond::Parent(Box::new(
                self.compile(&map["parent"], &at("parent"))?,
            ))),
            "each" | "some" => self.iter(shape, map, pointer),
            "related" => self.related(&map["related"], &at("related")),
            "project" => {
                let inner = map["project"].as_object();
                let Some(inner) = inner else {
                    self.err(
                        &at("project"),
                        "`project` takes `{kinds: [...], where: condition}`",
                        None,
                    );
                    return None;
                };
                let kinds = self.kinds(inner.get("kinds"), &format!("{pointer}/project/kinds"))?;
                let filter =
                    self.optional(inner.get("where"), &format!("{pointer}/project/where"))?;
                Some(Cond::Project { kinds, filter })
            }
            "detector" => {
                self.only(map, &["detector", "params"], pointer);
                let name = map["detector"].as_str().unwrap_or_default();
                if !DETECTORS.contains(&name) {
                    let help = did_you_mean(name, DETECTORS, "detectors");
                    self.err(
                        &at("detector"),
                        format!("unknown detector `{name}`"),
                        Some(&help),
                    );
                    return None;
                }
                let raw = map.get("params").cloned().unwrap_or(J::Null);
                let params = self.substitute(raw, &at("params"));
                Some(Cond::Detector {
                    name: name.to_string(),
                    params,
                })
            }
            _ => self.test(map, pointer),
        }
    }

    fn optional(&mut self, value: Option<&J>, pointer: &str) -> Option<Option<Box<Cond>>> {
        match value {
            None => Some(None),
            Some(v) => Some(Some(Box::new(self.compile(v, pointer)?))),
        }
    }

    /// Compiles a rule's `target.kinds`.
    pub fn kind_list(&mut self, value: &J, pointer: &str) -> Option<KindSet> {
        self.kinds(Some(value), pointer)
    }

    fn kinds(&mut self, value: Option<&J>, pointer: &str) -> Option<KindSet> {
        let list: Vec<String> = match value {
            Some(J::String(s)) => vec![s.clone()],
            Some(J::Array(a)) if !a.is_empty() => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => {
                self.err(
                    pointer,
                    "`kinds` takes a resource kind or a list of them",
                    Some("e.g. `kinds: [tf/resource/aws_s3_bucket]`"),
                );
                return None;
            }
        };
        match KindSet::new(&list) {
            Ok(set) => Some(set),
            Err(e) => {
                self.err(
                    pointer,
                    e,
                    Some("kinds look like `tf/resource/aws_s3_bucket` or `k8s/container`; `*` matches any run of characters"),
                );
                None
            }
        }
    }

    fn path(&mut self, value: Option<&J>, pointer: &str) -> Option<Vec<PathStep>> {
        let Some(text) = value.and_then(J::as_str) else {
            self.err(pointer, "a path must be a string", None);
            return None;
        };
        match parse_path(text) {
            Ok(steps) => Some(steps),
            Err(e) => {
                self.err(
                    pointer,
                    e,
                    Some(
                        "paths look like `spec.containers[0].env` or `Properties[\"Fn::GetAtt\"]`",
                    ),
                );
                None
            }
        }
    }

    fn iter(&mut self, shape: &str, map: &Map<String, J>, pointer: &str) -> Option<Cond> {
        self.only(map, &[shape, "where", "assert", "as"], pointer);
        let as_list = match map.get("as").and_then(J::as_str) {
            None | Some("entries") => false,
            Some("list") => true,
            Some(other) => {
                self.err(
                    &format!("{pointer}/as"),
                    format!("`as` is list or entries, not `{other}`"),
                    None,
                );
                return None;
            }
        };
        let path = self.path(map.get(shape), &format!("{pointer}/{shape}"))?;
        let filter = self.optional(map.get("where"), &format!("{pointer}/where"))?;
        let Some(assert) = map.get("assert") else {
            self.err(
                pointer,
                format!("`{shape}` needs an `assert` condition for the elements"),
                None,
            );
            return None;
        };
        let assert = Box::new(self.compile(assert, &format!("{pointer}/assert"))?);
        let it = Iter {
            path,
            filter,
            assert,
            as_list,
        };
        Some(if shape == "each" {
            Cond::Each(it)
        } else {
            Cond::Some(it)
        })
    }

    fn related(&mut self, value: &J, pointer: &str) -> Option<Cond> {
        let Some(map) = value.as_object() else {
            self.err(
                pointer,
                "`related` takes `{kinds, via | refs, where}`",
                None,
            );
            return None;
        };
        self.only(map, &["kinds", "via", "refs", "where"], pointer);
        let kinds = self.kinds(map.get("kinds"), &format!("{pointer}/kinds"))?;
        let via = match map.get("via") {
            Some(v) => Some(self.path(Some(v), &format!("{pointer}/via"))?),
            None => None,
        };
        let refs = match map.get("refs") {
            Some(v) => Some(self.path(Some(v), &format!("{pointer}/refs"))?),
            None => None,
        };
        if via.is_none() && refs.is_none() {
            self.err(pointer, "`related` needs `via` (their path that refers to this resource) or `refs` (this resource's path that refers to them)", None);
            return None;
        }
        let filter = self.optional(map.get("where"), &format!("{pointer}/where"))?;
        Some(Cond::Related(Related {
            kinds,
            via,
            refs,
            filter,
        }))
    }

    fn only(&mut self, map: &Map<String, J>, allowed: &[&str], pointer: &str) {
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) && key != "label" {
                let mut fields = allowed.to_vec();
                fields.push("label");
                let help = did_you_mean(key, &fields, "fields here");
                self.err(
                    &format!("{pointer}/{key}"),
                    format!("unknown field `{key}` here"),
                    Some(&help),
                );
            }
        }
    }

    /// [`substitute`], reporting every `{{params.NAME}}` that names no param.
    fn substitute(&mut self, value: J, pointer: &str) -> J {
        let mut texts = Vec::new();
        strings(&value, &mut texts);
        for text in texts {
            for p in super::templates::unknown_params(text, self.params) {
                self.errors.push(CondError {
                    pointer: pointer.to_string(),
                    message: p.message,
                    help: p.help,
                });
            }
        }
        substitute(value, self.params)
    }

    fn test(&mut self, map: &Map<String, J>, pointer: &str) -> Option<Cond> {
        self.only(
            map,
            &["path", "op", "value", "missing", "quantifier", "decode"],
            pointer,
        );
        let path = match map.get("path").and_then(J::as_str) {
            Some("@key") => Path::Key,
            Some("@name") => Path::Name,
            Some("@env") => Path::Env,
            Some("@file") => Path::File,
            Some("@kind") => Path::Kind,
            _ => Path::Steps(self.path(map.get("path"), &format!("{pointer}/path"))?),
        };
        let op_name = map.get("op").and_then(J::as_str).unwrap_or("exists");
        let before = self.errors.len();
        let value = map
            .get("value")
            .cloned()
            .map(|v| self.substitute(v, &format!("{pointer}/value")));
        if self.errors.len() > before {
            return None;
        }
        let op = self.op(op_name, value, pointer)?;
        let missing = match map.get("missing").and_then(J::as_str) {
            None => match op {
                Op::Absent
                | Op::NotEquals(_)
                | Op::NotIn(_)
                | Op::NotMatches(_)
                | Op::NotContains(_) => Missing::Pass,
                _ => Missing::Fail,
            },
            Some("fail") => Missing::Fail,
            Some("pass") => Missing::Pass,
            Some("unknown") => Missing::Unknown,
            Some(other) => {
                self.err(
                    &format!("{pointer}/missing"),
                    format!("`missing` is pass, fail or unknown, not `{other}`"),
                    None,
                );
                return None;
            }
        };
        let any = match map.get("quantifier").and_then(J::as_str) {
            None | Some("all") => false,
            Some("any") => true,
            Some(other) => {
                self.err(
                    &format!("{pointer}/quantifier"),
                    format!("`quantifier` is all or any, not `{other}`"),
                    None,
                );
                return None;
            }
        };
        let base64 = match map.get("decode").and_then(J::as_str) {
            None => false,
            Some("base64") => true,
            Some(other) => {
                self.err(
                    &format!("{pointer}/decode"),
                    format!("`decode` is base64, not `{other}`"),
                    None,
                );
                return None;
            }
        };
        Some(Cond::Test(Test {
            path,
            op,
            missing,
            any,
            base64,
        }))
    }
}

/// `did you mean `x`?` and the whole list, for an unknown name.
pub(super) fn did_you_mean(got: &str, known: &[&str], what: &str) -> String {
    let list = known.join(", ");
    match super::shape::nearest(got, known.iter().copied()) {
        Some(n) => format!("did you mean `{n}`? {what}: {list}"),
        None => format!("{what}: {list}"),
    }
}

fn strings<'a>(value: &'a J, out: &mut Vec<&'a str>) {
    match value {
        J::String(s) => out.push(s),
        J::Array(items) => items.iter().for_each(|v| strings(v, out)),
        J::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// Replaces `{{params.NAME}}` in strings with the param's value: a string that
/// is only the placeholder takes the param's type, so `"{{params.max_days}}"`
/// becomes the number 90.
pub fn substitute(value: J, params: &BTreeMap<String, J>) -> J {
    match value {
        J::String(s) => {
            let trimmed = s.trim();
            if let Some(name) = trimmed
                .strip_prefix("{{params.")
                .and_then(|r| r.strip_suffix("}}"))
            {
                if let Some(v) = params.get(name.trim()) {
                    return v.clone();
                }
            }
            if !s.contains("{{params.") {
                return J::String(s);
            }
            let mut out = s;
            for (k, v) in params {
                let text = match v {
                    J::String(t) => t.clone(),
                    other => other.to_string(),
                };
                out = out.replace(&format!("{{{{params.{k}}}}}"), &text);
            }
            J::String(out)
        }
        J::Array(items) => J::Array(items.into_iter().map(|v| substitute(v, params)).collect()),
        J::Object(map) => J::Object(
            map.into_iter()
                .map(|(k, v)| (k, substitute(v, params)))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compile(v: J) -> Result<Cond, Vec<CondError>> {
        let params = BTreeMap::from([("max_days".to_string(), json!(90))]);
        let mut c = Compiler {
            params: &params,
            errors: vec![],
        };
        let out = c.compile(&v, "/assert");
        if c.errors.is_empty() {
            Ok(out.unwrap())
        } else {
            Err(c.errors)
        }
    }

    #[test]
    fn params_become_typed_values() {
        let c =
            compile(json!({"path": "days", "op": "le", "value": "{{params.max_days}}"})).unwrap();
        let Cond::Test(t) = c else { panic!() };
        assert!(matches!(t.op, Op::Le(n) if n == 90.0));
    }

    #[test]
    fn every_problem_is_reported_with_its_pointer() {
        let errs = compile(json!({"all": [
            {"path": "a", "op": "bigger"},
            {"path": "b", "op": "matches", "value": "("},
            {"path": "c", "colour": "red"}
        ]}))
        .unwrap_err();
        let pointers: Vec<&str> = errs.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/assert/all/0/op",
                "/assert/all/1/value",
                "/assert/all/2/colour"
            ]
        );
    }

    #[test]
    fn kind_patterns_glob() {
        let k = KindSet::new(&["tf/resource/aws_*".to_string()]).unwrap();
        assert!(k.matches("tf/resource/aws_s3_bucket"));
        assert!(!k.matches("cfn/AWS::S3::Bucket"));
    }
}
