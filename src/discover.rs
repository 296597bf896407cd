//! Finding the files to scan.
//!
//! Walks each root with walkdir, never following symlinks (so nothing
//! outside a root is read through one), skipping `.git`, `target`,
//! `node_modules` and the user's exclude globs. Files too large or not text
//! are not read further; they are listed with the reason in the result.

use std::io::Read;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use walkdir::WalkDir;

use crate::source::display_path;

/// Folders never worth scanning.
const SKIP_DIRS: [&str; 3] = [".git", "target", "node_modules"];

/// Default cap on a file's size.
pub const DEFAULT_MAX_BYTES: u64 = 5 * 1024 * 1024;

/// A file found, and whether it will be read.
#[derive(Debug, Clone)]
pub struct Found {
    /// The path as the user would type it.
    pub path: PathBuf,
    /// The path below its scan root (the file name when the root is the file),
    /// so that fingerprints and config globs do not depend on how the root was typed.
    pub relative: String,
    /// Why it is skipped, if it is.
    pub skip: Option<String>,
}

/// What to skip.
#[derive(Debug)]
pub struct Filter {
    excludes: GlobSet,
    max_bytes: u64,
}

impl Filter {
    /// Builds the filter; a bad glob is an error naming it.
    pub fn new(excludes: &[String], max_bytes: u64) -> Result<Self, String> {
        let mut builder = GlobSetBuilder::new();
        for g in excludes {
            builder.add(Glob::new(g).map_err(|e| format!("bad --exclude glob `{g}`: {e}"))?);
            // `vendor/**` should also keep out `vendor` itself and work below any root.
            if let Some(dir) = g.strip_suffix("/**") {
                builder.add(Glob::new(dir).map_err(|e| e.to_string())?);
            }
        }
        Ok(Filter {
            excludes: builder.build().map_err(|e| e.to_string())?,
            max_bytes,
        })
    }

    fn excluded(&self, path: &Path, root: &Path) -> bool {
        let shown = display_path(path);
        let relative = path
            .strip_prefix(root)
            .map(display_path)
            .unwrap_or_default();
        self.excludes.is_match(&shown)
            || (!relative.is_empty() && self.excludes.is_match(&relative))
    }
}

/// Every file under `roots`, sorted, with skip reasons for those not to read.
pub fn discover(roots: &[PathBuf], filter: &Filter) -> Result<Vec<Found>, String> {
    let mut found = Vec::new();
    for root in roots {
        if !root.exists() {
            return Err(format!("{}: no such file or folder", display_path(root)));
        }
        let walker = WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let skipped_dir =
                    e.file_type().is_dir() && SKIP_DIRS.iter().any(|d| e.file_name() == *d);
                e.depth() == 0 || !(skipped_dir || filter.excluded(e.path(), root))
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| root.clone());
                    found.push(Found {
                        relative: relative_to(&path, root),
                        path,
                        skip: Some(format!("cannot be read: {e}")),
                    });
                    continue;
                }
            };
            if entry.file_type().is_file() {
                let skip = entry
                    .metadata()
                    .ok()
                    .filter(|m| m.len() > filter.max_bytes)
                    .map(|m| {
                        format!(
                            "larger than the size cap ({} bytes > {})",
                            m.len(),
                            filter.max_bytes
                        )
                    });
                found.push(Found {
                    relative: relative_to(entry.path(), root),
                    path: entry.into_path(),
                    skip,
                });
            } else if entry.path_is_symlink() {
                found.push(Found {
                    relative: relative_to(entry.path(), root),
                    path: entry.into_path(),
                    skip: Some("symbolic link (not followed)".into()),
                });
            }
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found.dedup_by(|a, b| a.path == b.path);
    Ok(found)
}

/// `path` below `root`, or its file name when `root` is the file itself.
fn relative_to(path: &Path, root: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rest) if !rest.as_os_str().is_empty() => display_path(rest),
        _ => path
            .file_name()
            .map_or_else(|| display_path(path), |n| n.to_string_lossy().into_owned()),
    }
}

/// Reads a file as text; `Err` holds the reason to skip it (binary, not UTF-8, unreadable).
pub fn read_text(path: &Path) -> Result<String, String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| format!("cannot be read: {e}"))?;
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err("binary file".into());
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".into())
}
