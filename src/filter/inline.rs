//! Inline suppressions: `vouch:ignore` comments in scanned files.
//!
//! A comment in the file's own syntax names one or more rules and says why:
//!
//! ```text
//! # vouch:ignore VCH-PRV-010 reason="needs host networking for the CNI" until=2027-03-31
//! ```
//!
//! On a line of its own it covers the next line (and, for a finding about
//! the whole file, its own line); at the end of a line it covers that line.
//! Several comments on consecutive lines all cover the line after them.
//! JSON has no comments, so JSON files are waived in config instead. A
//! malformed comment is kept with what is wrong, so that it is reported
//! rather than silently ignored.

use chrono::NaiveDate;

use crate::inputs::FileKind;

/// One `vouch:ignore` comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// The line the comment is on.
    pub line: usize,
    /// The lines whose findings it covers.
    pub covers: Vec<usize>,
    /// The rule ids it names.
    pub rules: Vec<String>,
    /// Why.
    pub reason: Option<String>,
    /// Who owns the risk.
    pub owner: Option<String>,
    /// The last day it applies.
    pub until: Option<NaiveDate>,
    /// What is wrong with it; a comment with a problem suppresses nothing.
    pub problem: Option<String>,
}

const MARKER: &str = "vouch:ignore";

/// The comment openers of a file kind; JSON has none.
fn openers(kind: FileKind, path: &str) -> &'static [&'static str] {
    match kind {
        FileKind::Json | FileKind::TerraformJson => &[],
        FileKind::CloudFormation if path.ends_with(".json") => &[],
        FileKind::Terraform | FileKind::TerraformVars => &["#", "//", "/*"],
        // Text files include Helm chart templates: `{{/* … */}}` is their comment.
        FileKind::Text => &["#", "//", "--", ";", "<!--", "/*", "{{/*", "{{- /*"],
        _ => &["#"],
    }
}

/// Every `vouch:ignore` comment in `text`, a file of `kind` at `path`.
pub fn find(text: &str, kind: FileKind, path: &str) -> Vec<Comment> {
    let openers = openers(kind, path);
    if openers.is_empty() || !text.contains(MARKER) {
        return Vec::new();
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut comments = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((code_before, body)) = split_marker(line, openers) else {
            continue;
        };
        let number = i + 1;
        let covers = if code_before {
            vec![number]
        } else {
            // The first line after this run of suppression comments.
            let next = lines[i + 1..]
                .iter()
                .position(|l| !matches!(split_marker(l, openers), Some((false, _))))
                .map(|k| i + 1 + k + 1);
            std::iter::once(number).chain(next).collect()
        };
        comments.push(parse(number, covers, body));
    }
    comments
}

/// Finds the marker in a comment on `line`: whether code precedes the
/// comment, and the text after the marker.
fn split_marker<'a>(line: &'a str, openers: &[&str]) -> Option<(bool, &'a str)> {
    let at = line.find(MARKER)?;
    let before = line[..at].trim_end();
    // The opener must start the line or follow a space: `a#vouch:ignore` is no comment.
    // (`<!--` ends in `--`, so every opener is tried.)
    let code = openers.iter().find_map(|o| {
        let lead = before.strip_suffix(o)?;
        (lead.is_empty() || lead.ends_with([' ', '\t'])).then(|| lead.trim_end())
    })?;
    let body = &line[at + MARKER.len()..];
    let body = body
        .trim_end()
        .trim_end_matches("}}")
        .trim_end_matches('-')
        .trim_end()
        .trim_end_matches("-->")
        .trim_end_matches("*/");
    Some((!code.is_empty(), body))
}

