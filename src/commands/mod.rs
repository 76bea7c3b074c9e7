//! One file per command: each takes its parsed arguments and returns an [`crate::Outcome`].

pub mod build;
pub mod check;
pub mod init;
pub mod ledger;
pub mod serve;
pub mod status;
pub mod verify;
