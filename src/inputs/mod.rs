//! Inputs: deciding what a file is, parsing it with spans, and extracting resources.
//!
//! The file name decides first (`.env*`, `*.tf`, `Dockerfile*`…); YAML and
//! JSON are then classified by content: Kubernetes (`apiVersion` + `kind`),
//! docker-compose (`services` in a compose-named file or of compose shape),
//! CloudFormation (`AWSTemplateFormatVersion` or `AWS::` resource types),
//! GitHub Actions (directly under `.github/workflows/`, read from the file's
//! canonical location so it does not matter how the root was typed).
//! Every text file also gets a `file` resource so the secret detectors can
//! read it whole. A file that does not parse gives [`ParseError`]s with the
//! byte offset the parser stopped at, beside whatever could still be read;
//! the caller records them and moves on.

pub mod actions;
pub mod cloudformation;
pub mod compose;
pub mod dockerfile;
pub mod dotenv;
pub mod json;
pub mod kubernetes;
pub mod terraform;
pub mod yaml;

use std::path::Path;

use crate::resource::Resource;
use crate::source::{SourceFile, Span};
use crate::tree::{Node, Value};

/// Why a file could not be parsed, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// The byte offset the parser stopped at.
    pub offset: usize,
    /// The parser's reason.
    pub message: String,
}

impl ParseError {
    /// An error at byte `offset`.
    pub fn new(offset: usize, message: impl Into<String>) -> Self {
        ParseError {
            offset,
            message: message.into(),
        }
    }
}

/// What a parser gives back: the resources, or the error that stopped it.
pub type Extracted = Result<Vec<Resource>, ParseError>;

/// What a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `.env`, `.env.*`, `*.env`.
    Env,
    /// Kubernetes manifests.
    Kubernetes,
    /// docker-compose.
    Compose,
    /// CloudFormation, YAML or JSON.
    CloudFormation,
    /// GitHub Actions workflow.
    Actions,
    /// YAML of no known kind.
    Yaml,
    /// JSON of no known kind.
    Json,
    /// `*.tf`.
    Terraform,
    /// `*.tfvars` and `*.tfvars.json`.
    TerraformVars,
    /// `*.tf.json`.
    TerraformJson,
    /// `Dockerfile`, `Containerfile`, their `.suffix`/`-suffix` variants, `*.dockerfile`.
    Dockerfile,
    /// Any other text file (searched for keys only).
    Text,
}

impl FileKind {
    /// The short name used in logs and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Env => "env",
            FileKind::Kubernetes => "k8s",
            FileKind::Compose => "compose",
            FileKind::CloudFormation => "cfn",
            FileKind::Actions => "gha",
            FileKind::Yaml => "yaml",
            FileKind::Json => "json",
            FileKind::Terraform => "tf",
            FileKind::TerraformVars => "tfvars",
            FileKind::TerraformJson => "tf.json",
            FileKind::Dockerfile => "docker",
            FileKind::Text => "text",
        }
    }
}

/// The kind a file's name alone says.
pub fn kind_by_name(path: &Path) -> FileKind {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    if is_env_name(&lower) {
        FileKind::Env
    } else if lower.ends_with(".tf") {
        FileKind::Terraform
    } else if lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json") {
        FileKind::TerraformVars
    } else if lower.ends_with(".tf.json") {
        FileKind::TerraformJson
    } else if is_dockerfile_name(&lower) {
        FileKind::Dockerfile
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        FileKind::Yaml
    } else if lower.ends_with(".json") || lower.ends_with(".template") {
        // `.template` is CloudFormation's old extension, for JSON and YAML
        // alike; `parse` looks at the text to tell which.
        FileKind::Json
    } else {
        FileKind::Text
    }
}

/// `.env`, `.env.production`, `.env-example`, `prod.env`, and the example
/// files people name without the dot: `env.example`, `env.sample`,
/// `env.template`, `env.dist` (lower-cased). `env.js` or `env.py` is source.
fn is_env_name(lower: &str) -> bool {
    if lower == ".env" || lower.starts_with(".env.") || lower.starts_with(".env-") {
        return true;
    }
    if lower.ends_with(".env") {
        return true;
    }
    lower.strip_prefix("env.").is_some_and(|rest| {
        matches!(
            rest,
            "example"
                | "examples"
                | "sample"
                | "samples"
                | "template"
                | "dist"
                | "default"
                | "defaults"
        )
    })
}

/// `Dockerfile`, `Dockerfile.dev`, `Dockerfile-prod`, `api.dockerfile`, and
/// the same with `Containerfile` (lower-cased). `Dockerfile-lint.json` or
/// `Dockerfile.md` are about a Dockerfile, not one.
fn is_dockerfile_name(lower: &str) -> bool {
    const OTHER: [&str; 8] = [
        ".json", ".yaml", ".yml", ".md", ".txt", ".sh", ".py", ".ps1",
    ];
    ["dockerfile", "containerfile"].iter().any(|base| {
        lower.strip_prefix(base).is_some_and(|rest| {
            rest.is_empty()
                || (rest.len() > 1
                    && rest.starts_with(['.', '-', '_'])
                    && !OTHER.iter().any(|ext| rest.ends_with(ext)))
        }) || lower
            .strip_suffix(base)
            .is_some_and(|stem| stem.len() > 1 && stem.ends_with('.'))
    })
}

