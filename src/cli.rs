//! The command line, as clap derive types. DESIGN.md's "Command line" is the map.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Checks the files a team keeps in its repository against policies for API
/// keys and the data around them: key isolation, least privilege, rotation,
/// encryption, retention and monitoring.
#[derive(Debug, Parser)]
#[command(name = "vouch", version, about, max_term_width = 100)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When stdout is a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and report findings.
    Check(CheckArgs),
    /// List the rules in force.
    Policies(PoliciesArgs),
    /// Explain what a rule checks, why, and how to fix it.
    Explain(ExplainArgs),
    /// Check policy files (and config files) without scanning anything.
    Validate(ValidateArgs),
    /// Render saved JSON results in any format, merging several into one report.
    Report(ReportArgs),
    /// Record today's findings, so that `check --baseline` fails only on new ones.
    Baseline(BaselineArgs),
    /// Write a commented starter `.vouch.yaml`.
    Init(InitArgs),
}

/// `vouch report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// JSON results written by `vouch check --format json`.
    #[arg(required = true, value_name = "RESULT.json")]
    pub results: Vec<PathBuf>,
    /// Policies whose rule texts the report describes (the built-in pack by default).
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The format printed on stdout: text, json, sarif, junit, markdown, html.
    #[arg(long, default_value = "markdown")]
    pub format: String,
    /// Also write FORMAT to FILE (repeatable); `markdown:comment` sizes the Markdown for a
    /// pull-request comment, `sarif:open` leaves suppressed findings out.
    #[arg(short = 'o', long = "output", value_name = "FORMAT=FILE")]
    pub outputs: Vec<String>,
    /// A handlebars template replacing the built-in HTML or Markdown one: `html=FILE` or
    /// `markdown=FILE`, or a FILE whose name ends in .html.hbs or .md.hbs (repeatable).
    #[arg(long, value_name = "[FORMAT=]FILE")]
    pub template: Vec<String>,
}

/// Where policies come from (shared by check, policies, explain).
#[derive(Debug, Args, Clone, Default)]
pub struct PolicyArgs {
    /// Add a policy file or folder (repeatable).
    #[arg(long = "policy", value_name = "PATH")]
    pub policies: Vec<PathBuf>,
    /// Use only the given policies, not the built-in pack.
    #[arg(long)]
    pub no_builtin: bool,
    /// The config file [default: .vouch.yaml or .vouch.yml in the first scan root, or in the
    /// current folder for commands that scan nothing].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use no config file, even if one is found.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

/// What to scan and with which policies and config (shared by check and baseline).
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or folders to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Policies.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Skip paths matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// The date rotation ages and expiries are measured from (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
    /// Skip files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::discover::DEFAULT_MAX_BYTES)]
    pub max_file_size: u64,
}

/// `vouch check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// What to scan.
    #[command(flatten)]
    pub scan: ScanArgs,
    /// The format printed on stdout: text, json, sarif, junit, markdown, html.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Also write FORMAT to FILE (repeatable), e.g. `-o sarif=vouch.sarif`; `markdown:comment`
    /// sizes the Markdown for a pull-request comment, `sarif:open` leaves suppressed findings out.
    #[arg(short = 'o', long = "output", value_name = "FORMAT=FILE")]
    pub outputs: Vec<String>,
    /// Lowest severity that fails the run: critical, high, medium, low, info, or never
    /// [default: the config's `fail_on`, else low].
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Count only findings not recorded in this baseline (written by `vouch baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Report only on files changed since this git ref (from its merge base with HEAD,
    /// uncommitted and untracked files included), plus the project-wide rules.
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Also fail on files that could not be parsed, checks that could not be settled,
    /// and malformed or disallowed suppressions.
    #[arg(long)]
    pub strict: bool,
    /// A handlebars template replacing the built-in HTML or Markdown one: `html=FILE` or
    /// `markdown=FILE`, or a FILE whose name ends in .html.hbs or .md.hbs (repeatable; see
    /// docs/templates.md).
    #[arg(long, value_name = "[FORMAT=]FILE")]
    pub template: Vec<String>,
}

/// `vouch baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// What to scan.
    #[command(flatten)]
    pub scan: ScanArgs,
    /// The baseline file to write.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        default_value = ".vouch-baseline.json"
    )]
    pub output: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `vouch init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the starter config.
    #[arg(default_value = ".vouch.yaml")]
    pub path: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `vouch policies`.
#[derive(Debug, Args)]
pub struct PoliciesArgs {
    /// Policies.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
}

/// `vouch explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id (`VCH-ENC-001`) or name (`s3-bucket-unencrypted`).
    pub rule: String,
    /// Policies.
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// `vouch validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Policy files or folders, and config files (`.vouch.yaml`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}
