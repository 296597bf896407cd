//! Reports: every output format except the terminal text, rendered from one [`ScanResult`].
//!
//! All formats read the same model, so they never disagree: JSON is the model
//! itself, SARIF and JUnit are built with serde and a small XML writer, and
//! HTML and Markdown go through handlebars templates embedded in the binary
//! (a user may replace them with `--template FILE`). Rule metadata (titles,
//! descriptions, remediation, controls) comes from the policy engine as a
//! slice of [`RuleInfo`] passed alongside the result. This module also merges
//! saved results for `vouch report a.json b.json`.

mod chart;
mod context;
pub mod controls;
mod escape;
mod helpers;
pub mod html;
pub mod json;
pub mod junit;
pub mod limit;
pub mod markdown;
mod merge;
pub mod sarif;
pub mod text;

use std::fmt;
use std::str::FromStr;

use crate::result::ScanResult;

/// What a report needs to know about one rule.
pub use crate::result::RuleInfo;
pub use context::{TemplateContext, template_context};
pub use json::load_result;
pub use merge::merge;

/// An output format, as named on the command line (`--format`, `-o FMT=FILE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Terminal text; rendered by the terminal printer, not by [`render`].
    Text,
    /// The pretty-printed [`ScanResult`].
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
    /// JUnit XML for CI test views.
    Junit,
    /// GitHub-flavoured Markdown for PR comments and step summaries.
    Markdown,
    /// One self-contained HTML file for auditors.
    Html,
}

impl Format {
    /// Every format, in the order the help text lists them.
    pub const ALL: [Format; 6] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Markdown,
        Format::Html,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "xml",
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = ReportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "text" => Format::Text,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "junit" => Format::Junit,
            "markdown" | "md" => Format::Markdown,
            "html" => Format::Html,
            _ => return Err(ReportError::UnknownFormat(s.to_string())),
        })
    }
}

/// A format with its options, as written after `--format` or before the `=` of `-o`:
/// `html`, `markdown:comment`, `markdown:200000`, `sarif:open`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatSpec {
    /// The format.
    pub format: Format,
    /// `markdown:comment` or `markdown:BYTES`: the Markdown size budget.
    pub markdown_max_bytes: Option<usize>,
    /// `sarif:open`: leave suppressed findings out.
    pub sarif_open_only: bool,
}

/// The budget of `markdown:comment`: under GitHub's 65,536-character limit
/// for a comment body (a byte count is never below the character count).
pub const COMMENT_MAX_BYTES: usize = 65_000;

impl FormatSpec {
    /// `options` with this spec's choices applied.
    pub fn apply(&self, options: &RenderOptions) -> RenderOptions {
        let mut options = options.clone();
        if self.markdown_max_bytes.is_some() {
            options.markdown_max_bytes = self.markdown_max_bytes;
        }
        options.sarif_open_only |= self.sarif_open_only;
        options
    }
}

impl FromStr for FormatSpec {
    type Err = ReportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, option) = match s.split_once(':') {
            Some((name, option)) => (name, Some(option)),
            None => (s, None),
        };
        let mut spec = FormatSpec {
            format: name.parse()?,
            markdown_max_bytes: None,
            sarif_open_only: false,
        };
        let bad = |message: &str| ReportError::FormatOption {
            spec: s.to_string(),
            message: message.to_string(),
        };
        match (spec.format, option) {
            (_, None) => {}
            (Format::Markdown, Some("comment")) => {
                spec.markdown_max_bytes = Some(COMMENT_MAX_BYTES)
            }
            (Format::Markdown, Some(n)) => {
                let bytes: usize = n
                    .parse()
                    .map_err(|_| bad("a Markdown size budget is `comment` or a number of bytes"))?;
                if bytes < 4_096 {
                    return Err(bad(
                        "a Markdown size budget below 4096 bytes leaves no room for the summary",
                    ));
                }
                spec.markdown_max_bytes = Some(bytes);
            }
            (Format::Sarif, Some("open")) => spec.sarif_open_only = true,
            (_, Some(_)) => return Err(bad("this format has no such option")),
        }
        Ok(spec)
    }
}

/// Everything a renderer receives.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The result to render.
    pub result: &'a ScanResult,
    /// Metadata of the rules in force; rules missing here are described from their findings.
    pub rules: &'a [RuleInfo],
}

impl<'a> ReportInput<'a> {
    /// Pairs a result with its rules' metadata.
    pub fn new(result: &'a ScanResult, rules: &'a [RuleInfo]) -> Self {
        ReportInput { result, rules }
    }

    /// The metadata of rule `id`, when the engine supplied it.
    pub fn rule(&self, id: &str) -> Option<&'a RuleInfo> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// Choices that change how a report is rendered.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// A template replacing the built-in HTML one (`--template html=FILE`).
    pub html_template: Option<Template>,
    /// A template replacing the built-in Markdown one (`--template markdown=FILE`).
    pub markdown_template: Option<Template>,
    /// Size budget of the Markdown report in bytes; `None` means
    /// [`markdown::DEFAULT_MAX_BYTES`] (1 MiB, GitHub's step-summary limit).
    pub markdown_max_bytes: Option<usize>,
    /// Leave suppressed findings out of the SARIF log (`-o sarif:open=FILE`):
    /// GitHub code scanning does not read SARIF suppressions and would open
    /// an alert for each.
    pub sarif_open_only: bool,
    /// The directory SARIF URIs are made relative to (`%SRCROOT%`), and the
    /// directory the result's relative paths start from; see [`sarif::Base`].
    pub sarif_base: Option<sarif::Base>,
}

