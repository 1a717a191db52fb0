//! The input language: Python calls and shell-like commands, one line at a time.

pub mod blocks;
mod lexer;
mod parser;
mod python_lines;

pub use parser::{
    Arg, BinaryOp, Built, Clause, Comparison, Comprehension, Expr, Statement, Target, parse_line,
    parse_python, to_target,
};
pub use python_lines::{is_statement_keyword, split_statements};
