//! The subcommands, one module each.

pub mod certify;
pub mod compare;
pub mod convert;
pub mod expectations;
pub mod explain;
pub mod fuzz;
pub mod load;
pub mod replay;
pub mod run;
pub mod serve;
pub mod setup;
pub mod specs;
pub mod verify;
