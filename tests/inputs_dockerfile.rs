//! Dockerfile extraction: instructions, stages, variables and their exact places.

use std::path::Path;

use vouch::inputs::dockerfile::{self, INSTRUCTION, STAGE};
use vouch::resource::Resource;
use vouch::source::{Location, SourceFile};
use vouch::tree::{Node, Value};

fn fixture(name: &str) -> SourceFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/inputs/dockerfile")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    SourceFile::new(path, std::str::from_utf8(&bytes).unwrap())
}

/// Parses a fixture that must have no problem at all.
fn clean(file: &SourceFile) -> Vec<Resource> {
    let (resources, problems) = dockerfile::parse(file).unwrap();
    assert_eq!(problems, vec![]);
    resources
}

fn loc(line: usize, column: usize, end_line: usize, end_column: usize) -> Location {
    Location {
        line,
        column,
        end_line,
        end_column,
    }
}

fn by_address<'a>(resources: &'a [Resource], address: &str) -> &'a Resource {
    resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no resource {address}"))
}

fn field<'a>(r: &'a Resource, key: &str) -> &'a Node {
    r.body
        .get(key)
        .unwrap_or_else(|| panic!("{} has no {key}", r.address))
}

fn text(r: &Resource, key: &str) -> String {
    field(r, key).as_str().unwrap().to_string()
}

/// Every variable of an ENV, ARG or LABEL: name, value (`None` for a null) and value location.
fn vars(file: &SourceFile, r: &Resource) -> Vec<(String, Option<String>, Location)> {
    field(r, "vars")
        .entries()
        .iter()
        .map(|e| {
            let value = match &e.value.value {
                Value::Str(s) => Some(s.clone()),
                Value::Null => None,
                other => panic!("unexpected {other:?}"),
            };
            (e.key.clone(), value, file.location(e.value.span))
        })
        .collect()
}

fn var(key: &str, value: &str, at: Location) -> (String, Option<String>, Location) {
    (key.into(), Some(value.into()), at)
}

#[test]
fn instructions_in_order_with_addresses_and_stages() {
    let file = fixture("multistage.Dockerfile");
    let res = clean(&file);
    let addresses: Vec<_> = res.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "ARG@2",
            "dockerfile/stage/builder",
            "FROM@3",
            "ENV@4",
            "ENV@6",
            "ARG@7",
            "ARG@8",
            "LABEL@9",
            "RUN@10",
            "USER@13",
            "dockerfile/stage/runtime",
            "FROM@14",
            "COPY@15",
            "RUN@16",
            "USER@17",
            "CMD@18",
            "ENTRYPOINT@19",
        ]
    );
    let kinds: Vec<_> = res.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == STAGE).count(), 2);
    assert_eq!(kinds.iter().filter(|k| **k == INSTRUCTION).count(), 15);

    // Lower-case keywords are upper-cased in the name and `instruction`.
    let copy = by_address(&res, "COPY@15");
    assert_eq!(copy.name, "COPY");
    assert_eq!(text(copy, "instruction"), "COPY");
    assert_eq!(text(copy, "args"), "--from=builder /out /app");
    assert_eq!(
        field(copy, "flags").items()[0].as_str(),
        Some("--from=builder")
    );

    // Stage index, final flag and parent link.
    let global = by_address(&res, "ARG@2");
    assert_eq!(global.body.get("stage"), None);
    assert_eq!(field(global, "final_stage").value, Value::Bool(false));
    assert_eq!(global.parent, None);
    let env = by_address(&res, "ENV@4");
    assert_eq!(field(env, "stage").value, Value::Int(0));
    assert_eq!(field(env, "final_stage").value, Value::Bool(false));
    assert_eq!(env.parent, Some(1));
    assert_eq!(field(copy, "stage").value, Value::Int(1));
    assert_eq!(field(copy, "final_stage").value, Value::Bool(true));
    assert_eq!(copy.parent, Some(10));
}