/// Why a file is not parsed at all, if it should not be: Helm chart
/// templates are Go templates, not YAML, until `helm template` renders them.
pub fn skip_reason(path: &Path, text: &str) -> Option<String> {
    let yaml_like = matches!(kind_by_name(path), FileKind::Yaml)
        || path.extension().is_some_and(|e| e == "tpl");
    // Any `templates/` folder (tests/ below it included) of a chart holding Chart.yaml.
    let in_chart = path.ancestors().skip(1).any(|dir| {
        dir.file_name().is_some_and(|n| n == "templates")
            && dir
                .parent()
                .is_some_and(|p| p.join("Chart.yaml").is_file() || p.join("Chart.yml").is_file())
    });
    if in_chart && yaml_like && text.contains("{{") {
        return Some(
            "Helm chart template: searched for keys as text; its resources are not checked until \
             rendered (scan the output of `helm template`)"
                .into(),
        );
    }
    None
}

/// The parsed file: its kind and resources.
pub struct Parsed {
    /// What the file turned out to be.
    pub kind: FileKind,
    /// The resources, starting with the `file` resource.
    pub resources: Vec<Resource>,
    /// The error that stopped the parser, and problems it read past.
    pub errors: Vec<ParseError>,
}

/// Parses `file` and extracts its resources. Never fails: a parse error is
/// returned beside whatever could be extracted (at least the `file` resource,
/// so keys in a broken file are still found). `location` is where the file
/// really is (see `discover::Found::location`); the folders in it decide
/// what only folders can tell, such as a GitHub workflow.
pub fn parse(file: &SourceFile, location: &Path) -> Parsed {
    let mut kind = kind_by_name(location);
    let mut errors = Vec::new();
    let mut with_problems = |parsed: Result<(Vec<Resource>, Vec<ParseError>), ParseError>| {
        parsed.map(|(resources, problems)| {
            errors.extend(problems);
            resources
        })
    };
    let result = match kind {
        FileKind::Env => with_problems(Ok(dotenv::parse(file))),
        FileKind::Terraform => terraform::extract(file),
        FileKind::TerraformVars
            if location
                .to_string_lossy()
                .to_ascii_lowercase()
                .ends_with(".json") =>
        {
            terraform::extract_tfvars_json(file)
        }
        FileKind::TerraformVars => terraform::extract_tfvars(file),
        FileKind::TerraformJson => terraform::extract_tf_json(file),
        FileKind::Dockerfile => with_problems(dockerfile::parse(file)),
        FileKind::Yaml => with_problems(yaml_family(file, location, &mut kind)),
        FileKind::Json if is_yaml_template(location, &file.text) => {
            kind = FileKind::Yaml;
            with_problems(yaml_family(file, location, &mut kind))
        }
        FileKind::Json => json_family(file, location, &mut kind),
        _ => Ok(Vec::new()),
    };
    let mut resources = vec![file_resource(file)];
    match result {
        Ok(found) => resources.extend(found.into_iter().map(|mut r| {
            r.parent = r.parent.map(|p| p + 1);
            r
        })),
        Err(e) => errors.insert(0, e),
    }
    Parsed {
        kind,
        resources,
        errors,
    }
}

/// A file read only as text: one `file` resource, searched for keys (a Helm
/// chart template, which is not YAML until rendered).
pub fn parse_as_text(file: &SourceFile) -> Parsed {
    Parsed {
        kind: FileKind::Text,
        resources: vec![file_resource(file)],
        errors: Vec::new(),
    }
}

/// Whether a `.template` file is a YAML CloudFormation template. JSON opens
/// with `{`; other text is taken for YAML only when it names CloudFormation,
/// since `.template` is also what envsubst and Jinja users call their files
/// (`nginx.conf.template`), and those should not give YAML errors.
fn is_yaml_template(location: &Path, text: &str) -> bool {
    let template = location
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("template"));
    let opens_json = text
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .starts_with('{');
    template && !opens_json && (text.contains("AWSTemplateFormatVersion") || text.contains("AWS::"))
}

/// The `file` resource: the whole text, for detectors that read text.
fn file_resource(file: &SourceFile) -> Resource {
    let path = file.display_path();
    Resource::new(
        "file",
        path.clone(),
        Span::new(0, 0),
        Node::new(Span::new(0, 0), Value::Null),
    )
    .with_address(path)
}

