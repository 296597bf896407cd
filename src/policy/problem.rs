//! Problems in policy files, as miette diagnostics that show little and leak nothing.
//!
//! A problem points at one line of its file. What miette prints of the file
//! is a window of a few lines around it, passed through the same redaction as
//! every report, so a compose file given to `--policy` by mistake shows its
//! first key, not its passwords. Problems are collected per load and reported
//! together through `#[related]`.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::engine::secrets::{SecretsGlue, redact};
use crate::source::{Excerpt, Span};

/// One problem in a policy file.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(policy::invalid))]
pub struct PolicyProblem {
    /// What is wrong.
    pub message: String,
    /// The lines around the problem, redacted.
    #[source_code]
    pub src: Excerpt,
    /// Where, within `src`.
    #[label("here")]
    pub span: SourceSpan,
    /// What to do about it.
    #[help]
    pub help: Option<String>,
    /// The file, for callers that print their own way.
    pub file: String,
    /// The 1-based line.
    pub line: usize,
    /// The 1-based column (in characters).
    pub column: usize,
    /// The byte offset in the file, to tell problems at one place apart.
    pub offset: usize,
}

/// Every problem found while loading policies.
#[derive(Debug, Error, Diagnostic)]
#[error("{} problem(s) in policy files", problems.len())]
#[diagnostic(
    code(policy::load_failed),
    help(
        "docs/policy-language.md describes the language; `vouch validate FILE…` checks packs without scanning"
    )
)]
pub struct PolicyErrors {
    /// The problems.
    #[related]
    pub problems: Vec<PolicyProblem>,
}

impl PolicyProblem {
    /// A problem at `span` of `text` (the file `file`). A span over several
    /// lines is cut to its first, so that a missing field shows the mapping's
    /// first line rather than the whole rule.
    pub fn new(file: &str, text: &str, span: Span, message: &str, help: Option<String>) -> Self {
        let start = floor_char(text, span.start.min(text.len()));
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let end = floor_char(text, span.end.clamp(start, line_end));

        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..start].matches('\n').count();
        let column = text[line_start..start].chars().count() + 1;

        // One line of context either side, as miette shows by default.
        let from = nth_line_start(text, line.saturating_sub(1));
        let to = text[line_end..]
            .char_indices()
            .filter(|(_, c)| *c == '\n')
            .nth(1)
            .map_or(text.len(), |(i, _)| line_end + i);
        let (window, label) = redacted_window(text, from..to, start, end);

        PolicyProblem {
            message: redact(message),
            src: Excerpt {
                // A folder named with a key is still a key.
                name: redact(file),
                text: window,
                first_line: line.saturating_sub(1) + 1,
            },
            span: label,
            help: help.map(|h| redact(&h)),
            file: redact(file),
            line: line + 1,
            column,
            offset: start,
        }
    }
}

/// The lines `window` of `text`, each cut through the secret spans of the
/// whole file (so that a PEM block or a value whose secret-like name is on
/// another line is hidden too), keeping the label `start..end` on its line:
/// when redaction leaves the text before the label alone, the label keeps its
/// column; otherwise it covers its whole (redacted) line.
fn redacted_window(
    text: &str,
    window: std::ops::Range<usize>,
    start: usize,
    end: usize,
) -> (String, SourceSpan) {
    let (_, secrets) = SecretsGlue::builtin().shown_source(text);
    let mut out = String::with_capacity(window.len());
    let mut label = (0, 0);
    let mut offset = window.start;
    for line in text[window].split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let shown = secrets.show(text, offset..offset + body.len());
        let at = out.len();
        if (offset..=offset + body.len()).contains(&start) {
            let (s, e) = (start - offset, end - offset);
            label = if shown.get(..s) == body.get(..s) {
                let len = (e - s).min(shown.len().saturating_sub(s));
                (at + s, len)
            } else {
                (at, shown.len())
            };
        }
        out.push_str(&shown);
        if line.ends_with('\n') {
            out.push('\n');
        }
        offset += line.len();
    }
    (out, label.into())
}

