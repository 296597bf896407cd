//! Dockerfile lines: parser directives, comments, continuations and heredocs.
//!
//! This turns the physical lines of a Dockerfile into instructions the way
//! BuildKit's parser does: `# escape=` is honoured only before anything else,
//! a line ending in the escape character continues on the next one (comment
//! and blank lines in between are dropped), and `RUN`, `COPY` and `ADD` may
//! take heredoc bodies from the lines that follow. The joined argument text
//! keeps the file offset of each byte so every value can be given its span.

use super::words::{Joined, split_words, unquote};
use crate::inputs::ParseError;
use crate::source::Span;

/// One instruction as written: keyword, arguments and any heredoc bodies.
pub(super) struct Instruction {
    /// The keyword as written (`run`, `RUN`).
    pub keyword: String,
    /// Where the keyword stands.
    pub keyword_span: Span,
    /// The arguments, continuation lines joined, blanks trimmed at both ends.
    pub args: Joined,
    /// The whole instruction, heredoc bodies included.
    pub span: Span,
    /// The heredocs the instruction reads, in order.
    pub heredocs: Vec<Heredoc>,
}

/// A heredoc body (`<<EOF` … `EOF`).
pub(super) struct Heredoc {
    /// The delimiter word, quotes removed.
    pub name: String,
    /// The body, each line ended by `\n`.
    pub content: String,
    /// The body lines in the file (empty at the delimiter line when the body is).
    pub span: Span,
}

/// One physical line: where it starts and where its text ends (before `\r\n`).
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

/// The instructions of a file and the problems that did not stop the reading,
/// or the error that made the rest unreadable (an unterminated heredoc).
pub(super) type Read = Result<(Vec<Instruction>, Vec<ParseError>, char), ParseError>;

/// Reads every instruction of `text`; also gives the escape character in force.
pub(super) fn read(text: &str) -> Read {
    let lines = physical_lines(text);
    let mut problems = Vec::new();
    let (escape, mut i) = directives(text, &lines, &mut problems);
    let mut instructions = Vec::new();
    while let Some(&line) = lines.get(i) {
        i += 1;
        let body = &text[line.start..line.end];
        let trimmed = body.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let start = line.start + (body.len() - trimmed.len());
        let mut instruction = instruction(text, &lines, &mut i, start, line.end, escape);
        if heredoc_keyword(&instruction.keyword) {
            heredocs(text, &lines, &mut i, &mut instruction, escape)?;
        }
        instructions.push(instruction);
    }
    Ok((instructions, problems, escape))
}

fn physical_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let newline = text[start..].find('\n').map(|i| start + i);
        let end = newline.unwrap_or(text.len());
        let content = if text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        lines.push(Line {
            start,
            end: content,
        });
        start = newline.map_or(text.len(), |i| i + 1);
    }
    lines
}

/// Reads the parser directives at the top of the file; returns the escape
/// character and the first line after them.
fn directives(text: &str, lines: &[Line], problems: &mut Vec<ParseError>) -> (char, usize) {
    let mut escape = '\\';
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let Some((name, value, value_at)) = directive(&text[line.start..line.end]) else {
            break;
        };
        match name.to_ascii_lowercase().as_str() {
            "escape" => match value {
                "\\" => escape = '\\',
                "`" => escape = '`',
                _ => problems.push(ParseError::new(
                    line.start + value_at,
                    "the escape directive takes `\\` or a backquote",
                )),
            },
            "syntax" | "check" => {}
            // An unknown directive is an ordinary comment, and ends the directives.
            _ => break,
        }
        i += 1;
    }
    (escape, i)
}

/// Splits `# name=value` into its name, value and the value's offset in the line.
fn directive(line: &str) -> Option<(&str, &str, usize)> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let name_len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let after_eq = rest[name_len..].trim_start().strip_prefix('=')?;
    let value = after_eq.trim();
    if value.is_empty() {
        return None;
    }
    let value_at = line.len() - after_eq.trim_start().len();
    Some((name, value, value_at))
}

