//! GitHub Actions workflows to resources.
//!
//! A workflow yields `gha/workflow` (its top level: `on`, `permissions`,
//! `env`), a `gha/job` per job and a `gha/step` per step, each pointing at
//! its parent, so rules can ask about permissions at the level they are set.

use super::yaml::Document;
use crate::resource::Resource;
use crate::source::{SourceFile, Span};
use crate::tree::Node;

/// The workflow, its jobs and their steps.
pub fn extract(file: &SourceFile, docs: &[Document]) -> Vec<Resource> {
    let mut out = Vec::new();
    let name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for doc in docs {
        let root = &doc.root;
        let span = root
            .entry("name")
            .map_or(Span::new(root.span.start, root.span.start), |e| {
                e.key_span.join(e.value.span)
            });
        let workflow = out.len();
        out.push(
            Resource::new("gha/workflow", name.clone(), span, root.clone())
                .with_address(format!("gha/{name}")),
        );
        for job in root.get("jobs").map_or(&[][..], Node::entries) {
            let job_index = out.len();
            let address = format!("gha/{name}/jobs/{}", job.key);
            out.push(
                Resource::new("gha/job", job.key.clone(), job.key_span, job.value.clone())
                    .with_address(address.clone())
                    .with_parent(workflow),
            );
            for (i, step) in job
                .value
                .get("steps")
                .map_or(&[][..], Node::items)
                .iter()
                .enumerate()
            {
                let label = step
                    .get("name")
                    .or_else(|| step.get("uses"))
                    .and_then(Node::as_str)
                    .map_or_else(|| format!("step {}", i + 1), str::to_string);
                let sspan = Span::new(step.span.start, step.span.start);
                out.push(
                    Resource::new("gha/step", label, sspan, step.clone())
                        .with_address(format!("{address}/steps/{}", i + 1))
                        .with_parent(job_index),
                );
            }
        }
    }
    out
}
