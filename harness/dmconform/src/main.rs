//! The `dmconform` command line.

fn main() {}