#[test]
fn stages_record_base_alias_and_last_user() {
    let file = fixture("multistage.Dockerfile");
    let res = clean(&file);
    let builder = &res[1];
    assert_eq!(
        (builder.kind.as_str(), builder.name.as_str()),
        (STAGE, "builder")
    );
    assert_eq!(file.location(builder.span), loc(3, 1, 3, 40));
    let base = field(builder, "base");
    assert_eq!(base.as_str(), Some("alpine:${FAKE_BASE_TAG}"));
    assert_eq!(file.location(base.span), loc(3, 6, 3, 29));
    assert_eq!(field(builder, "index").value, Value::Int(0));
    assert_eq!(field(builder, "final").value, Value::Bool(false));
    let user = field(builder, "user");
    assert_eq!(user.as_str(), Some("builder"));
    assert_eq!(file.location(user.span), loc(13, 6, 13, 13));

    let runtime = &res[10];
    assert_eq!(runtime.name, "runtime");
    let base = field(runtime, "base");
    assert_eq!(base.as_str(), Some("debian:bookworm-slim"));
    assert_eq!(file.location(base.span), loc(14, 29, 14, 49));
    assert_eq!(field(runtime, "index").value, Value::Int(1));
    assert_eq!(field(runtime, "final").value, Value::Bool(true));
    let user = field(runtime, "user");
    assert_eq!(user.as_str(), Some("10001:10001"));
    assert_eq!(file.location(user.span), loc(17, 6, 17, 17));
    let from = by_address(&res, "FROM@14");
    assert_eq!(
        field(from, "flags").items()[0].as_str(),
        Some("--platform=linux/amd64")
    );
}

#[test]
fn env_arg_and_label_values_have_exact_spans() {
    let file = fixture("multistage.Dockerfile");
    let res = clean(&file);
    let env = by_address(&res, "ENV@4");
    assert_eq!(file.location(env.span), loc(4, 1, 5, 27));
    assert_eq!(
        text(env, "args"),
        "FAKE_A=1 FAKE_B=\"x y\"     FAKE_C='single quoted'"
    );
    assert_eq!(
        vars(&file, env),
        [
            var("FAKE_A", "1", loc(4, 12, 4, 13)),
            var("FAKE_B", "x y", loc(4, 22, 4, 25)),
            var("FAKE_C", "single quoted", loc(5, 13, 5, 26)),
        ]
    );
    let key = &field(env, "vars").entries()[2];
    assert_eq!(file.location(key.key_span), loc(5, 5, 5, 11));

    let legacy = by_address(&res, "ENV@6");
    assert_eq!(
        vars(&file, legacy),
        [var("FAKE_LEGACY", "legacy value here", loc(6, 17, 6, 34))]
    );
    let global = by_address(&res, "ARG@2");
    assert_eq!(
        vars(&file, global),
        [var("FAKE_BASE_TAG", "3.19", loc(2, 19, 2, 23))]
    );
    let no_default = by_address(&res, "ARG@7");
    assert_eq!(
        vars(&file, no_default),
        [("FAKE_NO_DEFAULT".into(), None, loc(7, 20, 7, 20))]
    );
    let default = by_address(&res, "ARG@8");
    assert_eq!(
        vars(&file, default),
        [var("FAKE_WITH_DEFAULT", "default value", loc(8, 24, 8, 37))]
    );
    let label = by_address(&res, "LABEL@9");
    assert_eq!(
        vars(&file, label),
        [
            var("org.example.vendor", "Fake Vendor", loc(9, 29, 9, 40)),
            var("org.example.flag", "yes", loc(9, 59, 9, 62)),
        ]
    );
    let quoted_key = &field(label, "vars").entries()[0];
    assert_eq!(file.location(quoted_key.key_span), loc(9, 7, 9, 27));
}

#[test]
fn commands_in_shell_and_exec_form() {
    let file = fixture("multistage.Dockerfile");
    let res = clean(&file);
    let run = by_address(&res, "RUN@10");
    // The comment line inside the continuation is dropped, the lines joined.
    assert_eq!(
        text(run, "command"),
        "apk add --no-cache curl     && echo done"
    );
    assert_eq!(text(run, "form"), "shell");
    assert_eq!(file.location(run.span), loc(10, 1, 12, 17));
    assert_eq!(file.location(field(run, "args").span), loc(10, 5, 12, 17));
    assert_eq!(run.body.get("flags"), None);

    let exec = by_address(&res, "RUN@16");
    assert_eq!(text(exec, "command"), "/bin/sh -c echo exec form");
    assert_eq!(text(exec, "form"), "exec");
    let cmd = by_address(&res, "CMD@18");
    assert_eq!(text(cmd, "command"), "/app/server --port 8080");
    let entry = by_address(&res, "ENTRYPOINT@19");
    assert_eq!(text(entry, "command"), "/app/entry.sh --flag");
    assert_eq!(text(entry, "form"), "shell");
    // USER and COPY have no command.
    assert_eq!(by_address(&res, "USER@13").body.get("command"), None);
}