fn parse(line: usize, covers: Vec<usize>, body: &str) -> Comment {
    let mut comment = Comment {
        line,
        covers,
        rules: Vec::new(),
        reason: None,
        owner: None,
        until: None,
        problem: None,
    };
    if !body.is_empty() && !body.starts_with([' ', '\t']) {
        comment.problem = Some(format!(
            "`{MARKER}` must be followed by a space and a rule id"
        ));
        return comment;
    }
    let body = body.trim_start();
    let (ids, mut rest) = body.split_at(body.find([' ', '\t']).unwrap_or(body.len()));
    for id in ids.split(',').filter(|s| !s.is_empty()) {
        if !is_rule_id(id) {
            comment.problem = Some(format!(
                "`{id}` is not a rule id: write `{MARKER} VCH-XXX-NNN reason=\"…\"`"
            ));
            return comment;
        }
        comment.rules.push(id.to_string());
    }
    if comment.rules.is_empty() {
        comment.problem = Some(format!(
            "names no rule: write `{MARKER} VCH-XXX-NNN reason=\"…\"`"
        ));
        return comment;
    }
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        match field(rest) {
            Ok((key, value, after)) => {
                rest = after;
                match key {
                    "reason" => comment.reason = Some(value.to_string()),
                    "owner" => comment.owner = Some(value.to_string()),
                    "until" => match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                        Ok(d) => comment.until = Some(d),
                        Err(_) => {
                            comment.problem =
                                Some(format!("until=`{value}` is not a date (YYYY-MM-DD)"));
                            return comment;
                        }
                    },
                    other => {
                        comment.problem =
                            Some(format!("unknown field `{other}` (reason, until, owner)"));
                        return comment;
                    }
                }
            }
            Err(problem) => {
                comment.problem = Some(problem);
                return comment;
            }
        }
    }
    if comment
        .reason
        .as_deref()
        .is_none_or(|r| r.trim().is_empty())
    {
        comment.problem = Some("has no reason: add reason=\"why the risk is accepted\"".into());
    }
    comment
}

/// One `key=value` or `key="quoted value"` at the start of `text`.
fn field(text: &str) -> Result<(&str, &str, &str), String> {
    let eq = text
        .find('=')
        .filter(|&i| !text[..i].contains([' ', '\t']))
        .ok_or_else(|| {
            let word = text.split_whitespace().next().unwrap_or(text);
            format!("`{word}` is not a field: write key=value (reason, until, owner)")
        })?;
    let key = &text[..eq];
    let value = &text[eq + 1..];
    if let Some(quote) = value.chars().next().filter(|c| matches!(c, '"' | '\'')) {
        let inner = &value[1..];
        let end = inner
            .find(quote)
            .ok_or_else(|| format!("the value of `{key}` has no closing {quote}"))?;
        Ok((key, &inner[..end], &inner[end + 1..]))
    } else {
        let end = value.find([' ', '\t']).unwrap_or(value.len());
        Ok((key, &value[..end], &value[end..]))
    }
}

