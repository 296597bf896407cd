//! Discovery end to end: the folders never scanned, `--exclude` in the
//! spellings people type, symlinks that lead out of the root, the size cap,
//! binary files, overlapping roots, and results that do not change with how
//! the root was typed (environment words, GitHub workflows, Helm charts).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use vouch::policy::load::{self, PackSource};
use vouch::scan::{self, Scan, ScanOptions};

/// Writes `text` at `rel` below `root`, creating the folders.
fn write(root: &Path, rel: &str, text: &str) -> PathBuf {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn run(options: ScanOptions) -> Scan {
    let policies = load::load(&PackSource::builtin(), &Default::default()).unwrap();
    scan::run(&options, &policies).unwrap()
}

fn scan_roots(roots: &[&Path], excludes: &[&str]) -> Scan {
    run(ScanOptions {
        roots: roots.iter().map(|r| r.to_path_buf()).collect(),
        excludes: excludes.iter().map(|e| (*e).to_string()).collect(),
        ..ScanOptions::default()
    })
}

/// The scanned files, by their path below the root.
fn scanned(scan: &Scan) -> Vec<&str> {
    let mut files: Vec<&str> = scan
        .project
        .files
        .iter()
        .map(|f| f.relative.as_str())
        .collect();
    files.sort_unstable();
    files
}

/// The skipped files (as shown, root prefix dropped) and their reasons.
fn skipped(scan: &Scan, root: &Path) -> Vec<(String, String)> {
    let prefix = format!("{}/", root.display());
    scan.result
        .scan
        .skipped
        .iter()
        .map(|s| {
            let file = s.file.strip_prefix(&prefix).unwrap_or(&s.file).to_string();
            (file, s.reason.clone())
        })
        .collect()
}

#[test]
fn vcs_build_and_dependency_folders_are_never_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for rel in [
        ".env",
        ".git/.env",
        "target/.env",
        "node_modules/.env",
        "sub/target/.env",
        "sub/node_modules/x/.env",
        "target2/.env",
    ] {
        write(root, rel, "FAKE_A=1\n");
    }
    let scan = scan_roots(&[root], &[]);
    assert_eq!(scanned(&scan), [".env", "target2/.env"]);
    assert_eq!(scan.result.scan.files_skipped, 0);
}

#[test]
fn excludes_work_in_every_common_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".env", "FAKE_A=1\n");
    write(root, "vendor/x/.env", "FAKE_B=1\n");
    write(root, "keep/vendor.env", "FAKE_C=1\n");
    let absolute = root.join("vendor").display().to_string();
    let spellings = [
        "vendor".to_string(),
        "vendor/".to_string(),
        "vendor/**".to_string(),
        "./vendor/**".to_string(),
        "./vendor/".to_string(),
        format!("{absolute}/**"),
        format!("{absolute}/"),
    ];
    for glob in &spellings {
        let scan = scan_roots(&[root], &[glob]);
        assert_eq!(
            scanned(&scan),
            [".env", "keep/vendor.env"],
            "--exclude {glob}"
        );
    }
    let scan = scan_roots(&[root], &["**/keep/*"]);
    assert_eq!(scanned(&scan), [".env", "vendor/x/.env"]);
}

#[test]
fn a_bad_exclude_glob_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let policies = load::load(&PackSource::builtin(), &Default::default()).unwrap();
    let options = ScanOptions {
        roots: vec![dir.path().to_path_buf()],
        excludes: vec!["a/[b".into()],
        ..ScanOptions::default()
    };
    let err = scan::run(&options, &policies).err().unwrap();
    assert!(err.contains("`a/[b`"), "{err}");
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_listed_and_never_followed() {
    use std::os::unix::fs::symlink;

    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    write(&outside, "out.env", "FAKE_OUTSIDE=1\n");
    write(&outside, "secret/.env", "FAKE_SECRET=1\n");
    let root = dir.path().join("root");
    write(&root, ".env", "FAKE_IN=1\n");
    symlink("../outside/out.env", root.join("link.env")).unwrap();
    symlink("../outside/secret", root.join("linkdir")).unwrap();
    symlink(".", root.join("loop")).unwrap();
    symlink("/nonexistent/vouch", root.join("dangling.env")).unwrap();

    let scan = scan_roots(&[&root], &[]);
    assert_eq!(scanned(&scan), [".env"]);
    let reason = "symbolic link (not followed)".to_string();
    assert_eq!(
        skipped(&scan, &root),
        [
            ("dangling.env".to_string(), reason.clone()),
            ("link.env".to_string(), reason.clone()),
            ("linkdir".to_string(), reason.clone()),
            ("loop".to_string(), reason),
        ]
    );
    assert_eq!(scan.result.scan.files_skipped, 4);
}