fn nth_line_start(text: &str, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    text.match_indices('\n')
        .nth(n - 1)
        .map_or(0, |(i, _)| i + 1)
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The problems of one load, in the order found; one place and message is
/// reported once (a condition reused through a YAML alias is compiled once
/// per use).
#[derive(Default)]
pub struct Problems {
    /// The problems.
    pub list: Vec<PolicyProblem>,
    /// Indexes of problems that came from the schema, which a more specific
    /// problem found by the compiler at the same place replaces.
    from_schema: Vec<usize>,
}

impl Problems {
    /// Adds a problem found by compiling.
    pub fn add(&mut self, file: &str, text: &str, span: Span, message: &str, help: Option<String>) {
        let problem = PolicyProblem::new(file, text, span, message, help);
        let same_place = |p: &PolicyProblem| p.file == problem.file && p.offset == problem.offset;
        if let Some(i) = self
            .from_schema
            .iter()
            .position(|&i| same_place(&self.list[i]))
        {
            let slot = self.from_schema.swap_remove(i);
            self.list[slot] = problem;
            return;
        }
        if self
            .list
            .iter()
            .any(|p| same_place(p) && p.message == problem.message)
        {
            return;
        }
        self.list.push(problem);
    }

    /// Adds a problem found by the schema.
    pub fn add_schema(
        &mut self,
        file: &str,
        text: &str,
        span: Span,
        message: &str,
        help: Option<String>,
    ) {
        let before = self.list.len();
        self.add(file, text, span, message, help);
        if self.list.len() > before {
            self.from_schema.push(before);
        }
    }

    /// How many problems there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// Where a YAML error really is: a flow collection (`{…` or `[…`) left open
/// is only noticed lines later, where the parser gives up; point at the opener.
pub fn unclosed_flow(text: &str, error_offset: usize) -> Option<usize> {
    let mut stack: Vec<usize> = Vec::new();
    let upto = floor_char(text, error_offset.min(text.len()));
    for (start, line) in line_spans(&text[..upto]) {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        let mut value_start = true;
        for (i, c) in line.char_indices() {
            match quote {
                Some(q) => {
                    if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '#' if prev.is_whitespace() || i == 0 => break,
                    '"' | '\'' if value_start || !stack.is_empty() => quote = Some(c),
                    '{' | '[' if value_start || !stack.is_empty() => stack.push(start + i),
                    '}' | ']' => {
                        stack.pop();
                    }
                    _ => {}
                },
            }
            if !c.is_whitespace() {
                value_start = matches!(c, ':' | '-' | ',' | '[' | '{');
            }
            prev = c;
        }
    }
    stack.pop()
}

fn line_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split_inclusive('\n').map(move |l| {
        let start = at;
        at += l.len();
        (start, l)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multi_line_span_is_cut_to_its_first_line() {
        let text = "a: 1\nb:\n  c: 2\n  d: 3\ne: 4\n";
        let p = PolicyProblem::new("f.yaml", text, Span::new(10, 22), "m", None);
        assert_eq!((p.line, p.column), (3, 3));
        assert_eq!(p.src.text, "b:\n  c: 2\n  d: 3");
        assert_eq!(p.span, (5, 4).into());
    }

    #[test]
    fn the_window_is_redacted() {
        let text = "services:\n  db:\n    environment:\n      MYSQL_ROOT_PASSWORD: supersecret\n";
        let p = PolicyProblem::new("compose.yaml", text, Span::new(0, 8), "m", None);
        assert_eq!(p.line, 1);
        assert!(!p.src.text.contains("supersecret"), "{}", p.src.text);
        let p = PolicyProblem::new("compose.yaml", text, Span::new(40, 50), "m", None);
        assert!(!p.src.text.contains("supersecret"), "{}", p.src.text);
    }

    #[test]
    fn an_unclosed_flow_mapping_is_found_where_it_opens() {
        let text = "a: 1\nb: {x: [1, 2]\nc: 3\n";
        assert_eq!(unclosed_flow(text, text.find("c:").unwrap()), Some(8));
        let closed = "a: {x: 1}\nb: 'a{b'\nc: d[e\n";
        assert_eq!(unclosed_flow(closed, closed.len()), None);
    }
}
