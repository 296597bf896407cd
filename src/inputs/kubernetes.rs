//! Kubernetes manifests to resources.
//!
//! Every object becomes `k8s/<Kind>`; `List` objects are unpacked. Each
//! pod-bearing object (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
//! ReplicationController, Job, CronJob) also yields a `k8s/pod` for its pod
//! spec and a `k8s/container` for every container and init container, each
//! pointing at its parent, so one rule about containers covers them all.
//! Documents that `helm template` rendered carry a `# Source:` comment; the
//! template it names becomes the resource's origin.

use super::yaml::Document;
use crate::resource::Resource;
use crate::source::{SourceFile, Span};
use crate::tree::{Node, PathStep};

/// Extracts resources from the documents of one file.
pub fn extract(file: &SourceFile, docs: &[Document]) -> Vec<Resource> {
    let sources = helm_sources(&file.text);
    let mut out = Vec::new();
    for doc in docs {
        let origin = sources
            .iter()
            .rev()
            .find(|(offset, _)| *offset <= doc.start)
            .and_then(|(_, s)| s.clone());
        let before = out.len();
        object(&doc.root, &mut out);
        for r in &mut out[before..] {
            r.origin.clone_from(&origin);
        }
    }
    out
}

/// `# Source: chart/templates/x.yaml` comments and where they stand. Each
/// `---` line is a marker too, with no template, so that a document written
/// by hand after a rendered one does not take its template: the latest
/// marker before a document's content is the one that applies to it.
fn helm_sources(text: &str) -> Vec<(usize, Option<String>)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(src) = line.trim().strip_prefix("# Source: ") {
            out.push((offset, Some(src.trim().to_string())));
        } else if line
            .strip_prefix("---")
            .is_some_and(|rest| rest.trim().is_empty() || rest.starts_with([' ', '\t']))
        {
            out.push((offset, None));
        }
        offset += line.len();
    }
    out
}

fn text_at<'a>(node: &'a Node, path: &[&str]) -> Option<&'a str> {
    let steps: Vec<PathStep> = path
        .iter()
        .map(|s| PathStep::Key((*s).to_string()))
        .collect();
    node.select(&steps).first().and_then(|n| n.as_str())
}

fn object(root: &Node, out: &mut Vec<Resource>) {
    let Some(kind) = root.get("kind").and_then(Node::as_str) else {
        return;
    };
    if kind == "List" || kind.ends_with("List") && root.get("items").is_some() {
        for item in root.get("items").map_or(&[][..], Node::items) {
            object(item, out);
        }
        return;
    }
    // TODO: `name: {{ .Release.Name }}` outside a chart's templates/ parses as a
    // flow mapping, and the resource is called "unnamed"; its source text
    // would name it better.
    let name = text_at(root, &["metadata", "name"])
        .or_else(|| text_at(root, &["metadata", "generateName"]))
        .unwrap_or("unnamed");
    let span = root
        .get("metadata")
        .and_then(|m| m.entry("name"))
        .map(|e| e.key_span.join(e.value.span))
        .or_else(|| root.entry("kind").map(|e| e.key_span.join(e.value.span)))
        .unwrap_or(Span::new(root.span.start, root.span.start));
    let address = format!("k8s/{kind}/{name}");
    let mut res = Resource::new(format!("k8s/{kind}"), name, span, root.clone())
        .with_address(address.clone());
    res.ref_names = vec![name.to_string(), format!("{kind}/{name}")];
    let parent = out.len();
    out.push(res);

    let template: &[&str] = match kind {
        "Pod" => &["spec"],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return,
    };
    let steps: Vec<PathStep> = template
        .iter()
        .map(|s| PathStep::Key((*s).to_string()))
        .collect();
    let Some(pod) = root.select(&steps).into_iter().next() else {
        return;
    };
    let pod_index = out.len();
    out.push(
        Resource::new("k8s/pod", name, span, pod.clone())
            .with_address(address.clone())
            .with_parent(parent),
    );
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        for c in pod.get(list).map_or(&[][..], Node::items) {
            let cname = c.get("name").and_then(Node::as_str).unwrap_or("unnamed");
            let cspan = c
                .entry("name")
                .map_or(c.span, |e| e.key_span.join(e.value.span));
            out.push(
                Resource::new("k8s/container", cname, cspan, c.clone())
                    .with_address(format!("{address}/{list}/{cname}"))
                    .with_parent(pod_index),
            );
        }
    }
}

/// The namespace an object declares, for environment guesses.
pub fn namespace(body: &Node) -> Option<&str> {
    text_at(body, &["metadata", "namespace"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::yaml;

    #[test]
    fn containers_of_every_pod_bearing_kind() {
        let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers: [{name: init}]\n          containers:\n          - name: job\n";
        let file = SourceFile::new("c.yaml", text);
        let res = extract(&file, &yaml::parse(text).unwrap());
        let kinds: Vec<(&str, &str)> = res
            .iter()
            .map(|r| (r.kind.as_str(), r.address.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("k8s/CronJob", "k8s/CronJob/nightly"),
                ("k8s/pod", "k8s/CronJob/nightly"),
                ("k8s/container", "k8s/CronJob/nightly/initContainers/init"),
                ("k8s/container", "k8s/CronJob/nightly/containers/job"),
            ]
        );
        assert_eq!(res[3].parent, Some(1));
        assert_eq!(file.line_col(res[3].span.start), (11, 13));
    }

    #[test]
    fn lists_and_helm_sources() {
        let text = "---\n# Source: chart/templates/api.yaml\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n";
        let file = SourceFile::new("out.yaml", text);
        let res = extract(&file, &yaml::parse(text).unwrap());
        assert_eq!(res[0].address, "k8s/ConfigMap/a");
        assert_eq!(res[0].origin.as_deref(), Some("chart/templates/api.yaml"));
    }

    #[test]
    fn a_document_without_a_source_has_no_template() {
        let text = "---\n# Source: chart/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: mine}\n--- # rendered again\n# Source: chart/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n";
        let file = SourceFile::new("out.yaml", text);
        let res = extract(&file, &yaml::parse(text).unwrap());
        let origins: Vec<(&str, Option<&str>)> = res
            .iter()
            .map(|r| (r.address.as_str(), r.origin.as_deref()))
            .collect();
        assert_eq!(
            origins,
            [
                ("k8s/ServiceAccount/sa", Some("chart/templates/sa.yaml")),
                ("k8s/Pod/mine", None),
                ("k8s/ConfigMap/cm", Some("chart/templates/cm.yaml")),
            ]
        );
    }
}