/// Reads one instruction starting at `start`, following continuation lines.
fn instruction(
    text: &str,
    lines: &[Line],
    next: &mut usize,
    start: usize,
    end: usize,
    escape: char,
) -> Instruction {
    let keyword_len = text[start..end]
        .find(char::is_whitespace)
        .unwrap_or(end - start);
    let keyword_end = start + keyword_len;
    let mut args = Joined::default();
    let mut last_end = end;
    let mut continued = push_part(&mut args, text, keyword_end, end, escape);
    while continued {
        let Some(&line) = lines.get(*next) else { break };
        *next += 1;
        let body = text[line.start..line.end].trim_start();
        // BuildKit drops comment and blank lines inside a continued instruction.
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        last_end = line.end;
        continued = push_part(&mut args, text, line.start, line.end, escape);
    }
    Instruction {
        keyword: text[start..keyword_end].to_string(),
        keyword_span: Span::new(start, keyword_end),
        args: args.trimmed(),
        span: Span::new(start, last_end),
        heredocs: Vec::new(),
    }
}

/// Appends `start..end` to `args`, without a trailing escape character;
/// says whether the line continues.
fn push_part(args: &mut Joined, text: &str, start: usize, end: usize, escape: char) -> bool {
    let body = text[start..end].trim_end_matches([' ', '\t']);
    match body.strip_suffix(escape) {
        Some(kept) => {
            args.push(text, start, start + kept.len());
            true
        }
        None => {
            args.push(text, start, end);
            false
        }
    }
}

/// Whether BuildKit reads heredocs for this instruction.
fn heredoc_keyword(keyword: &str) -> bool {
    ["RUN", "COPY", "ADD"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(keyword))
}

/// Reads the body of every `<<NAME` word of the instruction from the lines after it.
fn heredocs(
    text: &str,
    lines: &[Line],
    next: &mut usize,
    instruction: &mut Instruction,
    escape: char,
) -> Result<(), ParseError> {
    if instruction.args.text.starts_with('[') {
        return Ok(());
    }
    for (word_start, word_end) in split_words(&instruction.args.text, escape) {
        let word = &instruction.args.text[word_start..word_end];
        let Some((name, chomp)) = heredoc_marker(word, escape) else {
            continue;
        };
        let at = instruction.args.span(word_start, word_end).start;
        let (heredoc, delimiter_end) =
            heredoc_body(text, lines, next, name, chomp).ok_or_else(|| {
                ParseError::new(at, "unterminated heredoc: its delimiter never comes")
            })?;
        instruction.span = Span::new(instruction.span.start, delimiter_end);
        instruction.heredocs.push(heredoc);
    }
    Ok(())
}

/// The delimiter of a `<<NAME` or `<<-NAME` word (with an optional fd number
/// before it); `<<<` is a here-string, not a heredoc.
fn heredoc_marker(word: &str, escape: char) -> Option<(String, bool)> {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.strip_prefix("<<")?;
    let (rest, chomp) = match rest.strip_prefix('-') {
        Some(r) => (r, true),
        None => (rest, false),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let (name, _) = unquote(rest, escape).ok()?;
    (!name.is_empty()).then_some((name, chomp))
}

/// Reads body lines up to the delimiter line; gives the body and the end of
/// the delimiter line, or `None` when the file ends first.
fn heredoc_body(
    text: &str,
    lines: &[Line],
    next: &mut usize,
    name: String,
    chomp: bool,
) -> Option<(Heredoc, usize)> {
    let mut content = String::new();
    let mut span: Option<Span> = None;
    while let Some(&line) = lines.get(*next) {
        *next += 1;
        let body = &text[line.start..line.end];
        let body = if chomp {
            body.trim_start_matches('\t')
        } else {
            body
        };
        if body == name {
            let span = span.unwrap_or(Span::new(line.start, line.start));
            let heredoc = Heredoc {
                name,
                content,
                span,
            };
            return Some((heredoc, line.end));
        }
        content.push_str(body);
        content.push('\n');
        let here = Span::new(line.start, line.end);
        span = Some(span.map_or(here, |s| s.join(here)));
    }
    None
}
