//! The socket module's functions that are not commands of their own:
//! `getdefaulttimeout`/`setdefaulttimeout` and the interface-index functions
//! (`if_nameindex`, `if_nametoindex`, `if_indextoname`). They are called
//! from Python (`socket.if_nametoindex('lo')`) and listed by `dir(socket)`.

use crate::commands::socket_methods::{python_timeout, timeout_seconds};
use crate::net::ffi;
use crate::net::sockets;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

pub const NAMES: &[&str] = &[
    "getdefaulttimeout",
    "if_indextoname",
    "if_nameindex",
    "if_nametoindex",
    "setdefaulttimeout",
];

pub fn find(name: &str) -> Option<&'static str> {
    NAMES.iter().find(|n| **n == name).copied()
}

fn one_argument<'a>(name: &str, args: &'a [Value]) -> CommandResult<&'a Value> {
    match args {
        [one] => Ok(one),
        _ => Err(CommandError::type_error(format!(
            "_socket.{name}() takes exactly one argument ({} given)",
            args.len()
        ))),
    }
}

fn no_arguments(name: &str, args: &[Value]) -> CommandResult<()> {
    match args.len() {
        0 => Ok(()),
        n => Err(CommandError::type_error(format!(
            "_socket.{name}() takes no arguments ({n} given)"
        ))),
    }
}

/// Calls the module function `name`, one of `NAMES`.
pub fn call(name: &str, args: &[Value], keywords: &[(String, Value)]) -> CommandResult<Value> {
    if !keywords.is_empty() {
        return Err(CommandError::type_error(format!(
            "{name}() takes no keyword arguments"
        )));
    }
    match name {
        "getdefaulttimeout" => {
            no_arguments(name, args)?;
            Ok(
                sockets::default_timeout()
                    .map_or(Value::None, |t| Value::Float(timeout_seconds(t))),
            )
        }
        "setdefaulttimeout" => {
            let timeout = python_timeout(one_argument(name, args)?)?;
            sockets::set_default_timeout(timeout);
            Ok(Value::None)
        }
        "if_nameindex" => {
            no_arguments(name, args)?;
            let list = ffi::interface_indexes().map_err(|e| os_error(&e))?;
            Ok(Value::List(
                list.into_iter()
                    .map(|(i, n)| Value::Tuple(vec![Value::Int(i128::from(i)), Value::Str(n)]))
                    .collect(),
            ))
        }
        "if_nametoindex" => {
            let text = match one_argument(name, args)? {
                Value::Str(s) => s.clone(),
                Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
                other => {
                    return Err(CommandError::type_error(format!(
                        "expected str, bytes or os.PathLike object, not {}",
                        other.type_name()
                    )));
                }
            };
            ffi::interface_index(&text)
                .map(|i| Value::Int(i128::from(i)))
                .ok_or_else(|| CommandError::os_error("no interface with this name"))
        }
        "if_indextoname" => {
            let index = match one_argument(name, args)? {
                Value::Float(_) => None,
                v => v.as_int(),
            }
            .ok_or_else(|| CommandError::type_error("an integer is required"))?;
            if index < 0 {
                return Err(CommandError::new(
                    crate::python::error::PyException::OverflowError,
                    "can't convert negative value to unsigned int",
                ));
            }
            let index = u32::try_from(index).map_err(|_| CommandError::from_errno(libc::ENXIO))?;
            ffi::interface_name(index)
                .map(Value::Str)
                .ok_or_else(|| CommandError::from_errno(libc::ENXIO))
        }
        other => Err(CommandError::type_error(format!("no function {other}"))),
    }
}

fn os_error(e: &std::io::Error) -> CommandError {
    CommandError::from_errno(e.raw_os_error().unwrap_or(libc::EINVAL))
}
