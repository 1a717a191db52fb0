//! Which netrepl run shows what: every block that can run here (a lesson's
//! or a book page's with no `needs`, and `needs=lab` ones when the seal has
//! the lab) and every registry example gets one
//! `Run`, and the plan remembers which run belongs to which, so that all
//! runs can go at once (`live::run_all`) and each output goes back in place.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::live::{self, Output, Run};
use super::seal::Seal;
use crate::commands;
use crate::course::lessons::course::Course;
use crate::course::transcript::Block;

/// The runs of a build and what each one is for; the values of the maps are
/// indices into `runs` (and so into the outputs `live::run_all` returns).
#[derive(Default)]
pub struct RunPlan {
    /// Lesson blocks first, then page blocks, then examples.
    runs: Vec<Run>,
    /// (lesson, block) indices in the course, for the blocks that run.
    lesson_blocks: HashMap<(usize, usize), usize>,
    /// Each book page's blocks, in order, with the run of those that run.
    page_blocks: HashMap<PathBuf, Vec<(Block, Option<usize>)>>,
    /// (command name, example index), for every registry example.
    examples: HashMap<(&'static str, usize), usize>,
}

/// A plan whose runs are done: the output for each block and example.
pub struct LiveOutputs {
    plan: RunPlan,
    outputs: Vec<Output>,
}

impl RunPlan {
    /// Plans the course's blocks, the pages' blocks (as `blocks::read_page_blocks`
    /// returns them) and the registry's examples.
    pub fn new(course: &Course, pages: Vec<(PathBuf, Vec<Block>)>, seal: &Seal) -> RunPlan {
        let mut plan = RunPlan::default();
        let with_lab = seal.lab().is_ok();
        plan.add_lesson_blocks(course, with_lab);
        plan.add_page_blocks(pages, with_lab);
        plan.add_examples();
        plan
    }

    /// Does every run (see `live::run_all`) in the sealed session.
    pub fn run(self, seal: &Seal) -> LiveOutputs {
        let outputs = live::run_all(seal, &self.runs);
        LiveOutputs {
            plan: self,
            outputs,
        }
    }

    fn add(&mut self, run: Run) -> usize {
        self.runs.push(run);
        self.runs.len() - 1
    }

    fn add_lesson_blocks(&mut self, course: &Course, with_lab: bool) {
        for (l, lesson) in course.lessons.iter().enumerate() {
            for (b, block) in lesson.blocks.iter().enumerate() {
                if runs_here(block, with_lab) {
                    let run = self.add(block_run(lesson.file.clone(), block));
                    self.lesson_blocks.insert((l, b), run);
                }
            }
        }
    }

    fn add_page_blocks(&mut self, pages: Vec<(PathBuf, Vec<Block>)>, with_lab: bool) {
        for (path, blocks) in pages {
            let planned = blocks
                .into_iter()
                .map(|block| {
                    let run = runs_here(&block, with_lab)
                        .then(|| self.add(block_run(path.display().to_string(), &block)));
                    (block, run)
                })
                .collect();
            self.page_blocks.insert(path, planned);
        }
    }

    fn add_examples(&mut self) {
        for command in commands::all() {
            for (n, example) in command.examples.iter().enumerate() {
                let run = self.add(Run {
                    group: format!("example {}", command.name),
                    format: "python".into(),
                    inputs: vec![example.input.to_string()],
                    in_lab: false,
                });
                self.examples.insert((command.name, n), run);
            }
        }
    }
}

impl LiveOutputs {
    /// The output of block `block` of lesson `lesson`, if it ran.
    pub fn lesson_block(&self, lesson: usize, block: usize) -> Option<&Output> {
        self.output(self.plan.lesson_blocks.get(&(lesson, block)))
    }

    /// The blocks of a book page, each with its output if it ran; `None`
    /// for a page that was not planned.
    pub fn page_blocks(&self, page: &Path) -> Option<Vec<(&Block, Option<&Output>)>> {
        let planned = self.plan.page_blocks.get(page)?;
        Some(
            planned
                .iter()
                .map(|(block, run)| (block, self.output(run.as_ref())))
                .collect(),
        )
    }

    /// The output of example `n` of the command `name`.
    pub fn example(&self, name: &str, n: usize) -> Option<&Output> {
        self.output(self.plan.examples.get(&(name, n)))
    }

    /// Every example's command name and output, in no particular order.
    pub fn examples(&self) -> impl Iterator<Item = (&'static str, &Output)> {
        self.plan
            .examples
            .iter()
            .map(|(&(name, _), &run)| (name, &self.outputs[run]))
    }

    fn output(&self, run: Option<&usize>) -> Option<&Output> {
        run.map(|&run| &self.outputs[run])
    }
}

/// Whether a block runs in this build: one with no needs always, a
/// `needs=lab` one when the lab is there; `needs=root` ones (ICMP timings)
/// keep their recording.
fn runs_here(block: &Block, with_lab: bool) -> bool {
    match block.needs.as_deref() {
        None => true,
        Some("lab") => with_lab,
        Some(_) => false,
    }
}

/// A block's run, in its own format (pretty unless it says otherwise).
fn block_run(group: String, block: &Block) -> Run {
    Run {
        group,
        format: block.format.clone().unwrap_or_else(|| "pretty".into()),
        inputs: block.inputs().map(str::to_string).collect(),
        in_lab: block.needs.as_deref() == Some("lab"),
    }
}
