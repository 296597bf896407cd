//! Inputs: deciding what a file is, parsing it with spans, and extracting resources.
//!
//! Each format has its own module that turns a [`SourceFile`] into
//! [`Resource`]s. A file that does not parse gives a [`ParseError`] with the
//! byte offset the parser stopped at; the caller records it and moves on.

pub mod dockerfile;
pub mod dotenv;
pub mod json;
pub mod terraform;

use crate::resource::Resource;
use crate::source::SourceFile;

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

/// What a parser gives back: the resources, and any error that stopped it part-way.
pub type Extracted = Result<Vec<Resource>, ParseError>;

/// Re-exported for the format modules.
pub(crate) type Source = SourceFile;
