//! Finding the files to scan.
//!
//! Walks each root with walkdir, never following symlinks (so nothing
//! outside a root is read through one), skipping `.git`, `target`,
//! `node_modules` and the user's exclude globs. Files too large or not text
//! are not read further; they are listed with the reason in the result.
//! Each file also gets its canonical location, so that overlapping roots
//! scan it once and classification does not depend on how a root was typed.

use std::collections::HashSet;
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
    /// The path below the project: the git work tree holding the scan root,
    /// or the scan root itself outside git (its folder when the root is a
    /// file). Fingerprints and the environment guess read it, so that neither
    /// depends on the current folder, on how the root was typed, or on which
    /// folder of the repository was scanned.
    pub relative: String,
    /// The canonical absolute path (the root's symlinks resolved, none below
    /// it followed), for what depends on the folders a file sits in: GitHub
    /// workflows, Helm chart templates.
    pub location: PathBuf,
    /// Why it is skipped, if it is.
    pub skip: Option<String>,
    /// Why it could not be read (a folder or file without permission): an
    /// error of the run, not a skip, so that `--strict` fails on it.
    pub unreadable: Option<String>,
}

/// Why a file's text could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadFailure {
    /// Its bytes are not text: skipped.
    Binary,
    /// The system refused it (permissions, a vanished file): an error.
    Io(String),
}

/// What to skip.
#[derive(Debug)]
pub struct Filter {
    /// Globs matched against the path as shown and the path below the root.
    excludes: GlobSet,
    /// Absolute globs, matched against the absolute and the canonical path.
    absolute: GlobSet,
    max_bytes: u64,
}

impl Filter {
    /// Builds the filter; a bad glob is an error naming it.
    pub fn new(excludes: &[String], max_bytes: u64) -> Result<Self, String> {
        let mut relative = GlobSetBuilder::new();
        let mut absolute = GlobSetBuilder::new();
        for g in excludes {
            let set = if Path::new(g).is_absolute() {
                &mut absolute
            } else {
                &mut relative
            };
            for spelling in spellings(g) {
                set.add(
                    Glob::new(&spelling).map_err(|e| format!("bad --exclude glob `{g}`: {e}"))?,
                );
            }
        }
        let build = |b: GlobSetBuilder| b.build().map_err(|e| e.to_string());
        Ok(Filter {
            excludes: build(relative)?,
            absolute: build(absolute)?,
            max_bytes,
        })
    }

    fn excluded(&self, path: &Path, root: &Root) -> bool {
        let below = path.strip_prefix(&root.typed).ok();
        let relative = below.map(display_path).unwrap_or_default();
        if self.excludes.is_match(display_path(path))
            || (!relative.is_empty() && self.excludes.is_match(&relative))
        {
            return true;
        }
        if self.absolute.is_empty() {
            return false;
        }
        let rest = below.unwrap_or(Path::new(""));
        self.absolute.is_match(root.absolute.join(rest))
            || self.absolute.is_match(root.canonical.join(rest))
    }
}

/// The globs an exclude stands for: `./vendor/**` is `vendor/**`, `vendor/`
/// is the folder and all below it, and `vendor/**` keeps out `vendor` itself.
fn spellings(glob: &str) -> Vec<String> {
    let mut g = glob;
    while let Some(rest) = g.strip_prefix("./") {
        g = rest;
    }
    let mut out = Vec::new();
    if let Some(dir) = g.strip_suffix('/').filter(|d| !d.is_empty()) {
        out.push(dir.to_string());
        out.push(format!("{dir}/**"));
    } else {
        out.push(g.to_string());
        if let Some(dir) = g.strip_suffix("/**").filter(|d| !d.is_empty()) {
            out.push(dir.to_string());
        }
    }
    out
}

/// A scan root as typed, made absolute, and made canonical, and the project
/// folder its files' relative paths are measured from.
struct Root {
    typed: PathBuf,
    absolute: PathBuf,
    canonical: PathBuf,
    project: PathBuf,
}

