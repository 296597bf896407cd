//! TODO: placeholder until this parser lands.
use super::{Extracted, ParseError};
use crate::source::SourceFile;
/// Extracts resources.
pub fn extract(_file: &SourceFile) -> Extracted {
    Err(ParseError::new(0, "not yet"))
}
