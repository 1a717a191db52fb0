//! The course as a teacher sees a class: a learner's progress summed up
//! (`netrepl progress`), written out as one JSON document
//! (`netrepl progress export`, see [`export`] for the format), and many
//! such documents rolled up into one report (`netrepl class report`).

pub mod cli;
pub mod export;
pub mod report;
pub mod report_render;
pub mod summary;
