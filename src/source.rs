//! Source files and the spans that point into them.
//!
//! Every parser turns byte offsets into [`Span`]s, and every finding is turned
//! back into a line and column through the file's [`SourceFile`] line index.
//! Keeping spans as byte ranges keeps the tree small and lets miette underline
//! the exact text of a finding.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (bytes).
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The smallest span that covers both.
    #[must_use]
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// Line and column of both ends of a span, counted from 1; columns count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    /// First line.
    pub line: usize,
    /// First column.
    pub column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column just past the last character.
    pub end_column: usize,
}

/// A scanned file: its text, the path as the user would type it, and a line index.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to the user (relative to the current directory where possible).
    pub path: PathBuf,
    /// The whole text, BOM removed.
    pub text: Arc<str>,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
    /// Bytes skipped at the start (a UTF-8 BOM), so offsets still match the file on disk.
    bom: usize,
    /// Whether the text is ASCII: then a column is a byte count, found without
    /// counting the characters of a long line for every finding on it.
    ascii: bool,
}

impl SourceFile {
    /// Builds the line index for `text`; a leading BOM is dropped from the text.
    pub fn new(path: impl Into<PathBuf>, text: &str) -> Self {
        let (text, bom) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (rest, 3),
            None => (text, 0),
        };
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: path.into(),
            ascii: text.is_ascii(),
            text: Arc::from(text),
            line_starts,
            bom,
        }
    }

    /// The path as shown to the user, with `/` separators.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }

    /// How many characters `text[range]` holds (its byte length when the file is ASCII).
    pub fn chars_in(&self, range: std::ops::Range<usize>) -> usize {
        if self.ascii {
            range.len()
        } else {
            self.text[range].chars().count()
        }
    }

    /// Whether the file on disk started with a byte order mark.
    pub fn had_bom(&self) -> bool {
        self.bom > 0
    }

    /// The 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = if self.ascii {
            offset - start
        } else {
            self.text[start..floor_char(&self.text, offset)]
                .chars()
                .count()
        };
        (line + 1, column + 1)
    }

    /// Line and column of both ends of `span`.
    pub fn location(&self, span: Span) -> Location {
        let (line, column) = self.line_col(span.start);
        let (end_line, end_column) = self.line_col(span.end.max(span.start));
        Location {
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// The byte offset where 1-based `line` starts, if the file has that line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line.checked_sub(1)?).copied()
    }

    /// The text of 1-based `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(start) = self.line_start(line) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// How many lines the file has.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The text a span covers (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// The largest char boundary at or below `offset`.
fn floor_char(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A few lines cut out of a file, which miette shows with the file's own line
/// numbers: diagnostics quote only the (redacted) lines around a problem,
/// never a whole file.
#[derive(Debug, Clone)]
pub struct Excerpt {
    /// The file's name, as shown.
    pub name: String,
    /// The lines.
    pub text: String,
    /// The 1-based line of the file the excerpt starts at.
    pub first_line: usize,
}

impl miette::SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            // miette counts lines from 0.
            inner.line() + self.first_line.saturating_sub(1),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A path with `/` separators and no leading `./`, as users type paths.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    match s.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_from_one() {
        let f = SourceFile::new("a", "ab\ncdé\nf");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(7), (2, 4));
        assert_eq!(f.line_col(8), (3, 1));
        assert_eq!(f.line_text(2), "cdé");
    }

    #[test]
    fn bom_is_dropped() {
        let f = SourceFile::new("a", "\u{feff}KEY=1");
        assert_eq!(&*f.text, "KEY=1");
        assert!(f.had_bom());
    }
}
