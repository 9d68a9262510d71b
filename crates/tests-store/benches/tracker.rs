//! The tracker benchmark (written below).

fn main() {}
