//! Escaping of text taken from scanned files, one function per output context.
//!
//! Anything a scanned file controls — resource names, messages, snippets —
//! can hold markup, template syntax or characters that change how the text
//! around them reads (bidirectional overrides, zero-width and tag characters,
//! the "Trojan Source" tricks). Every human-readable format escapes its own
//! syntax and shows such characters as a visible `⟨U+202E⟩` marker, so an
//! auditor sees exactly what the file holds.

use std::fmt::Write as _;

/// Whether `c` is invisible or reorders text, and so must be shown as a marker.
///
/// Tabs and newlines stay; each context decides what to do with them.
pub(crate) fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{ad}' | '\u{61c}' | '\u{115f}' | '\u{1160}' | '\u{180e}'
        | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}' | '\u{3164}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        | '\u{fffe}' | '\u{ffff}' | '\u{e0000}'..='\u{e007f}' | '\u{e0100}'..='\u{e01ef}')
}

/// Writes the visible marker for a hidden character: `⟨U+202E⟩`.
fn push_marker(out: &mut String, c: char) {
    // Writing to a String cannot fail.
    let _ = write!(out, "\u{27e8}U+{:04X}\u{27e9}", u32::from(c));
}

/// Escapes text for HTML element content and double- or single-quoted attributes.
pub(crate) fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if is_hidden(c) => push_marker(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for an inline Markdown context: a table cell, a list item, a paragraph.
///
/// Markup characters get a backslash, `<`, `>` and `&` become entities (GitHub
/// renders some raw HTML), line breaks become spaces so a table row stays one
/// line, and `@` is followed by a zero-width space so a scanned name never
/// mentions a GitHub user or team.
pub(crate) fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        // `snake_case_names` cannot open emphasis, so only an underscore at a word edge needs a backslash.
        let inside_word =
            c == '_' && prev.is_alphanumeric() && chars.peek().is_some_and(|n| n.is_alphanumeric());
        prev = c;
        match c {
            '_' if inside_word => out.push('_'),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' | '#' | '!' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("@\u{200b}"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' | '\t' => out.push(' '),
            c if is_hidden(c) => push_marker(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for XML content or a double-quoted attribute.
///
/// XML 1.0 cannot carry most control characters even as references, so they
/// become visible markers; tab, newline and carriage return become character
/// references so attributes keep them.
pub(crate) fn xml(text: &str) -> String {
    xml_escape(text, true)
}

/// Escapes text for XML element content, where tabs and line breaks can stay as they are.
pub(crate) fn xml_text(text: &str) -> String {
    xml_escape(text, false)
}

fn xml_escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' if !attribute => out.push(c),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_hidden(c) => push_marker(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// The longest run of backticks in `text`, to pick a code fence that cannot be closed early.
pub(crate) fn longest_backtick_run(text: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// Shows hidden characters as markers and leaves everything else alone (for code blocks).
pub(crate) fn reveal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push(c),
            c if is_hidden(c) => push_marker(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_reveals_bidi() {
        assert_eq!(
            html("<script>alert('x')</script> & \"{{x}}\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;{{x}}&quot;"
        );
        assert_eq!(html("a\u{202e}b\u{200b}c"), "a⟨U+202E⟩b⟨U+200B⟩c");
        assert_eq!(html("tag\u{e0041}"), "tag⟨U+E0041⟩");
    }

    #[test]
    fn markdown_escapes_table_syntax_and_mentions() {
        assert_eq!(markdown("a|b `c` *d*"), "a\\|b \\`c\\` \\*d\\*");
        assert_eq!(markdown("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(markdown("line1\r\nline2\nline3"), "line1 line2 line3");
        assert_eq!(markdown("@octocat"), "@\u{200b}octocat");
        assert_eq!(markdown("$x$ [l](u)"), "\\$x\\$ \\[l\\](u)");
        assert_eq!(
            markdown("OPENAI_API_KEY _em_ a__"),
            "OPENAI_API_KEY \\_em\\_ a\\_\\_"
        );
    }

    #[test]
    fn xml_replaces_forbidden_control_characters() {
        assert_eq!(xml("a\u{1b}[31m\u{0}"), "a⟨U+001B⟩[31m⟨U+0000⟩");
        assert_eq!(xml("\"<&>'\n"), "&quot;&lt;&amp;&gt;&apos;&#10;");
        assert_eq!(xml_text("a\nb\tc\r"), "a\nb\tc&#13;");
    }

    #[test]
    fn backtick_runs_are_measured() {
        assert_eq!(longest_backtick_run("a ``` b ` c ````"), 4);
        assert_eq!(longest_backtick_run("none"), 0);
    }
}
