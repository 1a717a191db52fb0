//! Errors that know their Python form: every failure prints as the last line of
//! the traceback CPython would show, plus (in `pretty`) a sentence in plain words.

use std::fmt;

/// The Python exception class an error maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PyException {
    GaiError,
    HError,
    OsError,
    TypeError,
    ValueError,
    OverflowError,
    MemoryError,
    RecursionError,
    NameError,
    AttributeError,
    SyntaxError,
    IndentationError,
    IndexError,
    KeyError,
    PermissionError,
    TimeoutError,
    UnicodeError,
    UnicodeEncodeError,
    UnicodeDecodeError,
    LookupError,
    ImportError,
    ZeroDivisionError,
    BinasciiError,
    KeyboardInterrupt,
}

impl PyException {
    pub fn python_name(self) -> &'static str {
        match self {
            PyException::GaiError => "socket.gaierror",
            PyException::HError => "socket.herror",
            PyException::OsError => "OSError",
            PyException::TypeError => "TypeError",
            PyException::ValueError => "ValueError",
            PyException::OverflowError => "OverflowError",
            PyException::MemoryError => "MemoryError",
            PyException::RecursionError => "RecursionError",
            PyException::NameError => "NameError",
            PyException::AttributeError => "AttributeError",
            PyException::SyntaxError => "SyntaxError",
            PyException::IndentationError => "IndentationError",
            PyException::IndexError => "IndexError",
            PyException::KeyError => "KeyError",
            PyException::PermissionError => "PermissionError",
            PyException::TimeoutError => "TimeoutError",
            PyException::UnicodeError => "UnicodeError",
            PyException::UnicodeEncodeError => "UnicodeEncodeError",
            PyException::UnicodeDecodeError => "UnicodeDecodeError",
            PyException::LookupError => "LookupError",
            PyException::ImportError => "ImportError",
            PyException::ZeroDivisionError => "ZeroDivisionError",
            PyException::BinasciiError => "binascii.Error",
            PyException::KeyboardInterrupt => "KeyboardInterrupt",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct CommandError {
    pub exception: PyException,
    /// The `[Errno N]` part, for errors that carry one.
    pub errno: Option<i32>,
    pub message: String,
    /// What went wrong and what to try, in plain words (shown in `pretty`).
    pub explanation: Option<String>,
}

pub type CommandResult<T> = Result<T, CommandError>;

impl CommandError {
    pub fn new(exception: PyException, message: impl Into<String>) -> Self {
        CommandError {
            exception,
            errno: None,
            message: message.into(),
            explanation: None,
        }
    }

    pub fn with_errno(exception: PyException, errno: i32, message: impl Into<String>) -> Self {
        CommandError {
            errno: Some(errno),
            ..CommandError::new(exception, message)
        }
    }

    pub fn type_error(message: impl Into<String>) -> Self {
        CommandError::new(PyException::TypeError, message)
    }

    pub fn value_error(message: impl Into<String>) -> Self {
        CommandError::new(PyException::ValueError, message)
    }

    pub fn os_error(message: impl Into<String>) -> Self {
        CommandError::new(PyException::OsError, message)
    }

    pub fn overflow(message: impl Into<String>) -> Self {
        CommandError::new(PyException::OverflowError, message)
    }

    pub fn syntax(message: impl Into<String>) -> Self {
        CommandError::new(PyException::SyntaxError, message)
    }

    /// An `OSError` built from an errno, named by the subclass CPython picks for it.
    pub fn from_errno(errno: i32) -> Self {
        let text = std::io::Error::from_raw_os_error(errno).to_string();
        // std appends " (os error N)"; Python shows only strerror.
        let text = match text.rfind(" (os error") {
            Some(at) => text[..at].to_string(),
            None => text,
        };
        CommandError::with_errno(PyException::OsError, errno, text)
    }

    /// The same error as raised by another function: `bytes()` becomes
    /// `bytearray()` in its message.
    pub fn renamed(mut self, from: &str, to: &str) -> Self {
        self.message = self.message.replace(&format!("{from}("), &format!("{to}("));
        self
    }

    pub fn explain(mut self, explanation: impl Into<String>) -> Self {
        self.explanation = Some(explanation.into());
        self
    }

    /// The class name shown, which for an `OSError` depends on its errno, as in CPython.
    pub fn class_name(&self) -> &'static str {
        if self.exception == PyException::OsError
            && let Some(errno) = self.errno
        {
            return os_error_subclass(errno);
        }
        self.exception.python_name()
    }

    /// The last line of the traceback CPython would print.
    pub fn python_line(&self) -> String {
        let class = self.class_name();
        match (self.errno, self.message.is_empty()) {
            (Some(errno), _) => format!("{class}: [Errno {errno}] {}", self.message),
            (None, true) => class.to_string(),
            (None, false) => format!("{class}: {}", self.message),
        }
    }
}

/// CPython raises these subclasses of `OSError` for the matching errno values.
fn os_error_subclass(errno: i32) -> &'static str {
    match errno {
        libc::EAGAIN | libc::EALREADY | libc::EINPROGRESS => "BlockingIOError",
        libc::ECHILD => "ChildProcessError",
        libc::EPIPE | libc::ESHUTDOWN => "BrokenPipeError",
        libc::ECONNABORTED => "ConnectionAbortedError",
        libc::ECONNREFUSED => "ConnectionRefusedError",
        libc::ECONNRESET => "ConnectionResetError",
        libc::EEXIST => "FileExistsError",
        libc::ENOENT => "FileNotFoundError",
        libc::EISDIR => "IsADirectoryError",
        libc::ENOTDIR => "NotADirectoryError",
        libc::EINTR => "InterruptedError",
        libc::EACCES | libc::EPERM => "PermissionError",
        libc::ESRCH => "ProcessLookupError",
        libc::ETIMEDOUT => "TimeoutError",
        _ => "OSError",
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.python_line())
    }
}

impl std::error::Error for CommandError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_errors_use_python_subclass_names() {
        let err = CommandError::from_errno(libc::ECONNREFUSED);
        assert_eq!(
            err.python_line(),
            "ConnectionRefusedError: [Errno 111] Connection refused"
        );
        let err = CommandError::from_errno(libc::EAFNOSUPPORT);
        assert_eq!(
            err.python_line(),
            "OSError: [Errno 97] Address family not supported by protocol"
        );
    }
}
