//! The course, layer 5: the lessons in `lessons/` (their parsing, the
//! linter `netrepl lessons check`, the tutor that follows a learner through
//! them, progress), the transcript format and matcher that lesson blocks and
//! tests share (`transcript`), and the mdBook made from the same files
//! (`book`).
//!
//! May use: the session and everything below it.
//!
//! Must not: know of the line editor or the loops; it hands itself to the
//! tutorial commands below through `lessons::tutor::install`.

#[cfg(feature = "book")]
pub mod book;
pub mod class;
pub mod html;
pub mod lessons;
pub mod terminal;
pub mod timestamp;
pub mod transcript;
