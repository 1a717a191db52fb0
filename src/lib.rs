//! netrepl: an interactive REPL for learning networking, whose commands are
//! CPython's `socket` functions answered by the real operating system.

pub mod addressing;
pub mod arithmetic;
#[cfg(feature = "book")]
pub mod book;
pub mod builtins;
pub mod codecs;
pub mod commands;
pub mod constants;
pub mod convert;
pub mod error;
pub mod ffi;
pub mod help;
pub mod icmp;
pub mod idna;
pub mod lab;
pub mod lessons;
pub mod live;
pub mod operators;
pub mod output;
pub mod ping;
pub mod registry;
pub mod render;
pub mod repl;
pub mod resolver;
pub mod session;
pub mod sockets;
pub mod sweep;
pub mod syntax;
pub mod text_methods;
pub mod transcript;
pub mod value;
