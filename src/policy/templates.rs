//! Checks of a rule's `message` and `remediation` templates, and of every
//! `{{params.NAME}}` a rule writes.
//!
//! A template that does not compile, or names a field the engine never sets
//! (`{{resourse}}`), would print raw or empty text in every finding; a param
//! that does not exist would compare against the text `{{params.x}}`. Both are
//! load errors instead, pointed at the template's text where it can be found.

use std::collections::BTreeMap;

use serde_json::Value as J;

use super::shape::nearest;
use crate::source::Span;

/// The fields a message or remediation may use (besides `params.NAME`).
pub const FIELDS: [&str; 8] = [
    "value",
    "subject",
    "label",
    "name",
    "resource",
    "kind",
    "environment",
    "file",
];

/// The Handlebars helpers that exist in the engine's registry.
const HELPERS: [&str; 17] = [
    "if", "unless", "each", "with", "lookup", "log", "raw", "eq", "ne", "gt", "gte", "lt", "lte",
    "and", "or", "not", "len",
];

/// A problem in a template: what, the byte offset in the template (if one
/// place is at fault) and a hint.
#[derive(Debug, PartialEq)]
pub struct TemplateProblem {
    /// What is wrong.
    pub message: String,
    /// Where in the template text.
    pub at: Option<usize>,
    /// What to do.
    pub help: Option<String>,
}

/// Every problem in `template`, given the rule's params.
pub fn check(template: &str, params: &BTreeMap<String, J>) -> Vec<TemplateProblem> {
    if let Err(e) = handlebars::Template::compile(template) {
        let at = e.pos().map(|(line, col)| offset_of(template, line, col));
        return vec![TemplateProblem {
            message: format!("the template does not compile: {}", e.reason()),
            at,
            help: Some(
                "Handlebars: `{{field}}`, `{{#if field}}…{{else}}…{{/if}}`; every `{{#x}}` needs its `{{/x}}`".into(),
            ),
        }];
    }
    let mut problems = Vec::new();
    let mut scoped = 0usize;
    for (at, token) in tokens(template) {
        let token = token.trim_matches('~').trim();
        let (head, rest) =
            token.split_at(token.find(|c: char| !"#^/>!&{".contains(c)).unwrap_or(0));
        match head {
            h if h.starts_with('!') => continue,
            "/" => {
                if matches!(rest.trim(), "each" | "with") {
                    scoped = scoped.saturating_sub(1);
                }
                continue;
            }
            ">" => {
                problems.push(TemplateProblem {
                    message: "partials (`{{> name}}`) are not available in messages".into(),
                    at: Some(at),
                    help: None,
                });
                continue;
            }
            _ => {}
        }
        let words = words(rest);
        let Some((first, args)) = words.split_first() else {
            continue;
        };
        let block = head.starts_with('#') || head.starts_with('^');
        let (helper, args): (Option<&str>, &[&str]) = if *first == "else" {
            match args.split_first() {
                Some((h, a)) if HELPERS.contains(h) => (Some(h), a),
                _ => (None, args),
            }
        } else if HELPERS.contains(first) {
            (Some(first), args)
        } else if block || !args.is_empty() {
            problems.push(TemplateProblem {
                message: format!("unknown helper `{first}`"),
                at: Some(at),
                help: Some(format!("helpers: {}", HELPERS.join(", "))),
            });
            continue;
        } else {
            (None, std::slice::from_ref(first))
        };
        if scoped == 0 {
            for word in args {
                problems.extend(check_path(word, params, at));
            }
        }
        if block && matches!(helper, Some("each" | "with")) {
            scoped += 1;
        }
    }
    problems
}

