//! Dockerfile words: splitting arguments and removing quotes, with spans.
//!
//! Instructions are joined from several physical lines, so their text no
//! longer matches the file byte for byte; [`Joined`] remembers where every
//! byte came from. Words are split the way BuildKit's `parseWords` splits them
//! and unquoted the way its shell lexer does, minus variable expansion: `$VAR`
//! stays as written so the engine can treat it as a reference.

use crate::source::Span;

/// Text joined from pieces of the file, with the file offset of every byte.
#[derive(Debug, Clone, Default)]
pub(super) struct Joined {
    /// The joined text.
    pub text: String,
    /// The file offset of each byte of `text`.
    offsets: Vec<usize>,
    /// The file offset just past the last piece.
    end: usize,
}

impl Joined {
    /// Appends the file bytes `start..end`.
    pub fn push(&mut self, file: &str, start: usize, end: usize) {
        self.text.push_str(&file[start..end]);
        self.offsets.extend(start..end);
        self.end = end;
    }

    /// The part between byte `from` and byte `to` of the text.
    pub fn slice(&self, from: usize, to: usize) -> Joined {
        let to = to.min(self.text.len());
        let from = from.min(to);
        let end = match self.offsets.get(from..to).and_then(<[usize]>::last) {
            Some(last) => last + 1,
            None => self.span(from, from).start,
        };
        Joined {
            text: self.text[from..to].to_string(),
            offsets: self.offsets[from..to].to_vec(),
            end,
        }
    }

    /// The text without leading and trailing white space.
    pub fn trimmed(&self) -> Joined {
        let from = self.text.len() - self.text.trim_start().len();
        let to = self.text.trim_end().len().max(from);
        self.slice(from, to)
    }

    /// The file span of the text bytes `from..to`.
    pub fn span(&self, from: usize, to: usize) -> Span {
        let at = |i: usize| self.offsets.get(i).copied().unwrap_or(self.end);
        if from >= to {
            return Span::new(at(from), at(from));
        }
        let end = self.offsets.get(to - 1).map_or(self.end, |o| o + 1);
        Span::new(at(from), end)
    }

    /// The file span of the whole text.
    pub fn whole(&self) -> Span {
        self.span(0, self.text.len())
    }
}

/// Splits `text` at white space outside quotes; gives each word's byte range.
/// Quotes and escapes stay in the words, as in BuildKit's `parseWords`.
pub(super) fn split_words(text: &str, escape: char) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if quote.is_none() && c.is_whitespace() {
            if let Some(s) = start.take() {
                words.push((s, i));
            }
            continue;
        }
        start.get_or_insert(i);
        match quote {
            // Nothing can be escaped inside single quotes.
            Some('\'') if c == '\'' => quote = None,
            Some('\'') => {}
            Some(q) if c == q => quote = None,
            _ if c == escape => {
                chars.next();
            }
            None if c == '\'' || c == '"' => quote = Some(c),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, text.len()));
    }
    words
}

/// A value with its quotes and escapes removed, and the byte range of its
/// inside when the whole of it is one quoted string.
pub(super) type Unquoted = (String, Option<(usize, usize)>);

/// Removes quotes and escapes as the shell lexer of BuildKit does, without
/// expanding variables. An unterminated quote gives the offset of its opening.
pub(super) fn unquote(text: &str, escape: char) -> Result<Unquoted, usize> {
    let mut out = String::new();
    let mut inside = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        let close = match c {
            _ if c == escape => {
                out.extend(chars.next().map(|(_, n)| n));
                continue;
            }
            '\'' => single_quoted(&mut chars, &mut out),
            '"' => double_quoted(&mut chars, &mut out, escape),
            _ => {
                out.push(c);
                continue;
            }
        };
        let close = close.ok_or(i)?;
        if i == 0 && close + 1 == text.len() {
            inside = Some((1, close));
        }
    }
    Ok((out, inside))
}

/// Copies a single-quoted string verbatim; gives the offset of the closing quote.
fn single_quoted(chars: &mut std::str::CharIndices<'_>, out: &mut String) -> Option<usize> {
    for (i, c) in chars.by_ref() {
        if c == '\'' {
            return Some(i);
        }
        out.push(c);
    }
    None
}

/// Copies a double-quoted string, where only `"`, `$` and the escape
/// character itself can be escaped; gives the offset of the closing quote.
fn double_quoted(
    chars: &mut std::str::CharIndices<'_>,
    out: &mut String,
    escape: char,
) -> Option<usize> {
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some(i),
            _ if c == escape => {
                let (_, next) = chars.next()?;
                if next != '"' && next != '$' && next != escape {
                    out.push(escape);
                }
                out.push(next);
            }
            _ => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        split_words(text, '\\')
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect()
    }

    #[test]
    fn words_keep_quotes_and_escapes() {
        assert_eq!(
            words(r#"A="x y" B='p q' C=a\ b"#),
            vec![r#"A="x y""#, "B='p q'", r"C=a\ b"]
        );
    }

    #[test]
    fn unquote_follows_the_shell_lexer() {
        let q = |t| unquote(t, '\\');
        assert_eq!(q(r#""x y""#), Ok(("x y".into(), Some((1, 4)))));
        assert_eq!(q(r#"a"b c"d"#), Ok(("ab cd".into(), None)));
        assert_eq!(q(r#""\"\$\\\n""#), Ok((r#""$\\n"#.into(), Some((1, 9)))));
        assert_eq!(q(r"a\ b'\n'"), Ok((r"a b\n".into(), None)));
        assert_eq!(q("${X}"), Ok(("${X}".into(), None)));
        assert_eq!(q(r#"ab"cd"#), Err(2));
        assert_eq!(unquote(r"C:\dir `$x", '`'), Ok((r"C:\dir $x".into(), None)));
    }

    #[test]
    fn joined_spans_follow_the_file() {
        let file = "RUN a \\\n  b";
        let mut j = Joined::default();
        j.push(file, 4, 6);
        j.push(file, 8, 11);
        assert_eq!(j.text, "a   b");
        assert_eq!(j.span(0, 5), Span::new(4, 11));
        assert_eq!(j.span(4, 5), Span::new(10, 11));
        assert_eq!(j.trimmed().text, "a   b");
        assert_eq!(j.span(5, 5), Span::new(11, 11));
    }
}
