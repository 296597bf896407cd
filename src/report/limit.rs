//! Length limits on text a scanned file controls, shared by every format.
//!
//! A rule's message quotes the value it found, and a value can be 100 KB
//! long. Copied whole into an HTML card, a Markdown table cell, a SARIF
//! result and a JUnit failure, it buries the report and eats a pull-request
//! comment's budget. Snippet lines are windowed in the template context; here
//! messages are: each quoted value is cut to a window with its full length
//! given, then the message as a whole. The engine cuts a finding's message so
//! when it makes it, so the JSON result holds what every report shows; cutting
//! a cut message again changes nothing.

use std::borrow::Cow;

use super::escape::quoted_parts;

/// A quoted value longer than this many characters is cut to this many.
pub const MAX_VALUE_CHARS: usize = 120;

/// A message longer than this many characters (after cutting values) is cut to this many.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// `message` with long `` `quoted` `` values and long unquoted words cut to a
/// window, and the whole cut to [`MAX_MESSAGE_CHARS`], each cut saying how
/// long the text was.
pub fn message(message: &str) -> Cow<'_, str> {
    if message.len() <= MAX_VALUE_CHARS {
        return Cow::Borrowed(message);
    }
    let mut out = String::with_capacity(MAX_MESSAGE_CHARS + 64);
    for (plain, quoted) in quoted_parts(message) {
        out.push_str(&long_words(plain));
        if let Some(q) = quoted {
            let n = q.chars().count();
            if n > MAX_VALUE_CHARS && !is_cut(q) {
                let head: String = q.chars().take(MAX_VALUE_CHARS).collect();
                out.push_str(&format!("`{head}…` ({n} characters)"));
            } else {
                out.push('`');
                out.push_str(q);
                out.push('`');
            }
        }
    }
    let n = out.chars().count();
    if n > MAX_MESSAGE_CHARS && !out.contains("… (message shortened, ") {
        let head: String = out.chars().take(MAX_MESSAGE_CHARS).collect();
        out = format!("{head}… (message shortened, {n} characters)");
    }
    if out == message {
        Cow::Borrowed(message)
    } else {
        Cow::Owned(out)
    }
}

/// Whether `text` is what a cut leaves: [`MAX_VALUE_CHARS`] characters and `…`.
fn is_cut(text: &str) -> bool {
    text.ends_with('…') && text.chars().count() == MAX_VALUE_CHARS + 1
}

/// `text` with every run of non-space characters longer than [`MAX_VALUE_CHARS`] cut.
fn long_words(text: &str) -> Cow<'_, str> {
    if !text
        .split(char::is_whitespace)
        .any(|w| w.len() > MAX_VALUE_CHARS && w.chars().count() > MAX_VALUE_CHARS && !is_cut(w))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let n = word.chars().count();
        if n > MAX_VALUE_CHARS && !is_cut(word) {
            let head: String = word.chars().take(MAX_VALUE_CHARS).collect();
            out.push_str(&format!("{head}… ({n} characters)"));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_messages_are_left_alone() {
        let m = "OPENAI_BASE_URL points at `http://gw.internal/v1`.";
        assert!(matches!(message(m), Cow::Borrowed(_)));
        let m = format!("{} `{}`", "word ".repeat(40), "v".repeat(MAX_VALUE_CHARS));
        assert_eq!(message(&m), m.as_str());
    }

    #[test]
    fn cutting_a_cut_message_changes_nothing() {
        let m = format!(
            "{} points at `{}` and {}.",
            "w".repeat(500),
            "v".repeat(5000),
            "word ".repeat(400)
        );
        let once = message(&m).into_owned();
        assert_ne!(once, m);
        assert_eq!(message(&once), once.as_str());
    }

    #[test]
    fn a_long_quoted_value_keeps_a_window_and_its_length() {
        let value = format!("http://long.internal/{}", "A<b>".repeat(25_000));
        let m = format!("OPENAI_BASE_URL points at `{value}` over plain HTTP.");
        let short = message(&m);
        let head: String = value.chars().take(MAX_VALUE_CHARS).collect();
        assert_eq!(
            short,
            format!("OPENAI_BASE_URL points at `{head}…` (100021 characters) over plain HTTP.")
        );
    }

    #[test]
    fn long_unquoted_words_and_long_messages_are_cut() {
        let m = format!("value {} end", "x".repeat(500));
        assert_eq!(
            message(&m),
            format!(
                "value {}… (500 characters) end",
                "x".repeat(MAX_VALUE_CHARS)
            )
        );
        let m = "many words ".repeat(500);
        let short = message(&m);
        assert!(
            short.ends_with("… (message shortened, 5500 characters)"),
            "{short}"
        );
        assert_eq!(
            short.chars().count(),
            MAX_MESSAGE_CHARS + "… (message shortened, 5500 characters)".chars().count()
        );
    }
}
