//! TODO: placeholder until the JSON parser lands.
use super::ParseError;
use crate::source::SourceFile;
use crate::tree::Node;
/// Parses a JSON file.
pub fn parse(file: &SourceFile) -> Result<Node, ParseError> {
    let _ = file;
    Err(ParseError::new(0, "JSON parser not yet available"))
}
