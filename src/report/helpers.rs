//! The handlebars registry shared by the HTML and Markdown reports, and its helpers.
//!
//! Each report registers its own escape function (HTML entities, or Markdown
//! backslashes), so a plain `{{field}}` is always safe for the format it is
//! written in. The few helpers that must write markup themselves
//! (`md_code`, `html`, `code`, `rich`) escape their argument before writing it.

use handlebars::{
    Context, Handlebars, Helper, HelperResult, JsonRender, Output, RenderContext, RenderErrorReason,
};
use serde_json::Value;

use super::escape;

/// The format a registry writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    /// HTML: entities.
    Html,
    /// GitHub-flavoured Markdown: backslashes, and nothing GitHub would act on.
    Markdown,
}

/// A registry with the report helpers and the escape function of `flavour`.
///
/// Helpers: `join LIST SEP`, `plural N ONE MANY`, `code TEXT` (a name or
/// location as code), `rich TEXT` (text whose backtick-quoted values are
/// shown as code), and for Markdown `md_code LINES` (a fenced block of
/// snippet lines) and `html TEXT` (escaped for an HTML tag such as `<summary>`).
pub(crate) fn registry(flavour: Flavour) -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    let (escape_fn, code_fn, rich_fn, html_fn): (Escape, Escape, Escape, Escape) = match flavour {
        Flavour::Html => (escape::html, html_code, escape::html_rich, escape::html),
        Flavour::Markdown => (
            escape::markdown,
            escape::markdown_code,
            escape::markdown_rich,
            escape::html_in_markdown,
        ),
    };
    hb.register_escape_fn(escape_fn);
    hb.register_helper("join", Box::new(join));
    hb.register_helper("plural", Box::new(plural));
    hb.register_helper("md_code", Box::new(md_code));
    hb.register_helper("html", Box::new(writer("html", html_fn)));
    hb.register_helper("code", Box::new(writer("code", code_fn)));
    hb.register_helper("rich", Box::new(writer("rich", rich_fn)));
    hb
}

/// An escape function: scanned text in, safe markup out.
type Escape = fn(&str) -> String;

/// `<code>` around HTML-escaped text.
fn html_code(text: &str) -> String {
    format!("<code>{}</code>", escape::html(text))
}

/// A helper that writes its one argument through `escape_fn`.
fn writer(
    name: &'static str,
    escape_fn: Escape,
) -> impl Fn(
    &Helper<'_>,
    &Handlebars<'_>,
    &Context,
    &mut RenderContext<'_, '_>,
    &mut dyn Output,
) -> HelperResult
+ Send
+ Sync {
    move |h, _, _, _, out| {
        let text = match param(h, 0, name)? {
            Value::Null => String::new(),
            v => v.render(),
        };
        out.write(&escape_fn(&text))?;
        Ok(())
    }
}

/// `{{join list ", "}}`: the items rendered and joined, then escaped.
fn join(
    h: &Helper<'_>,
    r: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let list = param(h, 0, "join")?;
    let sep = h.param(1).map_or(", ".to_string(), |p| p.value().render());
    let items: Vec<String> = match list {
        Value::Array(items) => items.iter().map(JsonRender::render).collect(),
        Value::Null => Vec::new(),
        other => vec![other.render()],
    };
    out.write(&r.get_escape_fn()(&items.join(&sep)))?;
    Ok(())
}

/// `{{plural n "finding" "findings"}}`: the singular when n is 1.
fn plural(
    h: &Helper<'_>,
    r: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let n = match param(h, 0, "plural")? {
        Value::Array(a) => a.len() as u64,
        v => v.as_u64().unwrap_or(0),
    };
    let word = param(h, if n == 1 { 1 } else { 2 }, "plural")?.render();
    out.write(&r.get_escape_fn()(&word))?;
    Ok(())
}

/// `{{md_code source_lines}}`: a fenced code block that no backtick in the text can close.
///
/// Lines inside the finding are marked with `>`; hidden characters are shown as markers.
fn md_code(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let Value::Array(lines) = param(h, 0, "md_code")? else {
        return Ok(());
    };
    let mut body = String::new();
    for line in lines {
        let number = line.get("line").and_then(Value::as_u64).unwrap_or(0);
        let text = line.get("text").and_then(Value::as_str).unwrap_or("");
        let focus = line.get("focus").and_then(Value::as_bool).unwrap_or(false);
        let mark = if focus { '>' } else { ' ' };
        let cut = match line.get("shortened").and_then(Value::as_u64) {
            Some(n) => format!(" … [line shortened, {n} characters in all]"),
            None => String::new(),
        };
        body.push_str(&format!(
            "{mark}{number:>5} | {}{cut}\n",
            escape::reveal(text)
        ));
    }
    let fence = "`".repeat(escape::longest_backtick_run(&body).max(2) + 1);
    out.write(&format!("{fence}text\n{body}{fence}"))?;
    Ok(())
}

/// The value of parameter `i`, or an error naming the helper.
fn param<'a>(
    h: &'a Helper<'_>,
    i: usize,
    helper: &'static str,
) -> Result<&'a Value, RenderErrorReason> {
    h.param(i)
        .map(|p| p.value())
        .ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex(helper, i))
}
