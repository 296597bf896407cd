//! `.env` files: one `env/variable` resource per `KEY=value` assignment.
//!
//! The dialect is the common ground of docker compose, python-dotenv and the
//! node `dotenv` package: comments, an `export ` prefix, single, double and back
//! quotes, multi-line quoted values and CRLF files. Values are kept exactly as
//! the program would see them, except that `${OTHER}` references stay as
//! written so the engine can treat them as references rather than literals.
//! A line that cannot be read is skipped and reported; only an unterminated
//! quote, which swallows the rest of the file, stops the parse, and the
//! variables before it are still kept.

use crate::inputs::ParseError;
use crate::resource::Resource;
use crate::source::SourceFile as Source;
use crate::source::{SourceFile, Span};
use crate::tree::{Node, Value};

/// The kind of every resource this module extracts.
pub const KIND: &str = "env/variable";

/// A lenient parse: the resources, and the problems of the lines that were
/// skipped (last, the unterminated quote that ended the parse, if one did).
pub type Parsed = (Vec<Resource>, Vec<ParseError>);

/// Extracts one `env/variable` per assignment and logs the problems as
/// warnings. A scan goes through [`parse`] instead, so that the problems
/// reach the result's `errors`.
pub fn extract(file: &SourceFile) -> Vec<Resource> {
    let (resources, problems) = parse(file);
    for problem in &problems {
        let (line, column) = file.line_col(problem.offset);
        // The message never quotes the line: it may hold a secret.
        log::warn!(
            "{}:{line}:{column}: {}",
            file.display_path(),
            problem.message
        );
    }
    resources
}

/// Extracts every assignment that can be read and lists the lines that could not.
pub fn parse(file: &SourceFile) -> Parsed {
    let mut parser = Parser {
        file,
        pos: 0,
        resources: Vec::new(),
        skipped: Vec::new(),
    };
    while parser.pos < file.text.len() {
        if let Err(unterminated) = parser.line() {
            parser.skipped.push(unterminated);
            break;
        }
    }
    (parser.resources, parser.skipped)
}

/// Walks the file one logical line at a time (a quoted value may span several).
struct Parser<'a> {
    file: &'a Source,
    pos: usize,
    resources: Vec<Resource>,
    skipped: Vec<ParseError>,
}

/// One physical line: where it starts, where its text ends (before `\r\n`), and the next line.
struct Line {
    end: usize,
    next: usize,
}

impl<'a> Parser<'a> {
    fn text(&self) -> &'a str {
        &self.file.text
    }

    /// The physical line that holds `offset`.
    fn line_at(&self, offset: usize) -> Line {
        let text = self.text();
        let newline = text[offset..].find('\n').map(|i| offset + i);
        let end = newline.unwrap_or(text.len());
        let end = if text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        let next = newline.map_or(text.len(), |i| i + 1);
        Line { end, next }
    }

    /// Reads the line at `self.pos` and moves past it (and past any value lines it owns).
    fn line(&mut self) -> Result<(), ParseError> {
        let line = self.line_at(self.pos);
        let start = skip_blanks(self.text(), self.pos, line.end);
        self.pos = line.next;
        if start == line.end || self.text()[start..].starts_with('#') {
            return Ok(());
        }
        let key_start = strip_export(self.text(), start, line.end);
        let Some(eq) = self.text()[key_start..line.end]
            .find('=')
            .map(|i| key_start + i)
        else {
            self.skip(key_start, "expected `KEY=value`; the line has no `=`");
            return Ok(());
        };
        let key = self.text()[key_start..eq].trim_end_matches([' ', '\t']);
        if !is_key(key) {
            self.skip(key_start, "the text before `=` is not a variable name");
            return Ok(());
        }
        let key = key.to_string();
        let value_start = skip_blanks(self.text(), eq + 1, line.end);
        let value = match self.text()[value_start..].chars().next() {
            Some(q @ ('"' | '\'' | '`')) if value_start < line.end => {
                self.quoted(value_start, q)?
            }
            _ => unquoted(self.text(), value_start, line.end),
        };
        let span = Span::new(key_start, value.end);
        let body = Node::new(value.span, Value::Str(value.text));
        self.resources
            .push(Resource::new(KIND, key.clone(), span, body).with_address(key));
        Ok(())
    }

    /// Reads a quoted value opening at `open`; the parse resumes after the line that closes it.
    fn quoted(&mut self, open: usize, quote: char) -> Result<ValueText, ParseError> {
        let text = self.text();
        let (value, close) = if quote == '"' {
            double_quoted(text, open + 1)
        } else {
            literal_quoted(text, open + 1, quote)
        }
        .ok_or_else(|| {
            ParseError::new(
                open,
                format!(
                    "unterminated {quote} quote: no closing {quote} before the end of the file"
                ),
            )
        })?;
        let line = self.line_at(close);
        let after = skip_blanks(text, close + 1, line.end);
        self.pos = line.next;
        if after < line.end && !text[after..].starts_with('#') {
            // The value is still kept: losing a variable would hide it from every rule.
            self.skip(after, "unexpected text after the closing quote");
        }
        Ok(ValueText {
            text: value,
            span: Span::new(open + 1, close),
            end: close + 1,
        })
    }

    fn skip(&mut self, offset: usize, message: &str) {
        self.skipped.push(ParseError::new(offset, message));
    }
}

