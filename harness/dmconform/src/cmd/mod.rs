//! The subcommands, one module each.

pub mod convert;
pub mod explain;
pub mod fuzz;
pub mod run;
pub mod specs;
