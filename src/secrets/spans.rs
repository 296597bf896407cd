//! Secret spans: the parts of one text that must never be shown, found once.
//!
//! A secret can cover several lines (a PEM block, a quoted YAML value folded
//! over two lines), or be recognisable only from a line a snippet does not
//! show (a Kubernetes `- name: DB_PASSWORD` above its `value:`). Judging each
//! shown line alone misses both. So the spans are found once for a whole
//! file, and every piece of the file that is shown — a snippet line, a
//! context line, a source quoted in an error — is cut out of the text through
//! [`SecretSpans::show`], which puts each span's redaction in its place.

use std::ops::Range;

use super::redact::redact;

/// One part of a text to hide, and what to show instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretSpan {
    /// Byte range within the text.
    pub range: Range<usize>,
    /// Its redaction (`sk-proj-…(164 chars, #3fa2c1)`).
    pub shown: String,
}

/// The secret parts of one text, sorted and never overlapping. Holds no secret.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretSpans {
    spans: Vec<SecretSpan>,
}

impl SecretSpans {
    /// No spans.
    pub const EMPTY: SecretSpans = SecretSpans { spans: Vec::new() };

    /// Adds `range` of `text`, shown as `shown`. A range inside one already
    /// there adds nothing; one covering others replaces them; one partly
    /// overlapping others is merged with them into their union, shown as the
    /// redaction of the whole union. Ranges are widened to char boundaries.
    pub fn add(&mut self, text: &str, range: Range<usize>, shown: String) {
        let mut range = char_range(text, range);
        if range.is_empty() {
            return;
        }
        let overlapping: Vec<usize> = self.overlapping_indices(&range).collect();
        if overlapping
            .iter()
            .any(|&i| contains(&self.spans[i].range, &range))
        {
            return;
        }
        let mut shown = shown;
        let partial = overlapping
            .iter()
            .any(|&i| !contains(&range, &self.spans[i].range));
        for &i in overlapping.iter().rev() {
            let old = self.spans.remove(i);
            range = range.start.min(old.range.start)..range.end.max(old.range.end);
        }
        if partial {
            shown = redact(&text[range.clone()]);
        }
        let at = self.spans.partition_point(|s| s.range.start < range.start);
        self.spans.insert(at, SecretSpan { range, shown });
    }

    /// As [`SecretSpans::add`], except that a span already there with exactly
    /// this range takes this `shown` (structure knows a value better than its
    /// text: the key a base64 string decodes to).
    pub fn prefer(&mut self, text: &str, range: Range<usize>, shown: String) {
        let range = char_range(text, range);
        let at = self.spans.partition_point(|s| s.range.start < range.start);
        match self.spans.get_mut(at).filter(|s| s.range == range) {
            Some(same) => same.shown = shown,
            None => self.add(text, range, shown),
        }
    }

    /// Adds every span of `other`, found on the same text.
    pub fn extend(&mut self, text: &str, other: SecretSpans) {
        for s in other.spans {
            self.add(text, s.range, s.shown);
        }
    }

    /// Whether any span overlaps `range`.
    pub fn overlaps(&self, range: &Range<usize>) -> bool {
        self.overlapping_indices(range).next().is_some()
    }

