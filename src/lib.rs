//! netrepl: an interactive REPL for learning networking, whose commands are
//! CPython's `socket` functions answered by the real operating system.

pub mod commands;
pub mod course;
pub mod net;
pub mod python;
pub mod repl;
pub mod session;
