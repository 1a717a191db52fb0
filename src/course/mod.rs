#[cfg(feature = "book")]
pub mod book;
pub mod lessons;
pub mod transcript;