#[test]
fn heredocs_belong_to_their_instruction() {
    let file = fixture("heredoc.Dockerfile");
    let res = clean(&file);
    let addresses: Vec<_> = res.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "dockerfile/stage/0",
            "FROM@1",
            "RUN@2",
            "COPY@6",
            "RUN@9",
            "USER@14"
        ]
    );
    let run = by_address(&res, "RUN@2");
    assert_eq!(file.location(run.span), loc(2, 1, 5, 4));
    assert_eq!(
        text(run, "command"),
        "<<EOF\napk add --no-cache jq\necho \"FAKE_TOKEN=not-a-real-token\" > /tmp/fake"
    );
    let docs = field(run, "heredocs").items();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].get("name").unwrap().as_str(), Some("EOF"));
    let content = docs[0].get("content").unwrap();
    assert_eq!(
        content.as_str(),
        Some("apk add --no-cache jq\necho \"FAKE_TOKEN=not-a-real-token\" > /tmp/fake\n")
    );
    assert_eq!(file.location(content.span), loc(3, 1, 4, 47));

    // `<<-` strips leading tabs from the body and the delimiter; quotes leave the name.
    let copy = by_address(&res, "COPY@6");
    assert_eq!(file.location(copy.span), loc(6, 1, 8, 8));
    let doc = &field(copy, "heredocs").items()[0];
    assert_eq!(doc.get("name").unwrap().as_str(), Some("CONFIG"));
    let content = doc.get("content").unwrap();
    assert_eq!(content.as_str(), Some("fake_setting = true\n"));
    assert_eq!(file.location(content.span), loc(7, 1, 7, 21));

    let two = by_address(&res, "RUN@9");
    assert_eq!(file.location(two.span), loc(9, 1, 13, 4));
    let contents: Vec<_> = field(two, "heredocs")
        .items()
        .iter()
        .map(|d| {
            let c = d.get("content").unwrap();
            (c.as_str().unwrap().to_string(), file.location(c.span))
        })
        .collect();
    assert_eq!(
        contents,
        [
            ("first body\n".to_string(), loc(10, 1, 10, 11)),
            ("second body\n".to_string(), loc(12, 1, 12, 12)),
        ]
    );
    assert_eq!(
        text(two, "command"),
        "<<ONE cat - <<TWO\nfirst body\nsecond body"
    );
    assert_eq!(field(&res[0], "user").as_str(), Some("root"));
}

#[test]
fn the_escape_directive_changes_the_continuation_character() {
    let file = fixture("escape.Dockerfile");
    let res = clean(&file);
    let env = by_address(&res, "ENV@3");
    assert_eq!(
        vars(&file, env),
        [
            var("FAKE_PATH", r"C:\fake\dir", loc(3, 15, 3, 26)),
            var("FAKE_OTHER", "two", loc(4, 16, 4, 19)),
        ]
    );
    let run = by_address(&res, "RUN@5");
    assert_eq!(text(run, "command"), r"dir C:\     && echo done");
    assert_eq!(file.location(run.span), loc(5, 1, 6, 17));
}

#[test]
fn crlf_line_endings_stay_out_of_values() {
    let file = fixture("crlf.Dockerfile");
    assert!(file.text.contains("\r\n"), "the fixture must keep CRLF");
    let res = clean(&file);
    let env = by_address(&res, "ENV@2");
    assert_eq!(file.location(env.span), loc(2, 1, 3, 21));
    assert_eq!(
        vars(&file, env),
        [
            var("FAKE_X", "1", loc(2, 12, 2, 13)),
            var("FAKE_Y", "two words", loc(3, 11, 3, 20)),
        ]
    );
    assert_eq!(field(&res[0], "user").as_str(), Some("app"));
}

