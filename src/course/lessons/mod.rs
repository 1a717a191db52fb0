//! The course: lessons written in Markdown (`lessons/`), built into the
//! binary, run as a tutorial at the prompt, and checked like code.

pub mod block_env;
pub mod check;
pub mod course;
pub mod exercise;
pub mod exercise_check;
pub mod grade;
pub mod markdown;
pub mod parse;
pub mod progress;
pub mod tutor;