    /// The spans that overlap `range`, in order.
    pub fn overlapping<'a>(
        &'a self,
        range: &'a Range<usize>,
    ) -> impl Iterator<Item = &'a SecretSpan> + 'a {
        self.overlapping_indices(range).map(|i| &self.spans[i])
    }

    /// The indices of the spans that overlap `range`: one run of the sorted,
    /// disjoint list, found by binary search (a minified file can hold
    /// thousands of keys, and every finding on it asks).
    fn overlapping_indices<'a>(
        &'a self,
        range: &'a Range<usize>,
    ) -> impl Iterator<Item = usize> + 'a {
        // Disjoint and sorted by start, so sorted by end too.
        let first = self.spans.partition_point(|s| s.range.end <= range.start);
        (first..self.spans.len())
            .take_while(move |&i| self.spans[i].range.start < range.end)
            .filter(move |&i| overlap(&self.spans[i].range, range))
    }

    /// Every span, in order.
    pub fn iter(&self) -> impl Iterator<Item = &SecretSpan> {
        self.spans.iter()
    }

    /// How many spans there are.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// `text[range]` as it may be shown: each secret part replaced by its
    /// redaction. A secret that began before `range` (the second line of a
    /// PEM block) shows as `…` after the line's own indentation.
    pub fn show(&self, text: &str, range: Range<usize>) -> String {
        let range = char_range(text, range);
        let mut out = String::with_capacity(range.len());
        let mut at = range.start;
        for s in self.overlapping(&range) {
            if s.range.start >= at {
                out.push_str(&text[at..s.range.start]);
                out.push_str(&s.shown);
            } else {
                let covered = &text[at..s.range.end.min(range.end)];
                let indent = covered.len() - covered.trim_start().len();
                out.push_str(&covered[..indent]);
                if indent < covered.len() {
                    out.push('…');
                }
            }
            at = s.range.end.min(range.end).max(at);
        }
        out.push_str(&text[at..range.end]);
        out
    }

    /// The whole of `text` as it may be shown.
    pub fn show_all(&self, text: &str) -> String {
        self.show(text, 0..text.len())
    }

    /// Where byte `offset` of `text` lands in [`SecretSpans::show_all`]'s
    /// output: an offset inside a secret lands at the start of its redaction.
    pub fn map_offset(&self, offset: usize) -> usize {
        let mut shift: isize = 0;
        for s in &self.spans {
            if offset < s.range.start {
                break;
            }
            if offset < s.range.end {
                return s.range.start.saturating_add_signed(shift);
            }
            shift += s.shown.len() as isize - s.range.len() as isize;
        }
        offset.saturating_add_signed(shift)
    }
}

fn overlap(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Whether `outer` covers all of `inner`.
fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// `range` clipped to `text` and widened to char boundaries.
fn char_range(text: &str, range: Range<usize>) -> Range<usize> {
    let mut start = range.start.min(text.len());
    let mut end = range.end.min(text.len()).max(start);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spans for `(start, end)` pairs, each shown as `<its text>`.
    fn spans(text: &str, ranges: &[(usize, usize)]) -> SecretSpans {
        let mut s = SecretSpans::default();
        for &(a, b) in ranges {
            s.add(text, a..b, format!("<{}>", &text[a..b]));
        }
        s
    }

    #[test]
    fn inner_ranges_add_nothing_and_outer_ones_replace() {
        let text = "a=0123456789 b";
        let s = spans(text, &[(2, 12), (4, 8)]);
        assert_eq!(s.show_all(text), "a=<0123456789> b");
        let s = spans(text, &[(4, 8), (2, 12)]);
        assert_eq!(s.show_all(text), "a=<0123456789> b");
    }

    #[test]
    fn partial_overlaps_merge_into_one_redaction() {
        let text = "x=abcdefgh";
        let s = spans(text, &[(2, 6), (4, 10)]);
        assert_eq!(s.len(), 1);
        assert_eq!(s.show_all(text), "x=…(8 chars)");
    }

    #[test]
    fn a_span_over_several_lines_hides_each_line() {
        let text = "k: |\n  -----BEGIN\n  AAAA\n  -----END\nnext: 1\n";
        let start = text.find("-----BEGIN").unwrap_or(0);
        let end = text.find("END").map_or(0, |i| i + 3);
        let s = spans(text, &[(start, end)]);
        let line = |n: usize| {
            let from = text
                .split_inclusive('\n')
                .take(n)
                .map(str::len)
                .sum::<usize>();
            let len = text[from..].find('\n').unwrap_or(0);
            s.show(text, from..from + len)
        };
        assert_eq!(line(1), format!("  <{}>", &text[start..end]));
        assert_eq!(line(2), "  …");
        assert_eq!(line(3), "  …");
        assert_eq!(line(4), "next: 1");
    }

    #[test]
    fn offsets_map_into_the_shown_text() {
        let text = "ab SECRET cd";
        let s = spans(text, &[(3, 9)]);
        let shown = s.show_all(text);
        assert_eq!(shown, "ab <SECRET> cd");
        assert_eq!(s.map_offset(1), 1);
        assert_eq!(s.map_offset(5), 3);
        assert_eq!(&shown[s.map_offset(10)..], "cd");
    }

    #[test]
    fn ranges_are_kept_on_char_boundaries() {
        let text = "é=ñññ";
        let s = spans(text, &[(3, 7)]);
        assert!(s.show_all(text).starts_with("é=<"));
        assert_eq!(s.show(text, 1..4).chars().next(), Some('é'));
    }
}
