//! TODO: placeholder until the Terraform parser lands.
use super::{Extracted, ParseError};
use crate::source::SourceFile;
/// .tf
pub fn extract(_file: &SourceFile) -> Extracted {
    Err(ParseError::new(0, "not yet"))
}
/// .tfvars
pub fn extract_tfvars(_file: &SourceFile) -> Extracted {
    Err(ParseError::new(0, "not yet"))
}
/// .tf.json
pub fn extract_tf_json(_file: &SourceFile) -> Extracted {
    Err(ParseError::new(0, "not yet"))
}
