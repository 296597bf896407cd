//! `--changed-since REF`: the files a pull request touches.
//!
//! The changes are measured from the merge base of REF and HEAD, as a pull
//! request's diff is, so that commits which landed on the target branch in
//! the meantime do not count as the branch's own. Uncommitted and untracked
//! (not ignored) files count too, so a developer's check before a commit sees
//! what they are about to commit.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The files changed since a ref, as canonical paths.
#[derive(Debug)]
pub struct Changed {
    /// The ref as given.
    pub reference: String,
    /// The merge base the changes are measured from.
    pub base: String,
    files: HashSet<PathBuf>,
}

impl Changed {
    /// Asks git, in the repository holding `root`.
    pub fn since(root: &Path, reference: &str) -> Result<Changed, String> {
        let dir = if root.is_dir() {
            root
        } else {
            root.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
        };
        let top = git(dir, &["rev-parse", "--show-toplevel"])
            .map_err(|e| format!("--changed-since needs a git work tree: {e}"))?;
        let top = PathBuf::from(top.trim());
        let base = git(dir, &["merge-base", reference, "HEAD"])
            .map_err(|e| format!("--changed-since {reference}: {e}"))?
            .trim()
            .to_string();
        let diffed = git(
            dir,
            &["diff", "--name-only", "-z", "--no-renames", &base, "--"],
        )
        .map_err(|e| format!("--changed-since {reference}: {e}"))?;
        let untracked = git(
            dir,
            &[
                "ls-files",
                "--others",
                "--exclude-standard",
                "--full-name",
                "-z",
            ],
        )
        .map_err(|e| format!("--changed-since {reference}: {e}"))?;
        let files = diffed
            .split('\0')
            .chain(untracked.split('\0'))
            .filter(|p| !p.is_empty())
            .filter_map(|p| top.join(p).canonicalize().ok())
            .collect();
        Ok(Changed {
            reference: reference.to_string(),
            base,
            files,
        })
    }

    /// Whether `path` (as displayed, relative to the current folder) changed.
    pub fn contains(&self, path: &str) -> bool {
        Path::new(path)
            .canonicalize()
            .is_ok_and(|p| self.files.contains(&p))
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}