/// A user's handlebars template and the file it was read from.
#[derive(Debug, Clone)]
pub struct Template {
    /// The file, as given, for error messages.
    pub file: String,
    /// The handlebars source.
    pub source: String,
}

impl RenderOptions {
    /// The custom template of `format`, if one was given.
    pub fn template(&self, format: Format) -> Option<&Template> {
        match format {
            Format::Html => self.html_template.as_ref(),
            Format::Markdown => self.markdown_template.as_ref(),
            _ => None,
        }
    }
}

/// Why a report could not be produced.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ReportError {
    /// `render` was asked for text, which the terminal printer owns.
    #[error("the text format is printed by the terminal printer, not rendered as a report")]
    #[diagnostic(code(report::text_format))]
    TextFormat,
    /// A format name that does not exist.
    #[error("unknown report format `{0}`")]
    #[diagnostic(
        code(report::unknown_format),
        help("use one of: text, json, sarif, junit, markdown, html")
    )]
    UnknownFormat(String),
    /// A custom template that does not parse.
    #[error("{file}: the template does not parse at line {line}, column {column}: {message}")]
    #[diagnostic(
        code(report::template),
        help("see docs/templates.md for the syntax and the fields a template receives")
    )]
    Template {
        /// The template file.
        file: String,
        /// The parser's reason.
        message: String,
        /// Line in the template, from 1 (0 when unknown).
        line: usize,
        /// Column in the template, from 1 (0 when unknown).
        column: usize,
    },
    /// A template that parsed but failed while rendering (a bad helper call).
    #[error("could not render the {format} report: {message}")]
    #[diagnostic(code(report::render))]
    Render {
        /// The format being rendered.
        format: Format,
        /// The renderer's reason.
        message: String,
    },
    /// `-o` or `--format` asked for an option the format does not have.
    #[error("`{spec}`: {message}")]
    #[diagnostic(
        code(report::format_option),
        help(
            "options: `markdown:comment` (65,000 bytes, a pull-request comment), `markdown:BYTES`, `sarif:open` (no suppressed findings)"
        )
    )]
    FormatOption {
        /// The format as written.
        spec: String,
        /// What is wrong.
        message: String,
    },
    /// Serialising to JSON failed; only a bug can cause this.
    #[error("could not serialise the result: {0}")]
    #[diagnostic(code(report::serialise))]
    Serialise(#[from] serde_json::Error),
    /// A saved result that is not valid JSON or does not match the schema.
    #[error("{file}{}: not a vouch JSON result: {message}", position(*.line, *.column))]
    #[diagnostic(
        code(report::invalid_result),
        help("`vouch report` reads the files written by `vouch check --format json`")
    )]
    InvalidResult {
        /// The file name as given.
        file: String,
        /// Line of the problem, from 1 (0 when the JSON parsed but its content is wrong).
        line: usize,
        /// Column of the problem, from 1 (0 as for `line`).
        column: usize,
        /// What is wrong, with the JSON pointer of the bad value when known.
        message: String,
    },
}

/// `:LINE:COLUMN` after a file name, or nothing when the place is unknown (0).
fn position(line: usize, column: usize) -> String {
    match (line, column) {
        (0, _) => String::new(),
        (l, 0) => format!(":{l}"),
        (l, c) => format!(":{l}:{c}"),
    }
}

/// Renders `input` in `format`; every format but [`Format::Text`].
pub fn render(
    format: Format,
    input: &ReportInput<'_>,
    options: &RenderOptions,
) -> Result<String, ReportError> {
    match format {
        Format::Text => Err(ReportError::TextFormat),
        Format::Json => json::render(input.result),
        Format::Sarif => sarif::render(input, options),
        Format::Junit => Ok(junit::render(input)),
        Format::Markdown => markdown::render(input, options),
        Format::Html => html::render(input, options),
    }
}

/// A registry of `flavour` with the user's template, or the built-in one, registered as `report`.
///
/// The built-in template is rendered in strict mode, so a typo in it fails
/// the tests; a user's renders missing fields as empty text.
fn compile(
    flavour: helpers::Flavour,
    custom: Option<&Template>,
    builtin: &'static str,
) -> Result<handlebars::Handlebars<'static>, ReportError> {
    let mut hb = helpers::registry(flavour);
    hb.set_strict_mode(custom.is_none());
    let (file, source) = custom.map_or(("the built-in template", builtin), |t| {
        (t.file.as_str(), t.source.as_str())
    });
    hb.register_template_string("report", source)
        .map_err(|e| template_error(file, &e))?;
    Ok(hb)
}

/// Turns a handlebars template parse error in `file` into a [`ReportError::Template`].
fn template_error(file: &str, err: &handlebars::TemplateError) -> ReportError {
    let (line, column) = err.pos().unwrap_or((0, 0));
    ReportError::Template {
        file: file.to_string(),
        message: err.reason().to_string(),
        line,
        column,
    }
}

/// Turns a handlebars render error into a [`ReportError::Render`].
fn render_error(format: Format, err: &handlebars::RenderError) -> ReportError {
    ReportError::Render {
        format,
        message: err.to_string(),
    }
}
