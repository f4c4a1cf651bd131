//! The subcommands, one module each.

pub mod convert;
pub mod explain;
pub mod run;
pub mod serve;
pub mod specs;
