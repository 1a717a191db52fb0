//! netrepl: an interactive REPL for learning networking, whose commands are
//! CPython's `socket` functions answered by the real operating system.
//!
//! The crate is six layers, each a folder, and every import points down
//! (`tests/layers.rs` fails on one that points up, and on any circle of
//! imports between files):
//!
//! 1. [`python`]: the language. Values and their `repr`, errors in Python's
//!    form, both syntaxes (command style and pasted Python), arithmetic,
//!    built-ins, str and bytes methods, codecs, IDNA. No sockets, no OS calls.
//! 2. [`net`]: the operating system. The libc wrappers (the only `unsafe`),
//!    the resolver, ICMP, ping and the sweep, the socket table and practice
//!    servers, interfaces and address classes, the namespace lab. Rust types
//!    in and out, failures as `python::error::CommandError`.
//! 3. [`commands`]: the registry and one file per family of commands, which
//!    turn what `net` answers into Python values.
//! 4. [`session`]: variables, running a parsed line against the registry,
//!    rendering in pretty, python and json, and help.
//! 5. [`course`]: the lessons, their checks, the tutor and progress,
//!    transcripts, and the book.
//! 6. [`repl`]: the line editor and the loops; `main.rs` picks a mode.

pub mod commands;
pub mod course;
pub mod net;
pub mod python;
pub mod repl;
pub mod session;