/// Every `{{params.NAME}}` in `text` that names no param.
pub fn unknown_params(text: &str, params: &BTreeMap<String, J>) -> Vec<TemplateProblem> {
    tokens(text)
        .into_iter()
        .flat_map(|(at, token)| {
            words(token.trim_matches('~'))
                .into_iter()
                .filter(|w| w.starts_with("params."))
                .filter_map(|w| check_path(w, params, at))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn check_path(word: &str, params: &BTreeMap<String, J>, at: usize) -> Option<TemplateProblem> {
    let word = word.split_once('=').map_or(word, |(_, v)| v);
    let literal = word.starts_with(['"', '\''])
        || word.parse::<f64>().is_ok()
        || matches!(word, "true" | "false" | "null" | "this" | "as" | "|");
    if literal || word.starts_with('@') || word.starts_with('|') || HELPERS.contains(&word) {
        return None;
    }
    let path = word
        .trim_start_matches("../")
        .trim_start_matches("./")
        .trim_start_matches("this.");
    let mut parts = path.split(['.', '/']);
    let first = parts.next().unwrap_or_default();
    if first == "params" {
        let name = parts.next().unwrap_or_default();
        if name.is_empty() || params.contains_key(name) {
            return None;
        }
        let known: Vec<&str> = params.keys().map(String::as_str).collect();
        let help = match (nearest(name, known.iter().copied()), known.is_empty()) {
            (Some(n), _) => format!(
                "did you mean `params.{n}`? params of this rule: {}",
                known.join(", ")
            ),
            (None, true) => {
                "this rule has no params; declare them under `params:` of the pack or the rule"
                    .into()
            }
            (None, false) => format!("params of this rule: {}", known.join(", ")),
        };
        return Some(TemplateProblem {
            message: format!("unknown param `{name}`"),
            at: Some(at),
            help: Some(help),
        });
    }
    if FIELDS.contains(&first) {
        return None;
    }
    let help = match nearest(first, FIELDS) {
        Some(n) => format!(
            "did you mean `{n}`? fields: {}, params.NAME",
            FIELDS.join(", ")
        ),
        None => format!("fields: {}, params.NAME", FIELDS.join(", ")),
    };
    Some(TemplateProblem {
        message: format!("unknown field `{first}` in the template"),
        at: Some(at),
        help: Some(help),
    })
}

/// The `{{…}}` tokens of a template, with the offset of each `{{`.
fn tokens(template: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = template[from..].find("{{") {
        let start = from + open;
        // `\{{…}}` is text, printed as written.
        if template[..start].ends_with('\\') {
            from = start + 2;
            continue;
        }
        let inner = start + 2 + usize::from(template[start + 2..].starts_with('{'));
        let Some(close) = template[inner..].find("}}") else {
            break;
        };
        out.push((start, template[inner..inner + close].trim_end_matches('}')));
        from = inner + close + 2;
    }
    out
}

/// The words of a token, sub-expression parentheses taken as spaces; a
/// quoted string is one word.
fn words(token: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quote = None;
    for (i, c) in token.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => {
                quote = Some(c);
                start.get_or_insert(i);
            }
            (None, c) if c.is_whitespace() || c == '(' || c == ')' => {
                if let Some(s) = start.take() {
                    out.push(&token[s..i]);
                }
            }
            (None, _) => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        out.push(&token[s..]);
    }
    out
}

fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    (start + col.saturating_sub(1)).min(text.len())
}

/// Where an offset into a YAML scalar's value stands in the file: exact when
/// the scalar is written as is (plain, or quoted without escapes), else the
/// whole value.
pub fn place(file_text: &str, value: Span, template: &str, at: Option<usize>) -> Span {
    let raw = file_text.get(value.start..value.end).unwrap_or_default();
    let base = if raw == template {
        Some(value.start)
    } else if raw.len() >= 2 && raw.starts_with(['"', '\'']) && &raw[1..raw.len() - 1] == template {
        Some(value.start + 1)
    } else {
        None
    };
    match (base, at) {
        (Some(b), Some(at)) => {
            let end = template[at..]
                .find("}}")
                .map_or(template.len(), |i| at + i + 2);
            Span::new(b + at, b + end)
        }
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params() -> BTreeMap<String, J> {
        BTreeMap::from([("max_days".to_string(), json!(90))])
    }

    fn messages(template: &str) -> Vec<String> {
        check(template, &params())
            .into_iter()
            .map(|p| p.message)
            .collect()
    }

    #[test]
    fn good_templates_pass() {
        for t in [
            "Rotation every {{value}} days; at most {{params.max_days}}.",
            "{{#if subject}}{{subject}} of {{name}}{{else}}{{resource}}{{/if}}",
            "{{#each params}}{{@key}}={{this}}{{/each}}",
            "{{#if (eq kind \"k8s/pod\")}}pod{{/if}} {{label}}",
            "no fields at all",
            "{{#if (eq subject \"a b\")}}x{{/if}}",
            "use `$\\{{ secrets.NAME }}` or `\\{{resolve:secretsmanager:x}}`",
        ] {
            assert_eq!(messages(t), Vec::<String>::new(), "{t}");
        }
    }

    #[test]
    fn broken_templates_unknown_fields_and_params_are_reported() {
        assert!(
            messages("Bucket {{#if resource}}{{resource} is bad")[0]
                .starts_with("the template does not compile")
        );
        assert!(messages("{{/each}}")[0].starts_with("the template does not compile"));
        assert_eq!(
            messages("over {{params.max_dayz}} days"),
            ["unknown param `max_dayz`"]
        );
        assert_eq!(
            messages("{{resourse}}"),
            ["unknown field `resourse` in the template"]
        );
        assert_eq!(messages("{{shout value}}"), ["unknown helper `shout`"]);
        let p = &check("over {{params.max_dayz}} days", &params())[0];
        assert_eq!(p.at, Some(5));
        assert!(
            p.help
                .as_deref()
                .unwrap()
                .contains("did you mean `params.max_days`")
        );
    }

    #[test]
    fn params_in_condition_values() {
        assert_eq!(unknown_params("^{{params.prefx}}", &params()).len(), 1);
        assert!(unknown_params("{{params.max_days}}", &params()).is_empty());
    }

    #[test]
    fn places_map_into_the_file() {
        let file = "message: \"over {{params.x}} days\"\n";
        let value = Span::new(9, file.len() - 1);
        assert_eq!(
            place(file, value, "over {{params.x}} days", Some(5)),
            Span::new(15, 27)
        );
        assert_eq!(place(file, value, "other", Some(1)), value);
    }
}
