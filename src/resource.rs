//! Resources: the normalised things rules are written against.
//!
//! Extraction turns a parsed file into resources such as `k8s/container`,
//! `compose/service` or `tf/resource/aws_s3_bucket`. A rule targets kinds, not
//! file formats, so one rule can cover a Terraform bucket and its
//! CloudFormation twin by naming both kinds.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::source::Span;
use crate::tree::Node;

/// The deployment environment a resource belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Production.
    Production,
    /// Staging, pre-production, UAT.
    Staging,
    /// Development.
    Development,
    /// Test, CI, QA.
    Test,
    /// Nothing says which.
    Unknown,
}

impl Environment {
    /// Every environment, in order.
    pub const ALL: [Environment; 5] = [
        Environment::Production,
        Environment::Staging,
        Environment::Development,
        Environment::Test,
        Environment::Unknown,
    ];

    /// The lowercase name used in policies, config and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Staging => "staging",
            Environment::Development => "development",
            Environment::Test => "test",
            Environment::Unknown => "unknown",
        }
    }

    /// Parses a name as used in config (`prod` and `dev` are accepted too).
    pub fn from_name(name: &str) -> Option<Environment> {
        Some(match name.to_ascii_lowercase().as_str() {
            "production" | "prod" | "prd" | "live" => Environment::Production,
            "staging" | "stage" | "stg" | "preprod" | "pre-prod" | "uat" => Environment::Staging,
            "development" | "dev" | "develop" | "local" => Environment::Development,
            "test" | "testing" | "qa" | "ci" => Environment::Test,
            "unknown" => Environment::Unknown,
            _ => return None,
        })
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One resource extracted from a file.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The normalised kind, e.g. `k8s/container` or `tf/resource/aws_s3_bucket`.
    pub kind: String,
    /// The resource's own name (`api`, `data`, `OPENAI_API_KEY`).
    pub name: String,
    /// How findings name it: `k8s/Deployment/api`, `aws_s3_bucket.data`.
    pub address: String,
    /// The span of the resource in its file (the block, document or line).
    pub span: Span,
    /// The resource's attributes.
    pub body: Node,
    /// The index of the enclosing resource in the same file (a container's pod).
    pub parent: Option<usize>,
    /// The environment it belongs to.
    pub env: Environment,
    /// Names other resources use to refer to it: a Terraform address, a
    /// CloudFormation logical id, a literal bucket name.
    pub ref_names: Vec<String>,
    /// Where an extractor moved it from (a Helm template named in `# Source:`).
    pub origin: Option<String>,
}

impl Resource {
    /// A resource with no parent, unknown environment and no reference names.
    pub fn new(kind: impl Into<String>, name: impl Into<String>, span: Span, body: Node) -> Self {
        let kind = kind.into();
        let name = name.into();
        Resource {
            address: format!("{kind}/{name}"),
            kind,
            name,
            span,
            body,
            parent: None,
            env: Environment::Unknown,
            ref_names: Vec::new(),
            origin: None,
        }
    }

    /// Sets the address findings use.
    #[must_use]
    pub fn with_address(mut self, address: impl Into<String>) -> Self {
        self.address = address.into();
        self
    }

    /// Sets the parent resource.
    #[must_use]
    pub fn with_parent(mut self, parent: usize) -> Self {
        self.parent = Some(parent);
        self
    }
}
