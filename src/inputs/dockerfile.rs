//! Dockerfiles: one `dockerfile/instruction` per instruction and one
//! `dockerfile/stage` per `FROM`.
//!
//! Keys leak into images through `ENV`, `ARG` and `LABEL` values and through
//! `RUN` commands, so those are broken down with exact spans (`vars`,
//! `command`); everything else keeps its raw arguments. A stage records the
//! last `USER` it sets so a rule can check that the final stage does not run
//! as root. Physical lines, continuations and heredocs are read in [`lines`];
//! quotes and word splitting live in [`words`].

mod lines;
mod words;

use lines::{Heredoc, Instruction};
use words::{Joined, Unquoted, split_words, unquote};

use crate::inputs::{Extracted, ParseError};
use crate::resource::Resource;
use crate::source::SourceFile as Source;
use crate::source::{SourceFile, Span};
use crate::tree::{Entry, Node, Value};

/// The kind of the resource made for each instruction.
pub const INSTRUCTION: &str = "dockerfile/instruction";

/// The kind of the resource made for each build stage (each `FROM`).
pub const STAGE: &str = "dockerfile/stage";

/// A lenient parse: the resources and the problems that did not stop the
/// reading, or the error that made the rest of the file unreadable.
pub type Parsed = Result<(Vec<Resource>, Vec<ParseError>), ParseError>;

/// The instructions Docker knows; any other first word is reported and skipped.
const KEYWORDS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// The instructions that take `--flag` options before their arguments.
const FLAGGED: [&str; 5] = ["ADD", "COPY", "FROM", "HEALTHCHECK", "RUN"];

/// Extracts instructions and stages; problems that did not stop the reading are logged.
pub fn extract(file: &SourceFile) -> Extracted {
    let (resources, problems) = parse(file)?;
    // TODO: these problems only reach the log; the result's `errors` should list
    // them too, which needs `Extracted` to carry resources and problems together.
    for problem in &problems {
        let (line, column) = file.line_col(problem.offset);
        log::warn!(
            "{}:{line}:{column}: {}",
            file.display_path(),
            problem.message
        );
    }
    Ok(resources)
}

/// Extracts everything readable and lists the problems met on the way.
pub fn parse(file: &SourceFile) -> Parsed {
    let (instructions, problems, escape) = lines::read(&file.text)?;
    let stages = instructions
        .iter()
        .filter(|i| i.keyword.eq_ignore_ascii_case("FROM"))
        .count();
    let mut builder = Builder {
        file,
        escape,
        last_stage: stages.checked_sub(1),
        next_stage: 0,
        stage: None,
        stage_resource: None,
        resources: Vec::new(),
        problems,
    };
    for instruction in &instructions {
        builder.instruction(instruction);
    }
    Ok((builder.resources, builder.problems))
}

/// Turns instructions into resources, keeping track of the current stage.
struct Builder<'a> {
    file: &'a Source,
    escape: char,
    last_stage: Option<usize>,
    next_stage: usize,
    stage: Option<usize>,
    stage_resource: Option<usize>,
    resources: Vec<Resource>,
    problems: Vec<ParseError>,
}