impl Root {
    fn new(typed: &Path) -> Root {
        let absolute = std::path::absolute(typed).unwrap_or_else(|_| typed.to_path_buf());
        let canonical = std::fs::canonicalize(typed).unwrap_or_else(|_| absolute.clone());
        let folder = if canonical.is_dir() {
            canonical.clone()
        } else {
            canonical
                .parent()
                .map_or_else(|| canonical.clone(), Path::to_path_buf)
        };
        let project = work_tree(&folder).unwrap_or(folder);
        Root {
            typed: typed.to_path_buf(),
            absolute,
            canonical,
            project,
        }
    }

    /// `path` (found below this root) relative to the project folder.
    fn relative(&self, path: &Path) -> String {
        let location = self.locate(path);
        match location.strip_prefix(&self.project) {
            Ok(rest) if !rest.as_os_str().is_empty() => display_path(rest),
            _ => path
                .file_name()
                .map_or_else(|| display_path(path), |n| n.to_string_lossy().into_owned()),
        }
    }

    /// The canonical location of `path`, found below this root: nothing
    /// below a root is a followed symlink, so joining is enough.
    fn locate(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.typed) {
            Ok(rest) if !rest.as_os_str().is_empty() => self.canonical.join(rest),
            _ => self.canonical.clone(),
        }
    }
}

/// Every file under `roots`, sorted, with skip reasons for those not to read.
/// A file under two roots (`. ai-service`) is listed once, under the first.
pub fn discover(roots: &[PathBuf], filter: &Filter) -> Result<Vec<Found>, String> {
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    for typed in roots {
        if !typed.exists() {
            // A link that leads nowhere exists as a link: say so.
            let dangling =
                std::fs::symlink_metadata(typed).is_ok_and(|m| m.file_type().is_symlink());
            return Err(if dangling {
                format!(
                    "{}: a symbolic link that leads nowhere (a loop, or a missing target)",
                    display_path(typed)
                )
            } else {
                format!("{}: no such file or folder", display_path(typed))
            });
        }
        // A pipe or a device (`<(helm template chart)`, /dev/stdin) has no name to
        // classify it by and may never end: refused rather than passed as empty.
        if !typed.is_dir() && !typed.is_file() {
            return Err(format!(
                "{}: not a file or folder (a pipe or a device); write it to a file first, \
                 e.g. `helm template chart > rendered.yaml`",
                display_path(typed)
            ));
        }
        // A root that cannot be read is a failed run, not an empty one.
        let readable = if typed.is_dir() {
            std::fs::read_dir(typed).map(drop)
        } else {
            std::fs::File::open(typed).map(drop)
        };
        if let Err(e) = readable {
            return Err(format!("{}: cannot be read: {e}", display_path(typed)));
        }
        let mut here = Vec::new();
        walk(&Root::new(typed), filter, &mut here);
        found.extend(here.into_iter().filter(|f| seen.insert(f.location.clone())));
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// Adds the files below `root` to `found`.
fn walk(root: &Root, filter: &Filter, found: &mut Vec<Found>) {
    let mut push = |path: PathBuf, skip: Option<String>, unreadable: Option<String>| {
        found.push(Found {
            relative: root.relative(&path),
            location: root.locate(&path),
            path,
            skip,
            unreadable,
        });
    };
    let walker = WalkDir::new(&root.typed)
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
                    .map_or_else(|| root.typed.clone(), Path::to_path_buf);
                let reason = e
                    .io_error()
                    .map_or_else(|| e.to_string(), ToString::to_string);
                push(path, None, Some(format!("cannot be read: {reason}")));
                continue;
            }
        };
        // The root itself is followed when it is a symbolic link: the user named it.
        let is_file = entry.file_type().is_file()
            || (entry.depth() == 0 && entry.path_is_symlink() && entry.path().is_file());
        if is_file {
            let skip = std::fs::metadata(entry.path())
                .ok()
                .filter(|m| m.len() > filter.max_bytes)
                .map(|m| {
                    format!(
                        "larger than the size cap ({} bytes > {})",
                        m.len(),
                        filter.max_bytes
                    )
                });
            push(entry.into_path(), skip, None);
        } else if entry.path_is_symlink() && entry.depth() > 0 {
            push(
                entry.into_path(),
                Some("symbolic link (not followed)".into()),
                None,
            );
        } else if !entry.file_type().is_dir() && !entry.path().is_dir() {
            push(
                entry.into_path(),
                Some("not a regular file (a pipe, socket or device)".into()),
                None,
            );
        }
    }
}

