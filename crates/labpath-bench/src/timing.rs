//! Timing placeholder.
