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
/// line, and nothing in the text can make GitHub act: `@` is followed by a
/// zero-width space (no mention, no e-mail link), so is the first colon of an
/// emoji shortcode (`:warning:`), and `http://` or `www.` get a backslash so
/// the autolinker passes them over.
pub(crate) fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        let rest = &text[i + c.len_utf8()..];
        let next = rest.chars().next();
        // `snake_case_names` cannot open emphasis, so only an underscore at a word edge needs a backslash.
        let inside_word =
            c == '_' && prev.is_alphanumeric() && next.is_some_and(char::is_alphanumeric);
        let after_www = i
            .checked_sub(3)
            .and_then(|start| text.get(start..i))
            .is_some_and(|w| w.eq_ignore_ascii_case("www"));
        prev = c;
        match c {
            '_' if inside_word => out.push('_'),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' | '#' | '!' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            ':' if rest.starts_with("//") => out.push_str("\\:"),
            '.' if after_www => out.push_str("\\."),
            '\r' if next == Some('\n') => {}
            '\r' | '\n' | '\t' => out.push(' '),
            c => push_for_github(&mut out, c, rest),
        }
    }
    out
}

/// Escapes text for HTML inside a Markdown report (`<summary>`).
///
/// GitHub does not parse Markdown inside an HTML block, but it still links
/// mentions and draws emoji there, and a blank line would end the block and
/// let the rest be read as Markdown. So: HTML entities, every line break a
/// space, and the same zero-width spaces as [`markdown`].
pub(crate) fn html_in_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, c) in text.char_indices() {
        let rest = &text[i + c.len_utf8()..];
        match c {
            '\r' if rest.starts_with('\n') => {}
            '\r' | '\n' | '\t' => out.push(' '),
            '&' | '<' | '>' | '"' | '\'' => out.push_str(&html(&c.to_string())),
            c => push_for_github(&mut out, c, rest),
        }
    }
    out
}

/// Pushes a character GitHub might act on in Markdown or HTML text, defused;
/// `rest` is the text after it.
fn push_for_github(out: &mut String, c: char, rest: &str) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '@' => out.push_str("@\u{200b}"),
        ':' if opens_shortcode(rest) => out.push_str(":\u{200b}"),
        c if is_hidden(c) => push_marker(out, c),
        c => out.push(c),
    }
}

/// Whether `rest` (the text after a colon) completes an emoji shortcode such
/// as `:warning:`, `:+1:` or `:100:`; a `file:31:19` location does not.
fn opens_shortcode(rest: &str) -> bool {
    let Some(end) = rest.find(':') else {
        return false;
    };
    let name = &rest[..end];
    // GitHub's emoji names are lower case; `AWS::CloudTrail::Trail` names none.
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '+' | '-'));
    valid
        && (name.chars().any(|c| c.is_ascii_lowercase())
            || matches!(name, "100" | "1234" | "+1" | "-1"))
}

/// Inline Markdown in which each `` `quoted` `` part of `text` becomes a code span.
///
/// Messages quote the values they found in backticks; shown as code, a URL
/// is not autolinked and nothing inside is read as markup. A quoted part with
/// a pipe (which a table cell cannot hold in a code span) or a line break
/// stays escaped text, like everything outside the quotes.
pub(crate) fn markdown_rich(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (plain, quoted) in quoted_parts(text) {
        out.push_str(&markdown(plain));
        match quoted {
            Some(q) if !q.trim().is_empty() && !q.contains(['|', '\n', '\r']) => {
                out.push('`');
                out.push_str(&reveal(q));
                out.push('`');
            }
            Some(q) => {
                out.push_str("\\`");
                out.push_str(&markdown(q));
                out.push_str("\\`");
            }
            None => {}
        }
    }
    out
}

/// HTML in which each `` `quoted` `` part of `text` becomes a `<code>` element.
pub(crate) fn html_rich(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (plain, quoted) in quoted_parts(text) {
        out.push_str(&html(plain));
        match quoted {
            Some(q) if !q.trim().is_empty() => {
                out.push_str("<code>");
                out.push_str(&html(q));
                out.push_str("</code>");
            }
            Some(q) => {
                out.push('`');
                out.push_str(&html(q));
                out.push('`');
            }
            None => {}
        }
    }
    out
}

/// Splits `text` into (plain, quoted) pairs at backticks; an unpaired last
/// backtick stays in the plain text.
pub(crate) fn quoted_parts(text: &str) -> Vec<(&str, Option<&str>)> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('`') else {
            break;
        };
        parts.push((&rest[..open], Some(&after[..close])));
        rest = &after[close + 1..];
    }
    parts.push((rest, None));
    parts
}

/// A Markdown code span of `text`, for names and locations: no mention,
/// emoji or link can form inside one.
///
/// A fence longer than any backtick run keeps the span closed. Text with a
/// pipe or a line break cannot sit in a code span inside a table cell, so it
/// is escaped as inline text instead.
pub(crate) fn markdown_code(text: &str) -> String {
    if text.trim().is_empty() || text.contains(['|', '\n', '\r']) {
        return markdown(text);
    }
    let fence = "`".repeat(longest_backtick_run(text) + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", reveal(text))
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
    fn markdown_defuses_what_github_acts_on() {
        assert_eq!(
            markdown("see :warning: :+1:"),
            "see :\u{200b}warning: :\u{200b}+1:"
        );
        assert_eq!(markdown("a.yaml:31:19 :100:"), "a.yaml:31:19 :\u{200b}100:");
        assert_eq!(markdown("AWS::CloudTrail::Trail"), "AWS::CloudTrail::Trail");
        assert_eq!(markdown("http://x.internal/v1"), "http\\://x.internal/v1");
        assert_eq!(markdown("WWW.example.com"), "WWW\\.example.com");
        assert_eq!(markdown("me@example.com"), "me@\u{200b}example.com");
    }

    #[test]
    fn html_in_markdown_stays_on_one_line_and_mentions_nobody() {
        let name = "x\n\n[click](https:evil) @octocat :warning: <b>\r\n.env";
        assert_eq!(
            html_in_markdown(name),
            "x  [click](https:evil) @\u{200b}octocat :\u{200b}warning: &lt;b&gt; .env"
        );
    }

    #[test]
    fn quoted_values_become_code() {
        assert_eq!(
            markdown_rich("points at `http://gw.internal/v1` (`a|b`) `"),
            "points at `http://gw.internal/v1` (\\`a\\|b\\`) \\`"
        );
        assert_eq!(
            markdown_rich("`@team` and `\u{202e}`"),
            "`@team` and `⟨U+202E⟩`"
        );
        assert_eq!(
            html_rich("set `x: <false>` now"),
            "set <code>x: &lt;false&gt;</code> now"
        );
    }

    #[test]
    fn code_spans_cannot_be_closed_early() {
        assert_eq!(markdown_code("deploy/a.yaml:3:1"), "`deploy/a.yaml:3:1`");
        assert_eq!(markdown_code("a``b"), "```a``b```");
        assert_eq!(markdown_code("`x"), "`` `x ``");
        assert_eq!(markdown_code("a|b"), "a\\|b");
        assert_eq!(markdown_code(""), "");
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