impl Builder<'_> {
    /// Adds the resource of one instruction (and of its stage, for `FROM`).
    fn instruction(&mut self, ins: &Instruction) {
        let keyword = ins.keyword.to_ascii_uppercase();
        if !KEYWORDS.contains(&keyword.as_str()) {
            // The word itself is not quoted: a stray line may be a pasted secret.
            self.problem(ins.keyword_span.start, "not a Dockerfile instruction");
            return;
        }
        let (flags, rest) = if FLAGGED.contains(&keyword.as_str()) {
            self.flags(&ins.args)
        } else {
            (Vec::new(), ins.args.clone())
        };
        if keyword == "FROM" {
            self.begin_stage(ins, &rest);
        } else if self.stage.is_none() && keyword != "ARG" {
            let message = format!("{keyword} comes before the first FROM; only ARG may");
            self.problem(ins.keyword_span.start, &message);
        }

        let entries = self.body(ins, &keyword, flags, &rest);
        let line = self.file.line_col(ins.keyword_span.start).0;
        let body = Node::new(ins.span, Value::Map(entries));
        let mut resource = Resource::new(INSTRUCTION, keyword.clone(), ins.span, body)
            .with_address(format!("{keyword}@{line}"));
        resource.parent = self.stage_resource;
        self.resources.push(resource);
    }

    /// The body of an instruction: the common entries, then those of its keyword.
    fn body(
        &mut self,
        ins: &Instruction,
        keyword: &str,
        flags: Vec<Node>,
        rest: &Joined,
    ) -> Vec<Entry> {
        let mut entries = vec![
            entry("instruction", ins.keyword_span, str_value(keyword)),
            entry("args", ins.args.whole(), Value::Str(ins.args.text.clone())),
        ];
        if let Some(stage) = self.stage {
            entries.push(entry("stage", ins.span, int(stage)));
        }
        let is_final = self.stage.is_some() && self.stage == self.last_stage;
        entries.push(entry("final_stage", ins.span, Value::Bool(is_final)));
        if let Some(span) = flags.iter().map(|f| f.span).reduce(Span::join) {
            entries.push(entry("flags", span, Value::Seq(flags)));
        }
        match keyword {
            "ENV" | "LABEL" => entries.extend(self.name_values(keyword, &ins.args)),
            "ARG" => entries.extend(self.arg_names(&ins.args)),
            "RUN" | "CMD" | "ENTRYPOINT" => entries.extend(command(rest, &ins.heredocs)),
            "USER" => self.set_user(&ins.args),
            // TODO: `ONBUILD ENV …` and `HEALTHCHECK CMD …` keep only their raw
            // args; a key set there is found by no `vars` or `command` rule.
            _ => {}
        }
        entries.extend(heredocs(&ins.heredocs));
        entries
    }

    /// Splits leading `--flag` words off; gives them and the arguments after them.
    fn flags(&self, args: &Joined) -> (Vec<Node>, Joined) {
        let mut flags = Vec::new();
        let mut rest_from = 0;
        for (a, b) in split_words(&args.text, self.escape) {
            let word = &args.text[a..b];
            if !word.starts_with("--") {
                rest_from = a;
                break;
            }
            flags.push(Node::new(args.span(a, b), Value::Str(word.to_string())));
            rest_from = b;
        }
        (flags, args.slice(rest_from, args.text.len()).trimmed())
    }

    /// Starts a stage at `FROM [--flags] image [AS name]`.
    fn begin_stage(&mut self, ins: &Instruction, rest: &Joined) {
        let index = self.next_stage;
        self.next_stage += 1;
        self.stage = Some(index);

        let words = split_words(&rest.text, self.escape);
        let text = |&(a, b): &(usize, usize)| &rest.text[a..b];
        let mut entries = Vec::new();
        match words.first() {
            Some(&(a, b)) => entries.push(entry("base", rest.span(a, b), str_value(text(&(a, b))))),
            None => self.problem(ins.keyword_span.start, "FROM needs an image"),
        }
        let alias = match words.as_slice() {
            [_, as_word, name, ..] if text(as_word).eq_ignore_ascii_case("as") => Some(text(name)),
            _ => None,
        };
        entries.push(entry("index", ins.span, int(index)));
        let is_final = Some(index) == self.last_stage;
        entries.push(entry("final", ins.span, Value::Bool(is_final)));

        let name = alias.map_or_else(|| index.to_string(), str::to_string);
        let body = Node::new(ins.span, Value::Map(entries));
        self.resources
            .push(Resource::new(STAGE, name, ins.span, body));
        self.stage_resource = Some(self.resources.len() - 1);
    }

    /// Records `USER` as the user of the current stage (the last one wins).
    fn set_user(&mut self, args: &Joined) {
        let user = match unquote(&args.text, self.escape) {
            Ok((text, _)) => text,
            Err(_) => args.text.clone(),
        };
        let Some(stage) = self.stage_resource.and_then(|i| self.resources.get_mut(i)) else {
            return;
        };
        if let Value::Map(entries) = &mut stage.body.value {
            entries.retain(|e| e.key != "user");
            entries.push(entry("user", args.whole(), Value::Str(user)));
        }
    }

    /// `ENV` and `LABEL`: `NAME=value …`, or the legacy `NAME value` whose
    /// value is all the rest of the line.
    fn name_values(&mut self, keyword: &str, args: &Joined) -> Option<Entry> {
        let words = split_words(&args.text, self.escape);
        let Some(&(a0, b0)) = words.first() else {
            let message = format!("{keyword} needs a name and a value");
            self.problem(args.whole().start, &message);
            return None;
        };
        let mut vars = Vec::new();
        if !args.text[a0..b0].contains('=') {
            let tail = &args.text[b0..];
            let value_from = b0 + (tail.len() - tail.trim_start().len());
            if value_from == args.text.len() {
                let message = format!("`{keyword} NAME value` needs a value");
                self.problem(args.span(a0, b0).end, &message);
                return None;
            }
            vars.push(self.var(args, (a0, b0), Some((value_from, args.text.len())))?);
        } else {
            for (a, b) in words {
                let Some(eq) = args.text[a..b].find('=') else {
                    self.problem(args.span(a, b).start, "expected NAME=value");
                    return None;
                };
                vars.push(self.var(args, (a, a + eq), Some((a + eq + 1, b)))?);
            }
        }
        Some(entry("vars", args.whole(), Value::Map(vars)))
    }

    /// `ARG NAME[=default] …`; a name without a default has a `Null` value.
    fn arg_names(&mut self, args: &Joined) -> Option<Entry> {
        let words = split_words(&args.text, self.escape);
        if words.is_empty() {
            self.problem(args.whole().start, "ARG needs a name");
            return None;
        }
        let mut vars = Vec::new();
        for (a, b) in words {
            let var = match args.text[a..b].find('=') {
                Some(eq) => self.var(args, (a, a + eq), Some((a + eq + 1, b))),
                None => self.var(args, (a, b), None),
            };
            vars.push(var?);
        }
        Some(entry("vars", args.whole(), Value::Map(vars)))
    }

    /// One variable from the name and value byte ranges of `args`.
    fn var(
        &mut self,
        args: &Joined,
        (ka, kb): (usize, usize),
        value: Option<(usize, usize)>,
    ) -> Option<Entry> {
        let (key, _) = self.unquoted(args, ka, kb)?;
        if key.is_empty() {
            self.problem(args.span(ka, kb).start, "a variable needs a name");
            return None;
        }
        let value = match value {
            None => Node::new(args.span(kb, kb), Value::Null),
            Some((va, vb)) => {
                let (text, inside) = self.unquoted(args, va, vb)?;
                let span = match inside {
                    Some((ia, ib)) => args.span(va + ia, va + ib),
                    None => args.span(va, vb),
                };
                Node::new(span, Value::Str(text))
            }
        };
        Some(Entry {
            key,
            key_span: args.span(ka, kb),
            value,
        })
    }

    /// Unquotes `args` bytes `a..b`, reporting an unterminated quote.
    fn unquoted(&mut self, args: &Joined, a: usize, b: usize) -> Option<Unquoted> {
        match unquote(&args.text[a..b], self.escape) {
            Ok(unquoted) => Some(unquoted),
            Err(at) => {
                let offset = args.span(a + at, a + at + 1).start;
                self.problem(offset, "unterminated quote");
                None
            }
        }
    }

    fn problem(&mut self, offset: usize, message: &str) {
        self.problems.push(ParseError::new(offset, message));
    }
}

