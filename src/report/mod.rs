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
mod controls;
mod escape;
mod helpers;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
mod merge;
pub mod sarif;
pub mod text;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::result::{ScanResult, Severity};

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

/// What a report needs to know about one rule; filled by the policy engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// The stable id, `VCH-ISO-001`.
    pub id: String,
    /// The kebab-case name of the pattern it flags, `key-in-plain-env`.
    pub name: String,
    /// A one-line title.
    pub title: String,
    /// One of [`crate::result::AREAS`] (or a user pack's own area).
    pub area: String,
    /// The default severity, before config overrides.
    pub severity: Severity,
    /// What it checks and why it matters (Markdown allowed).
    pub description: String,
    /// How to fix a failure.
    pub remediation: String,
    /// Controls it serves, `framework:control` (`soc2:CC6.1`).
    pub controls: Vec<String>,
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
    /// Handlebars source replacing the built-in HTML or Markdown template
    /// (`--template FILE`); JSON, SARIF and JUnit have no template and ignore it.
    pub template: Option<String>,
    /// Size budget of the Markdown report in bytes; `None` means
    /// [`markdown::DEFAULT_MAX_BYTES`] (1 MiB, GitHub's step-summary limit).
    pub markdown_max_bytes: Option<usize>,
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
    #[error("the template does not parse at line {line}, column {column}: {message}")]
    #[diagnostic(
        code(report::template),
        help("see docs/templates.md for the syntax and the fields a template receives")
    )]
    Template {
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
    /// Serialising to JSON failed; only a bug can cause this.
    #[error("could not serialise the result: {0}")]
    #[diagnostic(code(report::serialise))]
    Serialise(#[from] serde_json::Error),
    /// A saved result that is not valid JSON or does not match the schema.
    #[error("{file}: not a vouch JSON result (line {line}, column {column}): {message}")]
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

/// Renders `input` in `format`; every format but [`Format::Text`].
pub fn render(
    format: Format,
    input: &ReportInput<'_>,
    options: &RenderOptions,
) -> Result<String, ReportError> {
    match format {
        Format::Text => Err(ReportError::TextFormat),
        Format::Json => json::render(input.result),
        Format::Sarif => sarif::render(input),
        Format::Junit => Ok(junit::render(input)),
        Format::Markdown => markdown::render(input, options),
        Format::Html => html::render(input, options),
    }
}

/// Turns a handlebars template parse error into a [`ReportError::Template`].
fn template_error(err: &handlebars::TemplateError) -> ReportError {
    let (line, column) = err.pos().unwrap_or((0, 0));
    ReportError::Template {
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
