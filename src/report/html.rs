//! The HTML report: one self-contained file an auditor can open offline, read and print.
//!
//! Everything is inline — stylesheet, filter script, SVG charts — and the page
//! carries a Content-Security-Policy that forbids every fetch and allows only
//! the exact stylesheet and script shipped here (by hash). So even if some
//! scanned text slipped through escaping, it could neither run nor load
//! anything. All `{{field}}` output is HTML-escaped with hidden characters
//! made visible ([`super::escape::html`]); the template triple-stashes only
//! the constant assets.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use super::context::{Assets, template_context};
use super::{Format, RenderOptions, ReportError, ReportInput, helpers};

/// The built-in template (`templates/report.html.hbs`).
pub const TEMPLATE: &str = include_str!("../../templates/report.html.hbs");
/// The stylesheet inlined into the page.
pub const CSS: &str = include_str!("../../templates/report.css");
/// The filter script inlined into the page.
pub const JS: &str = include_str!("../../templates/report.js");

/// Renders `input` as HTML, with the custom template of `options` when given.
pub fn render(input: &ReportInput<'_>, options: &RenderOptions) -> Result<String, ReportError> {
    let mut context = template_context(input);
    context.assets = Some(assets());

    let hb = super::compile(
        helpers::Flavour::Html,
        options.html_template.as_ref(),
        TEMPLATE,
    )?;
    hb.render("report", &context)
        .map_err(|e| super::render_error(Format::Html, &e))
}

/// The inline assets and the policy that admits exactly them.
pub fn assets() -> Assets {
    Assets {
        css: CSS,
        js: JS,
        csp: format!(
            "default-src 'none'; style-src '{}'; script-src '{}'; img-src data:; \
             base-uri 'none'; form-action 'none'",
            csp_hash(CSS),
            csp_hash(JS)
        ),
    }
}

/// A CSP source expression for inline text: `sha256-` and the base64 digest.
fn csp_hash(text: &str) -> String {
    format!(
        "sha256-{}",
        STANDARD.encode(Sha256::digest(text.as_bytes()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_hash_matches_the_w3c_example_form() {
        // sha256 of the empty string, base64-encoded.
        assert_eq!(
            csp_hash(""),
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn policy_admits_only_the_shipped_assets() {
        let csp = assets().csp;
        assert!(
            csp.starts_with("default-src 'none'; style-src 'sha256-"),
            "{csp}"
        );
        assert!(
            csp.contains(&format!("script-src '{}'", csp_hash(JS))),
            "{csp}"
        );
    }
}
