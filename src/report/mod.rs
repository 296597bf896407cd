//! Renderers: every output format, from the one [`crate::result::ScanResult`].

pub mod text;
