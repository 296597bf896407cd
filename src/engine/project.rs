//! The scanned project: every file, its resources, and indexes rules need.
//!
//! Built once after parsing and shared read-only by every rule evaluation,
//! so related-resource and project-wide lookups cost an index probe, not a
//! scan of every file.

use std::collections::HashMap;
use std::sync::Arc;

use crate::inputs::FileKind;
use crate::policy::cond::KindSet;
use crate::resource::Resource;
use crate::source::SourceFile;

use super::secrets::SecretsGlue;

/// One scanned file and what was extracted from it.
#[derive(Debug)]
pub struct ScannedFile {
    /// The file.
    pub source: SourceFile,
    /// Its path below the project (see `discover::Found::relative`).
    pub relative: String,
    /// Its canonical absolute path.
    pub location: std::path::PathBuf,
    /// What kind of file it is.
    pub kind: FileKind,
    /// Its resources.
    pub resources: Vec<Resource>,
    /// The unit related resources are looked up in: a Terraform module's
    /// folder, otherwise the file itself.
    pub unit: String,
}

/// A resource's place: file index and resource index in that file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResRef {
    /// Index into [`Project::files`].
    pub file: usize,
    /// Index into that file's resources.
    pub res: usize,
}

/// Everything scanned.
#[derive(Debug, Default)]
pub struct Project {
    /// The files, sorted by path.
    pub files: Vec<ScannedFile>,
    by_kind: HashMap<String, Vec<ResRef>>,
    secrets: Arc<SecretsGlue>,
}

impl Project {
    /// Indexes `files`; they are sorted by path so results are stable.
    pub fn new(mut files: Vec<ScannedFile>, secrets: Arc<SecretsGlue>) -> Self {
        files.sort_by(|a, b| a.source.path.cmp(&b.source.path));
        let mut by_kind: HashMap<String, Vec<ResRef>> = HashMap::new();
        for (f, file) in files.iter().enumerate() {
            for (r, res) in file.resources.iter().enumerate() {
                by_kind
                    .entry(res.kind.clone())
                    .or_default()
                    .push(ResRef { file: f, res: r });
            }
        }
        Project {
            files,
            by_kind,
            secrets,
        }
    }

    /// The resource at `at`.
    pub fn resource(&self, at: ResRef) -> &Resource {
        &self.files[at.file].resources[at.res]
    }

    /// The file of `at`.
    pub fn file(&self, at: ResRef) -> &ScannedFile {
        &self.files[at.file]
    }

    /// Every resource whose kind matches, in file order.
    pub fn of_kinds(&self, kinds: &KindSet) -> Vec<ResRef> {
        let mut out: Vec<ResRef> = self
            .by_kind
            .iter()
            .filter(|(k, _)| kinds.matches(k))
            .flat_map(|(_, refs)| refs.iter().copied())
            .collect();
        out.sort();
        out
    }

    /// Resources of `kinds` in the same unit as `at`.
    pub fn in_unit(&self, at: ResRef, kinds: &KindSet) -> Vec<ResRef> {
        let unit = &self.files[at.file].unit;
        self.of_kinds(kinds)
            .into_iter()
            .filter(|r| &self.files[r.file].unit == unit)
            .collect()
    }

    /// Every resource, in file order.
    pub fn all(&self) -> impl Iterator<Item = ResRef> + '_ {
        self.files.iter().enumerate().flat_map(|(f, file)| {
            (0..file.resources.len()).map(move |r| ResRef { file: f, res: r })
        })
    }

    /// The secret detectors.
    pub fn secrets(&self) -> &SecretsGlue {
        &self.secrets
    }
}