#[test]
fn files_over_the_size_cap_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "big.env", &format!("FAKE_BIG={}\n", "x".repeat(200)));
    write(root, "small.env", "FAKE_SMALL=1\n");
    let scan = run(ScanOptions {
        roots: vec![root.to_path_buf()],
        max_bytes: 100,
        ..ScanOptions::default()
    });
    assert_eq!(scanned(&scan), ["small.env"]);
    assert_eq!(
        skipped(&scan, root),
        [(
            "big.env".to_string(),
            "larger than the size cap (210 bytes > 100)".to_string()
        )]
    );
    assert_eq!(scan.result.scan.files_skipped, 1);
}

#[test]
fn binary_files_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("image.env"), b"FAKE_A=1\n\0\x01\x02\xff").unwrap();
    write(root, "text.env", "FAKE_B=1\n");
    let scan = scan_roots(&[root], &[]);
    assert_eq!(scanned(&scan), ["text.env"]);
    assert_eq!(
        skipped(&scan, root),
        [("image.env".to_string(), "binary file".to_string())]
    );
    assert_eq!(scan.result.scan.files_skipped, 1);
}

#[test]
fn overlapping_roots_scan_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "top.env",
        "OPENAI_BASE_URL=http://gw.example.com/v1\n",
    );
    write(
        root,
        "svc/.env",
        "OPENAI_BASE_URL=http://gw.example.com/v1\n",
    );
    let svc = root.join("svc");
    let dotted = root.join("svc/../svc");
    let once = scan_roots(&[root], &[]);
    let twice = scan_roots(&[root, &svc, &dotted], &[]);
    assert_eq!(scanned(&twice), ["svc/.env", "top.env"]);
    assert_eq!(twice.result.scan.files_scanned, 2);
    let rules = |s: &Scan| {
        let mut r: Vec<(String, usize)> = s
            .result
            .findings
            .iter()
            .map(|f| (f.rule.clone(), f.line))
            .collect();
        r.sort();
        r
    };
    assert_eq!(rules(&twice), rules(&once));
    assert_eq!(
        rules(&once),
        [
            ("VCH-ENC-008".to_string(), 1),
            ("VCH-ENC-008".to_string(), 1)
        ]
    );
}

/// The binary run from `cwd` on `args`, as JSON.
fn check_from(cwd: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("vouch")
        .unwrap()
        .current_dir(cwd)
        .arg("check")
        .args(args)
        .args(["--format", "json", "--now", "2026-12-01"])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (rule, environment) of every finding, sorted.
fn rules_and_envs(result: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["environment"].as_str().unwrap_or("none").to_string(),
            )
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: c, image: x}]\n";

