//! TODO: placeholder until this parser lands.
