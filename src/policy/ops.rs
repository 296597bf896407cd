//! The operators of a `path` test, compiled with their `value`.
//!
//! Kept apart from the rest of the condition compiler because each operator
//! checks its own kind of value (a number, a regex, a list) and says what it
//! expected when the value is of the wrong kind.

use regex::Regex;
use serde_json::Value as J;

use super::cond::{Compiler, Op, did_you_mean};

/// The operators a `path` test accepts.
pub const OPS: [&str; 24] = [
    "exists",
    "absent",
    "equals",
    "not_equals",
    "in",
    "not_in",
    "matches",
    "not_matches",
    "contains",
    "not_contains",
    "gt",
    "ge",
    "lt",
    "le",
    "days_le",
    "days_ge",
    "older_than_days",
    "empty",
    "not_empty",
    "secret_name",
    "secret_literal",
    "placeholder",
    "reference",
    "truthy",
];

impl Compiler<'_> {
    /// The operator `name` with its value; `None` (and an error) when either is wrong.
    pub(super) fn op(&mut self, name: &str, value: Option<J>, pointer: &str) -> Option<Op> {
        if !OPS.contains(&name) {
            let help = did_you_mean(name, &OPS, "operators");
            self.err(
                &format!("{pointer}/op"),
                format!("unknown operator `{name}`"),
                Some(&help),
            );
            return None;
        }
        let at = format!("{pointer}/value");
        let needs_value = !matches!(
            name,
            "exists"
                | "absent"
                | "empty"
                | "not_empty"
                | "secret_name"
                | "secret_literal"
                | "placeholder"
                | "reference"
                | "truthy"
        );
        let value = match (needs_value, value) {
            (true, None) => {
                self.err(pointer, format!("`op: {name}` needs a `value`"), None);
                return None;
            }
            (_, v) => v.unwrap_or(J::Null),
        };
        let number = |c: &mut Self| -> Option<f64> {
            let n = value
                .as_f64()
                .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()));
            if n.is_none() {
                c.err(
                    &at,
                    format!("`op: {name}` compares numbers; `{value}` is not one"),
                    Some("write a number, or `\"{{params.NAME}}\"` of a numeric param"),
                );
            }
            n
        };
        let regex = |c: &mut Self| -> Option<Regex> {
            let text = value.as_str().unwrap_or_default();
            match Regex::new(text) {
                Ok(r) => Some(r),
                Err(e) => {
                    c.err(
                        &at,
                        format!("bad regex: {e}"),
                        Some("the syntax is Rust's `regex` crate (no look-around)"),
                    );
                    None
                }
            }
        };
        let list = |c: &mut Self| -> Option<Vec<J>> {
            match &value {
                J::Array(items) => Some(items.clone()),
                _ => {
                    c.err(
                        &at,
                        format!("`op: {name}` takes a list"),
                        Some("e.g. `value: [aws:kms, \"aws:kms:dsse\"]`"),
                    );
                    None
                }
            }
        };
        Some(match name {
            "exists" => Op::Exists,
            "absent" => Op::Absent,
            "equals" => Op::Equals(value),
            "truthy" => Op::Equals(J::Bool(true)),
            "not_equals" => Op::NotEquals(value),
            "in" => Op::In(list(self)?),
            "not_in" => Op::NotIn(list(self)?),
            "matches" => Op::Matches(regex(self)?),
            "not_matches" => Op::NotMatches(regex(self)?),
            "contains" => Op::Contains(value),
            "not_contains" => Op::NotContains(value),
            "gt" => Op::Gt(number(self)?),
            "ge" => Op::Ge(number(self)?),
            "lt" => Op::Lt(number(self)?),
            "le" => Op::Le(number(self)?),
            "days_le" => Op::DaysLe(number(self)?),
            "days_ge" => Op::DaysGe(number(self)?),
            "older_than_days" => Op::OlderThanDays(number(self)?),
            "empty" => Op::Empty,
            "not_empty" => Op::NotEmpty,
            "secret_name" => Op::SecretName,
            "secret_literal" => Op::SecretLiteral,
            "placeholder" => Op::Placeholder,
            "reference" => Op::Reference,
            other => {
                self.err(
                    &format!("{pointer}/op"),
                    format!("unknown operator `{other}`"),
                    Some(&format!("operators: {}", OPS.join(", "))),
                );
                return None;
            }
        })
    }
}
