//! vouch: a policy-as-code compliance checker for the keys and data around hosted AI model APIs.
//!
//! The crate follows the data flow of DESIGN.md: [`inputs`] parse files into
//! spanned trees and resources, [`engine`] evaluates policy rules against
//! them, and [`report`] renders the one [`result::ScanResult`] in every format.

pub mod inputs;
pub mod resource;
pub mod result;
pub mod secrets;
pub mod source;
pub mod tree;
