//! The input language: Python calls and shell-like commands, one line at a time.

mod lexer;
mod parser;

pub use parser::{Arg, Comparison, Expr, Statement, parse_line, parse_python};