/// A value as the program sees it, where its text stands, and where the assignment ends.
struct ValueText {
    text: String,
    span: Span,
    end: usize,
}

/// An unquoted value runs to the end of the line or to a ` #` comment, trailing blanks dropped.
fn unquoted(text: &str, start: usize, end: usize) -> ValueText {
    let bytes = text.as_bytes();
    let mut stop = end;
    for i in start..end {
        if bytes[i] == b'#' && i > 0 && matches!(bytes[i - 1], b' ' | b'\t') {
            stop = i;
            break;
        }
    }
    let value = text[start..stop].trim_end_matches([' ', '\t']);
    let stop = start + value.len();
    ValueText {
        text: value.to_string(),
        span: Span::new(start, stop),
        end: stop,
    }
}

/// The value of a double-quoted string starting at `from`, and the offset of its closing quote.
/// `\n`, `\t`, `\r`, `\"`, `\\` and `\$` are escapes and a backslash before a line break
/// joins the lines; any other backslash is kept, as shells keep it.
fn double_quoted(text: &str, from: usize) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = text[from..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, from + i)),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '\n' => {}
                '\r' if chars.peek().is_some_and(|&(_, n)| n == '\n') => {
                    chars.next();
                }
                // TODO: `\${X}` becomes `${X}`, which the engine then reads as a
                // reference although the program sees literal text.
                e @ ('"' | '\\' | '$') => out.push(e),
                other => {
                    out.push('\\');
                    out.push(other);
                }
            },
            '\r' if chars.peek().is_some_and(|&(_, n)| n == '\n') => {}
            _ => out.push(c),
        }
    }
    None
}

/// The value of a single- or back-quoted string: no escapes, CRLF read as LF.
fn literal_quoted(text: &str, from: usize, quote: char) -> Option<(String, usize)> {
    let close = from + text[from..].find(quote)?;
    Some((text[from..close].replace("\r\n", "\n"), close))
}

/// The first offset in `from..end` that is not a space or tab.
fn skip_blanks(text: &str, from: usize, end: usize) -> usize {
    let blanks = text[from..end].len() - text[from..end].trim_start_matches([' ', '\t']).len();
    from + blanks
}

/// Skips an `export ` prefix; `export=1` and `exported=1` are ordinary keys.
fn strip_export(text: &str, start: usize, end: usize) -> usize {
    let line = &text[start..end];
    match line.strip_prefix("export") {
        Some(rest) if rest.starts_with([' ', '\t']) => skip_blanks(text, start + 6, end),
        _ => start,
    }
}

/// Keys are letters, digits, `_`, `.` and `-`, as compose and the dotenv packages accept.
fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_quote_escapes() {
        let text = r#"a\nb\tc\"d\\e\$f\qg" tail"#;
        let (value, close) = double_quoted(text, 0).unwrap();
        assert_eq!(value, "a\nb\tc\"d\\e$f\\qg");
        assert_eq!(&text[close..close + 1], "\"");
    }

    #[test]
    fn unquoted_comment_needs_a_blank_before_it() {
        let text = "a#b # c";
        assert_eq!(unquoted(text, 0, text.len()).text, "a#b");
    }
}
