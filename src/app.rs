//! Runs a parsed command line and turns its outcome into an exit code:
//! 0 nothing at or above the fail-on severity, 1 findings at or above it,
//! 2 the run itself failed. Diagnostics and logs go to stderr; reports to
//! stdout or the files named with `-o`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::cli::{Cli, Color, Command};
use crate::commands;

/// What a command concluded.
pub enum Outcome {
    /// Nothing at or above the threshold.
    Clean,
    /// Findings at or above the threshold.
    Findings,
}

/// Runs `cli`; never panics on bad input.
pub fn run(cli: Cli) -> ExitCode {
    init_logging(cli.verbose, cli.quiet);
    let color = use_color(cli.color);
    miette::set_hook(Box::new(move |_| {
        let theme = if color {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        };
        Box::new(miette::GraphicalReportHandler::new_themed(theme))
    }))
    .ok();
    let result = match cli.command {
        Command::Check(args) => commands::check::run(&args, color),
        Command::Policies(args) => commands::policies::run(&args),
        Command::Explain(args) => commands::explain::run(&args),
        Command::Validate(args) => commands::validate::run(&args),
        Command::Report(args) => commands::report::run(&args, color),
        Command::Baseline(args) => commands::baseline::run(&args),
        Command::Init(args) => commands::init::run(&args),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(report) => {
            if is_broken_pipe(&report) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "{report:?}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(report: &miette::Report) -> bool {
    report
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Whether to colour terminal output: `--color`, then `NO_COLOR` and `CLICOLOR_FORCE`, then the terminal.
pub fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                false
            } else if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                true
            } else {
                std::io::stdout().is_terminal()
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        }
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => log::LevelFilter::Error,
        (false, 0) => log::LevelFilter::Warn,
        (false, 1) => log::LevelFilter::Info,
        (false, 2) => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    log::set_max_level(level);
    let _ = log::set_logger(&StderrLogger);
}

/// Writes log records to stderr as `vouch: level: message`. Warnings that
/// repeat word for word are written once.
struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        // Libraries' own debug output (handlebars logs every value it renders)
        // would bury vouch's; their warnings and errors still come through.
        let ours = metadata.target().starts_with("vouch");
        metadata.level() <= log::max_level() && (ours || metadata.level() <= log::Level::Warn)
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        // Messages quote file names and values from scanned files: no escape
        // sequence or line break of theirs reaches the terminal or a CI log.
        let message = record.args().to_string();
        let line = format!(
            "vouch: {}: {}",
            record.level().as_str().to_ascii_lowercase(),
            crate::report::text::sanitize(&message)
        );
        if record.level() == log::Level::Warn {
            static SEEN: std::sync::Mutex<Vec<u64>> = std::sync::Mutex::new(Vec::new());
            let hash = {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                line.hash(&mut h);
                h.finish()
            };
            let mut seen = SEEN
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if seen.contains(&hash) {
                return;
            }
            seen.push(hash);
        }
        let _ = writeln!(std::io::stderr(), "{line}");
    }

    fn flush(&self) {}
}