/// YAML files: the documents that parse are classified and extracted, and
/// the errors of those that do not come back beside them.
fn yaml_family(
    file: &SourceFile,
    location: &Path,
    kind: &mut FileKind,
) -> Result<(Vec<Resource>, Vec<ParseError>), ParseError> {
    let (docs, errors) = yaml::parse_lenient(&file.text);
    let roots: Vec<&Node> = docs.iter().map(|d| &d.root).collect();
    *kind = classify(location, &roots);
    let resources = match kind {
        FileKind::Actions => actions::extract(file, &docs),
        FileKind::CloudFormation => docs
            .iter()
            .flat_map(|d| cloudformation::extract(&d.root))
            .collect(),
        FileKind::Compose => docs
            .iter()
            .flat_map(|d| compose::extract(file, &d.root))
            .collect(),
        FileKind::Kubernetes => kubernetes::extract(file, &docs),
        _ => Vec::new(),
    };
    Ok((resources, errors))
}

fn json_family(file: &SourceFile, location: &Path, kind: &mut FileKind) -> Extracted {
    // Only JSON that looks like infrastructure is parsed; other JSON (package
    // locks, notebooks) is text for the key detectors.
    let text = &file.text;
    let looks_like = text.contains("AWSTemplateFormatVersion")
        || text.contains("\"AWS::")
        || (text.contains("\"apiVersion\"") && text.contains("\"kind\""));
    if !looks_like {
        *kind = FileKind::Text;
        return Ok(Vec::new());
    }
    let root = json::parse(file)?;
    *kind = classify(location, &[&root]);
    match kind {
        FileKind::CloudFormation => Ok(cloudformation::extract(&root)),
        FileKind::Kubernetes => {
            let docs = [yaml::Document {
                start: root.span.start,
                root,
            }];
            Ok(kubernetes::extract(file, &docs))
        }
        _ => Ok(Vec::new()),
    }
}

/// Whether `path` sits directly in `.github/workflows`, the only place
/// GitHub reads workflows from.
pub fn is_workflow_path(path: &Path) -> bool {
    let mut folders = path.parent().into_iter().flat_map(Path::ancestors);
    let parent = folders.next().and_then(Path::file_name);
    let grandparent = folders.next().and_then(Path::file_name);
    parent.is_some_and(|n| n == "workflows") && grandparent.is_some_and(|n| n == ".github")
}

/// `compose.yaml`, `docker-compose.prod.yml`, `dev.compose.yml` and the like.
fn is_compose_name(path: &Path) -> bool {
    let Some(stem) = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
    else {
        return false;
    };
    let words: Vec<&str> = stem.split(['.', '-', '_']).collect();
    words.first() == Some(&"compose")
        || words.last() == Some(&"compose")
        || stem.starts_with("docker-compose")
}

/// Decides what YAML or JSON documents are.
fn classify(path: &Path, roots: &[&Node]) -> FileKind {
    let is_yaml = matches!(kind_by_name(path), FileKind::Yaml);
    if is_yaml && is_workflow_path(path) {
        return FileKind::Actions;
    }
    if roots.iter().any(|r| cloudformation::is_template(r)) {
        return FileKind::CloudFormation;
    }
    if roots
        .iter()
        .any(|r| r.get("apiVersion").is_some() && r.get("kind").is_some())
    {
        return FileKind::Kubernetes;
    }
    let named = is_compose_name(path);
    if roots.iter().any(|r| compose::is_compose(r, named)) {
        return FileKind::Compose;
    }
    if is_yaml {
        FileKind::Yaml
    } else {
        FileKind::Json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str) -> &'static str {
        kind_by_name(Path::new(name)).as_str()
    }

    #[test]
    fn names_people_give_their_files() {
        for (name, expected) in [
            (".env.production.local", "env"),
            (".env-example", "env"),
            ("env.example", "env"),
            ("ENV.SAMPLE", "env"),
            ("env.js", "text"),
            ("environment.yaml", "yaml"),
            ("prod.tfvars", "tfvars"),
            ("terraform.tfvars.json", "tfvars"),
            ("main.tf.json", "tf.json"),
            ("Dockerfile", "docker"),
            ("Dockerfile-prod", "docker"),
            ("dockerfile_ci", "docker"),
            ("Containerfile.dev", "docker"),
            ("api.Dockerfile", "docker"),
            ("Dockerfile.md", "text"),
            ("Dockerfiles", "text"),
            ("my-dockerfile", "text"),
            ("stack.template", "json"),
        ] {
            assert_eq!(kind(name), expected, "{name}");
        }
    }

    #[test]
    fn compose_file_names() {
        for name in [
            "compose.yaml",
            "docker-compose.yml",
            "docker-compose.prod.yml",
            "dev.compose.yml",
        ] {
            assert!(is_compose_name(Path::new(name)), "{name}");
        }
        for name in ["values.yaml", "composer.yaml", "decompose.yml"] {
            assert!(!is_compose_name(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn workflows_sit_directly_in_github_workflows() {
        assert!(is_workflow_path(Path::new("/r/.github/workflows/ci.yml")));
        assert!(!is_workflow_path(Path::new(
            "/r/.github/workflows/sub/ci.yml"
        )));
        assert!(!is_workflow_path(Path::new("/r/workflows/ci.yml")));
        assert!(!is_workflow_path(Path::new("ci.yml")));
    }
}