#[test]
fn the_environment_comes_from_the_path_below_the_root() {
    // `dev` above the root says nothing; `prod` below it does.
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("dev/repo");
    write(&repo, "deploy/pod.yaml", POD);
    write(&repo, "prod/pod.yaml", POD);
    let abs = repo.display().to_string();
    let typed = [
        check_from(&repo, &["."]),
        check_from(&repo, &[&abs]),
        check_from(dir.path(), &["dev/repo"]),
        check_from(&repo.join("deploy"), &["..", "../prod"]),
    ];
    for result in &typed {
        let envs: Vec<(String, String)> = result["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "VCH-PRV-011")
            .map(|f| {
                let file = f["file"].as_str().unwrap();
                let name = file.rsplit('/').nth(1).unwrap().to_string();
                (name, f["environment"].as_str().unwrap().to_string())
            })
            .collect();
        assert_eq!(
            envs,
            [
                ("deploy".to_string(), "unknown".to_string()),
                ("prod".to_string(), "production".to_string())
            ],
            "{}",
            result["scan"]["roots"]
        );
    }
}

#[test]
fn inside_git_paths_are_measured_from_the_work_tree_top() {
    // Scanning one folder or one file of a repository keeps the folders above
    // it that belong to the repository: `envs/prod/` still says production, and
    // a finding has the same fingerprint whichever folder was scanned.
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("dev/repo");
    write(&repo, "envs/prod/pod.yaml", POD);
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let prv011 = |result: &serde_json::Value| {
        result["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "VCH-PRV-011")
            .map(|f| {
                (
                    f["environment"].as_str().unwrap().to_string(),
                    f["fingerprint"].as_str().unwrap().to_string(),
                )
            })
            .expect("a VCH-PRV-011 finding")
    };
    let whole = prv011(&check_from(&repo, &["."]));
    assert_eq!(whole.0, "production");
    for (cwd, root) in [
        (repo.clone(), "envs/prod"),
        (repo.clone(), "envs/prod/pod.yaml"),
        (repo.join("envs"), "prod"),
        (dir.path().to_path_buf(), "dev/repo"),
    ] {
        assert_eq!(
            prv011(&check_from(&cwd, &[root])),
            whole,
            "{root} from {}",
            cwd.display()
        );
    }
}

#[test]
fn a_local_override_keeps_the_environment_it_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let url = "OPENAI_BASE_URL=http://gw.example.com/v1\n";
    write(dir.path(), ".env.production.local", url);
    write(dir.path(), ".env.local", url);
    let result = check_from(dir.path(), &["."]);
    let mut envs: Vec<(String, String)> = result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["environment"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    envs.sort();
    assert_eq!(
        envs,
        [
            (".env.local".to_string(), "development".to_string()),
            (
                ".env.production.local".to_string(),
                "production".to_string()
            )
        ]
    );
}

const WORKFLOW: &str = "name: ci\non: push\npermissions: write-all\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n";

#[test]
fn a_workflow_is_a_workflow_however_the_root_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let workflows = dir.path().join("repo/.github/workflows");
    write(&workflows, "ci.yml", WORKFLOW);
    let runs = [
        check_from(&workflows, &["."]),
        check_from(&workflows, &["ci.yml"]),
        check_from(&workflows.join(".."), &["workflows"]),
        check_from(dir.path(), &["repo"]),
    ];
    for result in &runs {
        let prv: Vec<(String, u64, u64)> = result["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "VCH-PRV-014")
            .map(|f| {
                let file = f["file"].as_str().unwrap();
                (
                    file.rsplit('/').next().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                    f["column"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            prv,
            [("ci.yml".to_string(), 3, 14)],
            "{}",
            result["scan"]["roots"]
        );
    }
    // The same file elsewhere is plain YAML.
    write(dir.path(), "other/ci.yml", WORKFLOW);
    let plain = check_from(&dir.path().join("other"), &["."]);
    assert_eq!(rules_and_envs(&plain), []);
}

#[test]
fn helm_chart_templates_are_skipped_however_the_root_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("mychart");
    write(
        &chart,
        "Chart.yaml",
        "apiVersion: v2\nname: mychart\nversion: 0.1.0\n",
    );
    write(
        &chart,
        "templates/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  {{- include \"x\" . | nindent 2 }}\n",
    );
    let templates = chart.join("templates");
    let runs = [
        (check_from(&templates, &["."]), "deployment.yaml"),
        (
            check_from(&templates, &["deployment.yaml"]),
            "deployment.yaml",
        ),
        (
            check_from(dir.path(), &["mychart"]),
            "mychart/templates/deployment.yaml",
        ),
    ];
    for (result, shown) in &runs {
        assert_eq!(
            result["errors"],
            serde_json::json!([]),
            "{}",
            result["scan"]["roots"]
        );
        let skipped = result["scan"]["skipped"].as_array().unwrap();
        assert_eq!(skipped.len(), 1, "{skipped:?}");
        assert_eq!(skipped[0]["file"], *shown);
        assert!(
            skipped[0]["reason"]
                .as_str()
                .unwrap()
                .starts_with("Helm chart template"),
            "{skipped:?}"
        );
        assert_eq!(result["scan"]["files_skipped"], 1);
    }
    // Without Chart.yaml above it, a `templates/` folder is ordinary YAML, and
    // this one does not parse.
    let loose = dir.path().join("loose/templates");
    write(&loose, "deployment.yaml", "a: {{ .Values.a }}\n- b\n");
    let result = check_from(&loose, &["."]);
    assert_eq!(result["errors"].as_array().unwrap().len(), 1);
    assert_eq!(result["errors"][0]["file"], "deployment.yaml");
    assert_eq!(result["errors"][0]["line"], 2);
}

#[test]
fn a_key_in_a_helm_chart_template_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("mychart");
    write(
        &chart,
        "Chart.yaml",
        "apiVersion: v2\nname: mychart\nversion: 0.1.0\n",
    );
    // An invented key, in the shape of an OpenAI project key.
    write(
        &chart,
        "templates/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\nstringData:\n  \
         OPENAI_API_KEY: sk-proj-JCNVTVGoaJ9Guoegz2yLFAKE2eVNpTpgnJvcCc3nhCgAqgMVU5qSTYSdEIT3BlbkFJ9eNI2V3GsWMU2U4shtCEq7BjdIGvAQFAKErcj6JQdbtsMjz1VnPEMCpJMy\n  \
         HF_TOKEN: {{ .Values.hfToken | quote }}\n",
    );
    let result = check_from(dir.path(), &["."]);
    let findings: Vec<(String, String, u64)> = result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [(
            "VCH-ISO-001".to_string(),
            "mychart/templates/secret.yaml".to_string(),
            6
        )]
    );
    // Still listed as not checked as Kubernetes, with the reason.
    assert_eq!(result["scan"]["files_skipped"], 1);
    assert!(
        result["scan"]["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("searched for keys as text"),
        "{}",
        result["scan"]["skipped"]
    );
    assert!(
        !result
            .to_string()
            .contains("FAKE2eVNpTpgnJvcCc3nhCgAqgMVU5qSTYSdEIT3BlbkFJ9")
    );
}

/// `vouch` run as a user that file permissions apply to: as root (CI), through
/// `setpriv` as `nobody`, since root reads a mode-000 file all the same.
#[cfg(unix)]
fn vouch_unprivileged() -> std::process::Command {
    let bin = assert_cmd::cargo::cargo_bin("vouch");
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if root {
        let mut cmd = std::process::Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin);
        cmd
    } else {
        std::process::Command::new(bin)
    }
}

#[cfg(unix)]
#[test]
fn what_cannot_be_read_is_an_error_and_an_unreadable_root_fails_the_run() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
    mode(dir.path(), 0o755).unwrap();
    let tree = dir.path().join("tree");
    write(&tree, "a.env", "OPENAI_BASE_URL=http://llm.internal/v1\n");
    let locked_file = write(&tree, "locked.env", "X=1\n");
    let locked_dir = write(&tree, "sub/b.env", "X=1\n");
    let locked_dir = locked_dir.parent().unwrap();
    let locked_root = write(dir.path(), "root/c.env", "X=1\n");
    let locked_root = locked_root.parent().unwrap();
    for p in [&tree, &dir.path().join("root")] {
        mode(p, 0o755).unwrap();
    }
    mode(&locked_file, 0o000).unwrap();
    mode(locked_dir, 0o000).unwrap();
    mode(locked_root, 0o000).unwrap();

    let run = |args: &[&str]| {
        vouch_unprivileged()
            .current_dir(dir.path())
            .arg("check")
            .args(args)
            .args(["--format", "json", "--fail-on", "never"])
            .output()
            .unwrap()
    };
    let out = run(&["tree"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<(String, String)> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (
                "tree/locked.env".to_string(),
                "cannot be read: Permission denied (os error 13)".to_string()
            ),
            (
                "tree/sub".to_string(),
                "cannot be read: Permission denied (os error 13)".to_string()
            ),
        ]
    );
    assert_eq!(json["scan"]["files_skipped"], 0);
    assert_eq!(
        json["findings"][0]["rule"], "VCH-ENC-008",
        "the rest is still checked"
    );
    // --strict fails on them.
    assert_eq!(run(&["tree", "--strict"]).status.code(), Some(1));
    // A root that cannot be read is a failed run.
    let out = run(&["root"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("root: cannot be read: Permission denied"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for p in [&locked_file, locked_dir, locked_root] {
        mode(p, 0o755).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn a_root_given_as_a_symbolic_link_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "real/.env",
        "OPENAI_BASE_URL=http://llm.internal/v1\n",
    );
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("linked")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real/.env"), dir.path().join("linked.env"))
        .unwrap();
    for root in ["linked", "linked.env"] {
        let json = check_from(dir.path(), &[root]);
        assert_eq!(json["scan"]["files_scanned"], 1, "{root}");
        assert_eq!(json["scan"]["skipped"], serde_json::json!([]), "{root}");
        assert_eq!(json["findings"][0]["rule"], "VCH-ENC-008", "{root}");
    }
}

#[cfg(unix)]
#[test]
fn a_pipe_or_a_dangling_link_as_root_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("rendered");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink(dir.path().join("b"), dir.path().join("a")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("b")).unwrap();
    for (root, says) in [
        (
            "rendered",
            "rendered: not a file or folder (a pipe or a device)",
        ),
        ("a", "a: a symbolic link that leads nowhere"),
    ] {
        let out = Command::cargo_bin("vouch")
            .unwrap()
            .current_dir(dir.path())
            .args(["check", root, "--no-config"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{root}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{root}: {err}");
    }
    // A pipe inside a tree is skipped with its reason, not read (it might never end).
    let tree = dir.path().join("tree");
    write(&tree, "a.env", "X=1\n");
    std::process::Command::new("mkfifo")
        .arg(tree.join("pipe"))
        .status()
        .unwrap();
    let json = check_from(dir.path(), &["tree"]);
    assert_eq!(
        json["scan"]["skipped"],
        serde_json::json!([{"file": "tree/pipe", "reason": "not a regular file (a pipe, socket or device)"}])
    );
}