/// The top of the git work tree holding `folder`, if any: the nearest folder
/// at or above it with a `.git` entry (a folder, or a file for a worktree or
/// submodule). Found without running git, which may not be installed.
fn work_tree(folder: &Path) -> Option<PathBuf> {
    folder
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Reads a file as text.
pub fn read_text(path: &Path) -> Result<String, ReadFailure> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| ReadFailure::Io(format!("cannot be read: {e}")))?;
    let (text, encoding) = decode(bytes).ok_or(ReadFailure::Binary)?;
    if encoding != "UTF-8" {
        log::debug!("{}: read as {encoding}", display_path(path));
    }
    Ok(text)
}

/// Decodes a file's bytes, and names the encoding used; `None` when they
/// are binary.
///
/// UTF-16 needs its byte order mark (PowerShell's `>` writes one); without it
/// the NUL bytes of UTF-16 look like binary, and the file is skipped as such.
/// UTF-8 is taken as it is, its BOM kept for [`crate::source::SourceFile`] to
/// drop. Anything else is decoded rather than skipped, so that a key in a
/// Latin-1 `.env` is still found: as UTF-8 with the bad bytes replaced when
/// the file holds valid UTF-8 beyond ASCII (a stray byte in a UTF-8 file), and
/// as Windows-1252, the superset of Latin-1 that editors mean by it, when not.
/// Spans and columns then count in the decoded text, which is what a reader sees.
pub fn decode(bytes: Vec<u8>) -> Option<(String, &'static str)> {
    use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

    if let Some((encoding, bom)) = Encoding::for_bom(&bytes) {
        if encoding == UTF_16LE || encoding == UTF_16BE {
            let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
            return Some((text.into_owned(), encoding.name()));
        }
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return None;
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Some((text, "UTF-8")),
        Err(e) => e.into_bytes(),
    };
    let lossy = String::from_utf8_lossy(&bytes);
    if lossy
        .chars()
        .any(|c| !c.is_ascii() && c != char::REPLACEMENT_CHARACTER)
    {
        return Some((lossy.into_owned(), "UTF-8 (invalid bytes replaced)"));
    }
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(&bytes);
    Some((text.into_owned(), WINDOWS_1252.name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> Option<(String, &'static str)> {
        decode(bytes.to_vec())
    }

    #[test]
    fn utf8_is_kept_as_it_is() {
        assert_eq!(text("a=é\n".as_bytes()), Some(("a=é\n".into(), "UTF-8")));
        let bom = text(b"\xef\xbb\xbfa=1").unwrap();
        assert_eq!(bom.0, "\u{feff}a=1");
    }

    #[test]
    fn utf16_needs_its_bom() {
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("A=é\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(text(&le), Some(("A=é\n".into(), "UTF-16LE")));
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain("B=1".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(text(&be), Some(("B=1".into(), "UTF-16BE")));
        assert_eq!(text(&le[2..]), None);
    }

    #[test]
    fn other_bytes_are_latin1_or_repaired_utf8() {
        assert_eq!(
            text(b"NAME=caf\xe9 \x80\n"),
            Some(("NAME=café €\n".into(), "windows-1252"))
        );
        let (repaired, encoding) = text(
            "é=\u{2713}"
                .as_bytes()
                .iter()
                .copied()
                .chain([0xff])
                .collect::<Vec<_>>()
                .as_slice(),
        )
        .unwrap();
        assert_eq!(repaired, "é=\u{2713}\u{fffd}");
        assert_eq!(encoding, "UTF-8 (invalid bytes replaced)");
        assert_eq!(text(b"a\0b"), None);
    }
}
