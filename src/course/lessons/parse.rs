//! Reading one lesson file: its front matter, its steps (`## ` sections), its
//! runnable blocks and its exercises. Every problem is reported with the line
//! it is on and a sentence saying how to fix it.

use super::exercise;
pub use super::exercise::{Exercise, Expect};
use crate::course::transcript::{self, Block};

/// A problem in a lesson file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// A `## ` section of a lesson (the part before the first one is step 0).
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub title: String,
    /// The section's Markdown, as written.
    pub text: String,
    pub exercises: Vec<Exercise>,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub teaches: Vec<String>,
    pub file: String,
    pub steps: Vec<Step>,
    pub blocks: Vec<Block>,
    pub source: String,
}

impl Lesson {
    pub fn exercises(&self) -> impl Iterator<Item = &Exercise> {
        self.steps.iter().flat_map(|s| s.exercises.iter())
    }
}

pub fn parse_lesson(file: &str, source: &str) -> Result<Lesson, Vec<Problem>> {
    let problem = |line: usize, message: String| Problem {
        file: file.to_string(),
        line,
        message,
    };
    let mut problems = Vec::new();
    let lines: Vec<&str> = source.lines().collect();
    let Some(end) = front_matter_end(&lines) else {
        return Err(vec![problem(
            1,
            "the file must start with front matter: a line `---`, then id:, title: and teaches:, then `---`".into(),
        )]);
    };
    let mut id = None;
    let mut title = None;
    let mut teaches = None;
    for (n, line) in lines[1..end].iter().enumerate() {
        let at = n + 2;
        let line = line.split(" #").next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        match line.split_once(':') {
            Some(("id", v)) => id = Some(v.trim().to_string()),
            Some(("title", v)) => title = Some(v.trim().to_string()),
            Some(("teaches", v)) => match parse_list(v.trim()) {
                Some(list) => teaches = Some(list),
                None => problems.push(problem(
                    at,
                    "teaches must be a list in brackets, like `teaches: [inet_aton, inet_ntoa]`"
                        .into(),
                )),
            },
            _ => problems.push(problem(
                at,
                format!(
                    "unknown front matter line `{line}`; only id:, title: and teaches: are allowed"
                ),
            )),
        }
    }
    let expected_id = file
        .rsplit('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".md");
    match &id {
        None => problems.push(problem(
            1,
            "the front matter has no id:; add `id: NAME`".into(),
        )),
        Some(id) if !valid_id(id) => problems.push(problem(
            2,
            format!("id `{id}` must be lowercase words joined by dashes"),
        )),
        Some(id) if id != expected_id => problems.push(problem(
            2,
            format!("id `{id}` must match the file name `{expected_id}.md`"),
        )),
        _ => {}
    }
    if title.as_deref().is_none_or(str::is_empty) {
        problems.push(problem(
            1,
            "the front matter has no title:; add `title: ...`".into(),
        ));
    }
    if teaches.is_none() {
        problems.push(problem(
            1,
            "the front matter has no teaches:; add `teaches: [commands]` (or `teaches: []`)".into(),
        ));
    }
    let body_start = end + 1;
    let steps = split_steps(&lines, body_start);
    let mut parsed_steps = Vec::new();
    for (title, first, last) in steps {
        let text = lines[first..last].join("\n");
        let mut exercises = Vec::new();
        for (line, body) in exercise_blocks(&lines, first, last) {
            match parse_exercise(body, line) {
                Ok(e) => {
                    if exercises
                        .iter()
                        .chain(parsed_steps.iter().flat_map(|s: &Step| s.exercises.iter()))
                        .any(|x: &Exercise| x.id == e.id)
                    {
                        problems.push(problem(
                            line,
                            format!("two exercises are called `{}`; give each its own id", e.id),
                        ));
                    }
                    exercises.push(e);
                }
                Err((at, message)) => problems.push(problem(at, message)),
            }
        }
        parsed_steps.push(Step {
            title,
            text,
            exercises,
            line: first + 1,
        });
    }
    let blocks = match transcript::extract_blocks(source) {
        Ok(blocks) => blocks,
        Err(e) => {
            problems.push(problem(1, e));
            Vec::new()
        }
    };
    for block in &blocks {
        if let Some(needs) = &block.needs
            && needs != "root"
            && needs != "lab"
        {
            problems.push(problem(
                block.line,
                format!("needs={needs} is unknown; use needs=root or needs=lab"),
            ));
        }
        if let Some(format) = &block.format
            && crate::session::Format::parse(format).is_none()
        {
            problems.push(problem(
                block.line,
                format!("format={format} is unknown; use pretty, python or json"),
            ));
        }
        if block.steps.is_empty() {
            problems.push(problem(
                block.line,
                "the block has no `>>> ` input line".into(),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Lesson {
        id: id.unwrap_or_default(),
        title: title.unwrap_or_default(),
        teaches: teaches.unwrap_or_default(),
        file: file.to_string(),
        steps: parsed_steps,
        blocks,
        source: source.to_string(),
    })
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn front_matter_end(lines: &[&str]) -> Option<usize> {
    if lines.first().map(|l| l.trim()) != Some("---") {
        return None;
    }
    lines
        .iter()
        .skip(1)
        .position(|l| l.trim() == "---")
        .map(|n| n + 1)
}

fn parse_list(text: &str) -> Option<Vec<String>> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    Some(
        inner
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// `(title, first line, end line)` of each step; fences are skipped over so a
/// `## ` inside a code block does not start a step.
fn split_steps(lines: &[&str], start: usize) -> Vec<(String, usize, usize)> {
    let mut steps = Vec::new();
    let mut current_title = String::new();
    let mut current_start = start;
    let mut in_fence = false;
    for (n, line) in lines.iter().enumerate().skip(start) {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if let Some(title) = line.strip_prefix("# ") {
            if steps.is_empty() && current_title.is_empty() {
                current_title = title.trim().to_string();
            }
        } else if let Some(title) = line.strip_prefix("## ") {
            if lines[current_start..n].iter().any(|l| !l.trim().is_empty()) {
                steps.push((current_title.clone(), current_start, n));
            }
            current_title = title.trim().to_string();
            current_start = n;
        }
    }
    steps.push((current_title, current_start, lines.len()));
    steps
}

/// The bodies of the ```exercise blocks between two lines, with their line.
fn exercise_blocks<'a>(
    lines: &[&'a str],
    first: usize,
    last: usize,
) -> Vec<(usize, Vec<(usize, &'a str)>)> {
    let mut found = Vec::new();
    let mut n = first;
    while n < last {
        let line = lines[n].trim_start();
        if let Some(info) = line.strip_prefix("```") {
            let opening = n;
            let mut body = Vec::new();
            n += 1;
            while n < last && !lines[n].trim_start().starts_with("```") {
                body.push((n + 1, lines[n]));
                n += 1;
            }
            if info.trim() == "exercise" {
                found.push((opening + 1, body));
            }
        }
        n += 1;
    }
    found
}

fn parse_exercise(body: Vec<(usize, &str)>, line: usize) -> Result<Exercise, (usize, String)> {
    let mut exercise = Exercise {
        id: String::new(),
        task: String::new(),
        command: String::new(),
        expect: Expect::Success,
        hints: Vec::new(),
        wrong: Vec::new(),
        syntax: None,
        arguments: Vec::new(),
        keep: None,
        setup: Vec::new(),
        accept: Vec::new(),
        reject: Vec::new(),
        needs: None,
        compute: None,
        line,
    };
    let mut result = None;
    let mut error = None;
    for (at, text) in body {
        if text.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = text.split_once(':') else {
            return Err((
                at,
                format!(
                    "`{text}` is not `key: value`; exercises hold id, task, command, style, arg, result or error or compute, hint, wrong, setup, accept, reject and needs lines"
                ),
            ));
        };
        let value = value.trim().to_string();
        match key.trim() {
            "id" => exercise.id = value,
            "task" => exercise.task = value,
            "command" => exercise.command = value,
            "result" => result = Some(value),
            "error" => error = Some(value),
            "hint" => exercise.hints.push(value),
            "wrong" => match value.split_once("=>") {
                Some((cmd, nudge)) => exercise
                    .wrong
                    .push((cmd.trim().to_string(), nudge.trim().to_string())),
                None => {
                    return Err((
                        at,
                        "a wrong line is `wrong: COMMAND => what to tell the learner`".into(),
                    ));
                }
            },
            "style" => exercise.syntax = Some(exercise::parse_syntax(&value).map_err(|e| (at, e))?),
            "arg" => exercise
                .arguments
                .push(exercise::parse_arg_rule(&value).map_err(|e| (at, e))?),
            "setup" => exercise.setup.push(value),
            "keep" => exercise.keep = Some(value),
            "needs" => exercise.needs = Some(value),
            "compute" => exercise.compute = Some(value),
            "accept" => exercise.accept.push((at, value)),
            "reject" => exercise.reject.push((at, value)),
            other => {
                return Err((
                    at,
                    format!(
                        "unknown exercise key `{other}`; use id, task, command, style, arg, keep, result, error, compute, hint, wrong, setup, accept, reject or needs"
                    ),
                ));
            }
        }
    }
    let missing = |key: &str| (line, format!("the exercise has no {key}: line; add one"));
    if exercise.id.is_empty() {
        return Err(missing("id"));
    }
    if exercise.task.is_empty() {
        return Err(missing("task"));
    }
    if exercise.command.is_empty() {
        return Err(missing("command"));
    }
    if exercise.hints.is_empty() {
        return Err((
            line,
            format!(
                "exercise `{}` has no hint; add at least one `hint:` line, the last showing what to type",
                exercise.id
            ),
        ));
    }
    match (&exercise.compute, exercise.command == "answer") {
        (Some(_), false) => {
            return Err((
                line,
                format!(
                    "exercise `{}` has compute: but its command is `{}`; a question's command is `answer`",
                    exercise.id, exercise.command
                ),
            ));
        }
        (None, true) => {
            return Err((
                line,
                format!(
                    "exercise `{}` is a question (command: answer) without compute:; add the line whose result is the answer",
                    exercise.id
                ),
            ));
        }
        _ => {}
    }
    exercise.expect = match (result, error) {
        (Some(_), Some(_)) => {
            return Err((
                line,
                format!(
                    "exercise `{}` has both result and error; keep one",
                    exercise.id
                ),
            ));
        }
        (Some(r), None) => Expect::Result(r),
        (None, Some(e)) => Expect::Error(e),
        (None, None) => Expect::Success,
    };
    Ok(exercise)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "---\nid: sample\ntitle: A sample\nteaches: [inet_aton]\n---\n\n# A sample\n\nIntro.\n\n## Packing\n\nText.\n\n```netrepl format=python\n>>> inet_aton 127.0.0.1\nb'\\x7f\\x00\\x00\\x01'\n```\n\n## Exercises\n\n```exercise\nid: pack\ntask: Pack 10.0.0.1.\ncommand: inet_aton\nresult: b'\\n\\x00\\x00\\x01'\nhint: Use inet_aton.\nwrong: inet_pton => inet_pton needs a family first.\n```\n";

    #[test]
    fn a_lesson_splits_into_steps_with_exercises() {
        let lesson = parse_lesson("lessons/sample.md", SAMPLE).unwrap();
        assert_eq!(lesson.id, "sample");
        assert_eq!(lesson.teaches, ["inet_aton"]);
        let titles: Vec<&str> = lesson.steps.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["A sample", "Packing", "Exercises"]);
        let exercise = &lesson.steps[2].exercises[0];
        assert_eq!(exercise.command, "inet_aton");
        assert_eq!(
            exercise.expect,
            Expect::Result("b'\\n\\x00\\x00\\x01'".into())
        );
        assert_eq!(exercise.wrong[0].0, "inet_pton");
        assert_eq!(lesson.blocks.len(), 1);
    }

    #[test]
    fn problems_name_the_line_and_the_fix() {
        let broken = SAMPLE.replace("hint: Use inet_aton.\n", "");
        let problems = parse_lesson("lessons/sample.md", &broken).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .to_string()
                .starts_with("lessons/sample.md:22: exercise `pack` has no hint"),
            "{}",
            problems[0]
        );
        let wrong_id = SAMPLE.replace("id: sample", "id: other");
        let problems = parse_lesson("lessons/sample.md", &wrong_id).unwrap_err();
        assert!(problems[0].message.contains("must match the file name"));
    }
}