/// `command` for `RUN`, `CMD` and `ENTRYPOINT`: the exec form's words joined by
/// spaces, or the shell form as written followed by any heredoc bodies.
fn command(rest: &Joined, heredocs: &[Heredoc]) -> Vec<Entry> {
    // Like BuildKit, anything that is not a JSON array of strings is shell form.
    let exec = rest.text.starts_with('[');
    let parts = exec.then(|| serde_json::from_str::<Vec<String>>(&rest.text).ok());
    if let Some(Some(parts)) = parts {
        return vec![
            entry("command", rest.whole(), Value::Str(parts.join(" "))),
            entry("form", rest.whole(), str_value("exec")),
        ];
    }
    let mut text = rest.text.clone();
    let mut span = rest.whole();
    for heredoc in heredocs {
        text.push('\n');
        text.push_str(heredoc.content.trim_end_matches('\n'));
        span = span.join(heredoc.span);
    }
    vec![
        entry("command", span, Value::Str(text)),
        entry("form", rest.whole(), str_value("shell")),
    ]
}

/// `heredocs`: a sequence of `{name, content}`, when the instruction has any.
fn heredocs(heredocs: &[Heredoc]) -> Option<Entry> {
    let items: Vec<Node> = heredocs
        .iter()
        .map(|h| {
            let fields = vec![
                entry("name", h.span, str_value(&h.name)),
                entry("content", h.span, Value::Str(h.content.clone())),
            ];
            Node::new(h.span, Value::Map(fields))
        })
        .collect();
    let span = items.iter().map(|n| n.span).reduce(Span::join)?;
    Some(entry("heredocs", span, Value::Seq(items)))
}

/// A map entry whose key and value share `span`.
fn entry(key: &str, span: Span, value: Value) -> Entry {
    Entry {
        key: key.to_string(),
        key_span: span,
        value: Node::new(span, value),
    }
}

fn str_value(text: &str) -> Value {
    Value::Str(text.to_string())
}

fn int(n: usize) -> Value {
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
}
