//! The input language: Python calls and shell-like commands, one line at a time.

mod lexer;
mod parser;
mod python_lines;

pub use parser::{Arg, BinaryOp, Comparison, Expr, Statement, parse_line, parse_python};
pub use python_lines::{is_statement_keyword, split_statements};
