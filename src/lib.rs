//! vouch: a policy-as-code compliance checker for the keys and data around hosted AI model APIs.
//!
//! The crate follows the data flow of DESIGN.md: [`discover`] finds files,
//! [`inputs`] parse them into spanned trees and resources, [`engine`]
//! evaluates [`policy`] rules against them, and the one
//! [`result::ScanResult`] is rendered in every format.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod discover;
pub mod engine;
pub mod filter;
pub mod inputs;
pub mod policy;
pub mod report;
pub mod resource;
pub mod result;
pub mod scan;
pub mod schema;
pub mod secrets;
pub mod source;
pub mod tree;