/// `PREFIX-AREA-NNN`, as the policy schema has it.
fn is_rule_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 3
        && parts[0].starts_with(|c: char| c.is_ascii_uppercase())
        && parts[0]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && (2..=5).contains(&parts[1].len())
        && parts[1].chars().all(|c| c.is_ascii_uppercase())
        && parts[2].len() == 3
        && parts[2].chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Comment {
        let found = find(text, FileKind::Yaml, "a.yaml");
        assert_eq!(found.len(), 1, "{found:?}");
        found.into_iter().next().unwrap()
    }

    #[test]
    fn a_full_comment_on_its_own_line_covers_the_next() {
        let c = one(
            "a: 1\n# vouch:ignore VCH-PRV-010 reason=\"needs the host network\" until=2027-03-31 owner=net\nb: 2\n",
        );
        assert_eq!(c.line, 2);
        assert_eq!(c.covers, vec![2, 3]);
        assert_eq!(c.rules, vec!["VCH-PRV-010"]);
        assert_eq!(c.reason.as_deref(), Some("needs the host network"));
        assert_eq!(c.owner.as_deref(), Some("net"));
        assert_eq!(c.until, NaiveDate::from_ymd_opt(2027, 3, 31));
        assert_eq!(c.problem, None);
    }

    #[test]
    fn a_trailing_comment_covers_its_line() {
        let c = one("privileged: true  # vouch:ignore VCH-PRV-010,VCH-PRV-011 reason='CNI'\n");
        assert_eq!(c.covers, vec![1]);
        assert_eq!(c.rules, vec!["VCH-PRV-010", "VCH-PRV-011"]);
        assert_eq!(c.reason.as_deref(), Some("CNI"));
    }

    #[test]
    fn stacked_comments_cover_the_line_after_them() {
        let found = find(
            "# vouch:ignore VCH-A-001 reason=x\n# vouch:ignore VCH-B-002 reason=y\nkey: v\n",
            FileKind::Yaml,
            "a.yaml",
        );
        assert_eq!(found[0].covers, vec![1, 3]);
        assert_eq!(found[1].covers, vec![2, 3]);
    }

    #[test]
    fn malformed_comments_say_what_is_wrong() {
        let problem = |t: &str| one(t).problem.unwrap_or_default();
        assert!(problem("# vouch:ignore\n").contains("names no rule"));
        assert!(problem("# vouch:ignore VCH-PRV-010\n").contains("no reason"));
        assert!(problem("# vouch:ignore VCH-PRV-010 reason=\"\"\n").contains("no reason"));
        assert!(problem("# vouch:ignore PRV-010 reason=x\n").contains("not a rule id"));
        assert!(
            problem("# vouch:ignore VCH-PRV-010 reason=x until=2027-13-01\n")
                .contains("not a date")
        );
        assert!(problem("# vouch:ignore VCH-PRV-010 reason=\"open\n").contains("no closing"));
        assert!(problem("# vouch:ignore VCH-PRV-010 because=x\n").contains("unknown field"));
        assert!(problem("# vouch:ignore VCH-PRV-010 just because\n").contains("not a field"));
        assert!(problem("# vouch:ignoreVCH-PRV-010 reason=x\n").contains("followed by a space"));
    }

    #[test]
    fn helm_template_comments_suppress() {
        let text = "{{/* vouch:ignore VCH-ISO-002 reason=\"rotated\" */}}\nkey: x\n{{- /* vouch:ignore VCH-ISO-001 reason=\"gone\" */ -}}\n";
        let found = find(text, FileKind::Text, "templates/secret.yaml");
        let got: Vec<String> = found
            .iter()
            .map(|c| format!("{} {:?} {:?} {:?}", c.line, c.covers, c.reason, c.problem))
            .collect();
        assert_eq!(
            got,
            [
                "1 [1, 2] Some(\"rotated\") None",
                "3 [3] Some(\"gone\") None"
            ]
        );
    }

    #[test]
    fn comment_syntax_follows_the_file_kind() {
        let tf = "resource \"a\" \"b\" { // vouch:ignore VCH-ENC-001 reason=x\n}\n";
        assert_eq!(find(tf, FileKind::Terraform, "main.tf").len(), 1);
        assert_eq!(find(tf, FileKind::Yaml, "a.yaml").len(), 0);
        let json = "{\"a\": \"# vouch:ignore VCH-ENC-001 reason=x\"}";
        assert!(find(json, FileKind::Json, "a.json").is_empty());
        assert!(find(json, FileKind::CloudFormation, "t.json").is_empty());
        let md = "<!-- vouch:ignore VCH-ISO-001 reason=\"docs example\" -->\n";
        assert_eq!(
            find(md, FileKind::Text, "README.md")[0].reason.as_deref(),
            Some("docs example")
        );
    }

    #[test]
    fn a_marker_inside_a_word_is_no_comment() {
        assert!(
            find(
                "url: a#vouch:ignore VCH-A-001 reason=x\n",
                FileKind::Yaml,
                "a.yaml"
            )
            .is_empty()
        );
    }
}