#[test]
fn readable_problems_are_reported_and_the_rest_kept() {
    let file = fixture("problems.Dockerfile");
    let (res, problems) = dockerfile::parse(&file).unwrap();
    let at: Vec<_> = problems.iter().map(|p| file.line_col(p.offset)).collect();
    assert_eq!(at, [(1, 1), (3, 1), (4, 17)]);
    assert!(
        problems[0].message.contains("before the first FROM"),
        "{}",
        problems[0].message
    );
    assert!(
        problems[2].message.contains("unterminated"),
        "{}",
        problems[2].message
    );
    assert!(
        problems
            .iter()
            .all(|p| !p.message.contains("NOTANINSTRUCTION")),
        "messages must not quote the line"
    );
    let addresses: Vec<_> = res.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addresses,
        ["ENV@1", "dockerfile/stage/0", "FROM@2", "ENV@4", "USER@5"]
    );
    assert_eq!(
        vars(&file, &res[0]),
        [var("FAKE_TOO_EARLY", "1", loc(1, 20, 1, 21))]
    );
    assert_eq!(res[3].body.get("vars"), None);
    assert_eq!(field(&res[1], "user").as_str(), Some("nobody"));
    assert_eq!(dockerfile::extract(&file).unwrap().len(), 5);
}

#[test]
fn an_unterminated_heredoc_stops_the_parse() {
    let file = fixture("unterminated-heredoc.Dockerfile");
    let err = dockerfile::parse(&file).unwrap_err();
    assert_eq!(file.line_col(err.offset), (2, 5));
    assert!(
        err.message.contains("unterminated heredoc"),
        "{}",
        err.message
    );
    assert_eq!(dockerfile::extract(&file).unwrap_err(), err);
}

#[test]
fn a_stage_without_user_has_no_user_entry() {
    let file = SourceFile::new("Dockerfile", "FROM alpine\nRUN true\n");
    let res = clean(&file);
    assert_eq!(res[0].body.get("user"), None);
    assert_eq!(res[0].name, "0");
    assert_eq!(field(&res[0], "final").value, Value::Bool(true));
    let empty = SourceFile::new("Dockerfile", "");
    assert_eq!(clean(&empty).len(), 0);
}

/// Reads every Dockerfile of the shared corpus of real public infrastructure
/// code (/work/shared/corpus); skipped when it is absent.
#[test]
fn every_dockerfile_of_the_corpus_parses_cleanly() {
    let root = Path::new("/work/shared/corpus");
    if !root.is_dir() {
        println!("skipped: {} is absent", root.display());
        return;
    }
    let mut count = 0;
    for entry in walkdir::WalkDir::new(root).into_iter().flatten() {
        let name = entry.file_name().to_string_lossy();
        let is_dockerfile = name.starts_with("Dockerfile")
            || name.starts_with("Containerfile")
            || name.ends_with(".dockerfile");
        if !entry.file_type().is_file() || !is_dockerfile {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let file = SourceFile::new(entry.path(), &text);
        let (res, problems) = dockerfile::parse(&file)
            .unwrap_or_else(|e| panic!("{}: {e:?}", entry.path().display()));
        assert_eq!(problems, vec![], "{}", entry.path().display());
        assert!(
            res.iter().any(|r| r.kind == STAGE),
            "{} has no stage",
            entry.path().display()
        );
        count += 1;
    }
    println!("{count} corpus Dockerfiles parsed");
    assert!(count > 0);
}

/// Any text at all gives resources or an error, never a panic.
#[test]
fn arbitrary_text_never_panics() {
    let alphabet = [
        "FROM ", "RUN ", "ENV ", "ARG ", "LABEL ", "USER ", "COPY ", "A=", "b", " ", "\n", "\r\n",
        "\t", "#", "\"", "'", "`", "\\", "$", "[", "]", "<<EOF", "<<-EOF", "EOF", "é€", " AS x",
        "--f=1 ",
    ];
    let mut seed: u64 = 0xd0c;
    for _ in 0..3000 {
        seed = next(seed);
        let len = (seed >> 40) as usize % 60;
        let mut text: String = (0..len)
            .map(|_| {
                seed = next(seed);
                alphabet[(seed >> 33) as usize % alphabet.len()]
            })
            .collect();
        if (seed >> 35) % 3 == 0 {
            text.insert_str(0, "# escape=`\nFROM x\n");
        }
        let file = SourceFile::new("Dockerfile", &text);
        if let Ok((res, problems)) = dockerfile::parse(&file) {
            for r in &res {
                assert!(r.span.end <= text.len(), "{text:?}");
            }
            assert!(problems.iter().all(|p| p.offset <= text.len()));
        }
    }
}

/// A linear congruential step; only the high bits are used, the low ones cycle fast.
fn next(seed: u64) -> u64 {
    seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1)
}
