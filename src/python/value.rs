//! The values the interpreter passes around, modelled on the Python objects that
//! CPython's `socket` module takes and returns, with their exact `repr()`.

use std::fmt::Write;

use num_bigint::BigInt;

pub use crate::python::iterator_objects::{MemoryView, ViewKind};

/// What `map`, `filter`, `zip`, `enumerate` and `reversed` return.
pub type IteratorObject = crate::python::iterator_objects::IteratorObject<Value>;
/// `d.keys()`, `d.values()`, `d.items()`.
pub type DictView = crate::python::iterator_objects::DictView<Value>;
use num_traits::ToPrimitive;

/// A member of one of the `socket` module's enums (`AddressFamily`, `SocketKind`,
/// `AddressInfo`, ...). Flag combinations keep the names of their parts.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumMember {
    pub class: &'static str,
    pub names: Vec<String>,
    pub value: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    /// Python's one int type, in two forms: `Int` while it fits in `i128`
    /// (the fast path every port and address takes), `LargeInt` beyond it.
    /// `Value::integer` picks the form, so a `LargeInt` never holds a value
    /// that fits `i128`, and derived `==` stays right.
    Int(i128),
    LargeInt(Box<BigInt>),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    /// `bytearray(...)`: bytes that CPython lets change in place; here it
    /// is taken wherever CPython takes a bytes-like object.
    ByteArray(Vec<u8>),
    Tuple(Vec<Value>),
    List(Vec<Value>),
    /// A dict with string keys, in insertion order.
    Dict(Vec<(String, Value)>),
    Enum(EnumMember),
    /// A dict that Python code built (a literal, a comprehension, `dict()`):
    /// keys of any hashable value, in insertion order. Commands' records stay
    /// `Dict`, whose keys are always text.
    Map(Vec<(Value, Value)>),
    /// A set, kept in the order its items were first added, without repeats.
    Set(Vec<Value>),
    /// `range(start, stop, step)`, never materialized: `for i in range(10**9)`
    /// with a `break` costs what it runs.
    Range(i128, i128, i128),
    /// Something callable: a built-in, a command of the socket module, a
    /// class netrepl knows, or a `lambda`.
    Function(Function),
    /// The `socket` module itself, as `dir(socket)` and `getattr` see it.
    Module(&'static str),
    /// A live socket: an opaque handle into a socket table kept above this layer.
    Socket(SocketRef),
    /// What `map`, `filter`, `zip`, `enumerate` and `reversed` return.
    Iterator(IteratorObject),
    /// `d.keys()`, `d.values()`, `d.items()`.
    View(DictView),
    /// `memoryview(...)`, taken wherever CPython takes a bytes-like object.
    MemoryView(MemoryView),
}

/// A value that can be called.
#[derive(Clone, Debug, PartialEq)]
pub enum Function {
    /// A built-in function or type (`len`, `int`, `sorted`).
    Builtin(&'static str),
    /// A function of the socket module (`socket.gethostbyname`).
    Command(&'static str),
    /// A class the socket module defines or names: its exceptions
    /// (`socket.gaierror`, `socket.timeout` is `TimeoutError`) and enums
    /// (`AddressFamily`). The name is CPython's qualified name.
    Class(&'static str),
    Lambda(std::sync::Arc<Lambda>),
}

/// `lambda PARAMS: BODY`. Two lambdas are the same only if they are one object.
#[derive(Debug)]
pub struct Lambda {
    pub params: Vec<String>,
    /// The defaults of the last parameters as written (`y=2`), evaluated
    /// where the lambda is, into `defaults`, as CPython does.
    pub default_exprs: Vec<crate::python::syntax::Expr>,
    pub defaults: Vec<Value>,
    pub body: crate::python::syntax::Expr,
    /// How deep the body's tree is: calls in progress add theirs up, and
    /// the sum is bounded like one expression's depth.
    pub depth: usize,
}

impl PartialEq for Lambda {
    fn eq(&self, other: &Lambda) -> bool {
        std::ptr::eq(self, other)
    }
}

/// The built-ins that are types, shown as `<class 'int'>` instead of
/// `<built-in function len>`.
pub const BUILTIN_TYPES: &[&str] = &[
    "bool",
    "bytearray",
    "bytes",
    "dict",
    "enumerate",
    "filter",
    "float",
    "int",
    "list",
    "map",
    "range",
    "set",
    "str",
    "tuple",
    "type",
    "zip",
    "memoryview",
    "frozenset",
    "object",
];

impl Function {
    /// CPython's `repr()` of the callable.
    pub fn repr(&self) -> String {
        match self {
            Function::Builtin(name) if BUILTIN_TYPES.contains(name) => format!("<class '{name}'>"),
            Function::Builtin(name) | Function::Command(name) => {
                format!("<built-in function {name}>")
            }
            Function::Class(name @ ("socket.AddressInfo" | "socket.MsgFlag")) => {
                format!("<flag '{}'>", &name[7..])
            }
            Function::Class(name)
                if name.starts_with("socket.") && name[7..].starts_with(char::is_uppercase) =>
            {
                format!("<enum '{}'>", &name[7..])
            }
            Function::Class(name) => format!("<class '{name}'>"),
            Function::Lambda(_) => "<function <lambda>>".to_string(),
        }
    }
}

/// How a socket value shows itself. The language only carries sockets; the
/// table that knows their file descriptors and addresses lives above it and
/// implements this.
pub trait ShowSocket: Sync {
    /// CPython's `repr()` of the socket with this number.
    fn repr(&self, id: u32) -> String;
}

/// A socket inside a value: its number in a socket table, and that table's
/// way of showing it. Two refs are the same socket when their numbers are.
#[derive(Clone, Copy)]
pub struct SocketRef {
    pub id: u32,
    table: &'static dyn ShowSocket,
}

impl SocketRef {
    pub fn new(id: u32, table: &'static dyn ShowSocket) -> SocketRef {
        SocketRef { id, table }
    }
}

impl PartialEq for SocketRef {
    fn eq(&self, other: &SocketRef) -> bool {
        self.id == other.id
    }
}

impl std::fmt::Debug for SocketRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SocketRef({})", self.id)
    }
}

impl Value {
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }

    pub fn int(n: impl Into<i128>) -> Value {
        Value::Int(n.into())
    }

    /// A non-negative int of any size up to 2**128 - 1.
    pub fn unsigned(n: u128) -> Value {
        i128::try_from(n).map_or_else(|_| Value::integer(BigInt::from(n)), Value::Int)
    }

    /// An int of any size, in the form `Int`/`LargeInt` that fits it.
    pub fn integer(n: BigInt) -> Value {
        match n.to_i128() {
            Some(small) => Value::Int(small),
            None => Value::LargeInt(Box::new(n)),
        }
    }

    /// The integer behind ints of either form, bools and enum members.
    pub fn as_bigint(&self) -> Option<BigInt> {
        match self {
            Value::LargeInt(n) => Some((**n).clone()),
            other => other.as_int().map(BigInt::from),
        }
    }

    /// Python's name for the value's type, as used in `TypeError` messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::LargeInt(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Bytes(_) => "bytes",
            Value::ByteArray(_) => "bytearray",
            Value::Tuple(_) => "tuple",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
            Value::Enum(m) => m.class,
            Value::Socket(_) => "socket",
            Value::Map(_) => "dict",
            Value::Set(_) => "set",
            Value::Range(..) => "range",
            Value::Function(Function::Lambda(_)) => "function",
            Value::Function(Function::Builtin(name)) if BUILTIN_TYPES.contains(name) => "type",
            Value::Function(Function::Class(name))
                if name.starts_with("socket.") && name[7..].starts_with(char::is_uppercase) =>
            {
                "EnumType"
            }
            Value::Function(Function::Class(_)) => "type",
            Value::Function(_) => "builtin_function_or_method",
            Value::Module(_) => "module",
            Value::Iterator(it) => it.class,
            Value::View(view) => view.kind.class(),
            Value::MemoryView(_) => "memoryview",
        }
    }

    /// The integer behind ints, bools and enum members (Python treats all three as ints).
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Int(n) => Some(*n),
            Value::Bool(b) => Some(i128::from(*b)),
            Value::Enum(m) => Some(i128::from(m.value)),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Value]> {
        match self {
            Value::Tuple(v) | Value::List(v) => Some(v),
            _ => None,
        }
    }

    /// CPython's `str()` of the value: text as it is, enum members as their
    /// number (Python 3.11's IntEnum), everything else as its `repr()`.
    pub fn to_python_str(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Enum(m) => m.value.to_string(),
            other => other.repr(),
        }
    }

    /// CPython's `repr()` of the value.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out);
        out
    }

    /// How many bytes `repr()` would make, found without making them, so
    /// that a repr too big for the memory budget can be refused first.
    pub fn repr_len(&self) -> usize {
        let mut counter = ByteCounter(0);
        self.write_repr(&mut counter);
        counter.0
    }

    /// The length of CPython's `str()` of the value (see `repr_len`).
    pub fn python_str_len(&self) -> usize {
        match self {
            Value::Str(s) => s.len(),
            Value::Enum(m) => m.value.to_string().len(),
            other => other.repr_len(),
        }
    }

    fn write_repr(&self, out: &mut impl Write) {
        // Writing to a String or a counter cannot fail.
        let _ = match self {
            Value::None => out.write_str("None"),
            Value::Bool(true) => out.write_str("True"),
            Value::Bool(false) => out.write_str("False"),
            Value::Int(n) => write!(out, "{n}"),
            Value::LargeInt(n) => write!(out, "{n}"),
            Value::Socket(socket) => out.write_str(&socket.table.repr(socket.id)),
            Value::Float(f) => out.write_str(&float_repr(*f)),
            Value::Str(s) => {
                write_str_repr(out, s);
                Ok(())
            }
            Value::Bytes(b) => {
                write_bytes_repr(out, b);
                Ok(())
            }
            Value::ByteArray(b) => {
                let _ = out.write_str("bytearray(");
                write_bytes_repr(out, b);
                out.write_char(')')
            }
            Value::Tuple(items) => {
                let _ = out.write_char('(');
                write_items(out, items);
                if items.len() == 1 {
                    let _ = out.write_char(',');
                }
                out.write_char(')')
            }
            Value::List(items) => {
                let _ = out.write_char('[');
                write_items(out, items);
                out.write_char(']')
            }
            Value::Dict(entries) => {
                let _ = out.write_char('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        let _ = out.write_str(", ");
                    }
                    write_str_repr(out, key);
                    let _ = out.write_str(": ");
                    value.write_repr(out);
                }
                out.write_char('}')
            }
            Value::Enum(m) => write!(out, "<{}.{}: {}>", m.class, m.names.join("|"), m.value),
            Value::Map(entries) => {
                let _ = out.write_char('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        let _ = out.write_str(", ");
                    }
                    key.write_repr(out);
                    let _ = out.write_str(": ");
                    value.write_repr(out);
                }
                out.write_char('}')
            }
            Value::Set(items) if items.is_empty() => out.write_str("set()"),
            Value::Set(items) => {
                // CPython keeps small non-negative ints in the slot their
                // value hashes to: in order. Other items keep the order
                // they came in, which CPython's hashing does not promise.
                let mut shown = items.clone();
                if shown
                    .iter()
                    .all(|v| matches!(v, Value::Int(n) if (0..1 << 16).contains(n)))
                {
                    shown.sort_by_key(|v| v.as_int());
                }
                let _ = out.write_char('{');
                write_items(out, &shown);
                out.write_char('}')
            }
            Value::Range(start, stop, 1) => write!(out, "range({start}, {stop})"),
            Value::Range(start, stop, step) => write!(out, "range({start}, {stop}, {step})"),
            Value::Function(function) => out.write_str(&function.repr()),
            Value::Module(name) => write!(out, "<module '{name}' from netrepl>"),
            Value::Iterator(it) => out.write_str(&it.repr()),
            Value::View(view) => {
                let _ = write!(out, "{}([", view.kind.class());
                write_items(out, &view.items);
                out.write_str("])")
            }
            Value::MemoryView(view) => out.write_str(&view.repr()),
        };
    }
}

/// A `fmt::Write` that only counts the bytes written to it.
struct ByteCounter(usize);

impl Write for ByteCounter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 = self.0.saturating_add(s.len());
        Ok(())
    }
}

fn write_items(out: &mut impl Write, items: &[Value]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            let _ = out.write_str(", ");
        }
        item.write_repr(out);
    }
}

/// Python's float repr: the shortest digits that round-trip, positional for
/// exponents from -4 to 15 and scientific (`1e+16`, `1.5e-07`) outside.
fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if f != 0.0 && !(-4..16).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.abs());
    }
    let s = format!("{f}");
    if s.contains('.') { s } else { format!("{s}.0") }
}

/// Python picks single quotes unless the text holds a single quote and no double quote.
fn pick_quote(has_single: bool, has_double: bool) -> char {
    if has_single && !has_double { '"' } else { '\'' }
}

pub fn str_repr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_str_repr(&mut out, s);
    out
}

fn write_str_repr(out: &mut impl Write, s: &str) {
    let quote = pick_quote(s.contains('\''), s.contains('"'));
    let _ = out.write_char(quote);
    for c in s.chars() {
        let _ = match c {
            '\\' => out.write_str("\\\\"),
            '\n' => out.write_str("\\n"),
            '\r' => out.write_str("\\r"),
            '\t' => out.write_str("\\t"),
            c if c == quote => out.write_char('\\').and_then(|()| out.write_char(c)),
            c if is_printable(c) => out.write_char(c),
            c => {
                let code = c as u32;
                match code {
                    0..=0xff => write!(out, "\\x{code:02x}"),
                    0x100..=0xffff => write!(out, "\\u{code:04x}"),
                    _ => write!(out, "\\U{code:08x}"),
                }
            }
        };
    }
    let _ = out.write_char(quote);
}

/// An approximation of Python's `str.isprintable()` for single characters.
fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    // Format characters (Cf), private use (Co) and noncharacters, which
    // Python escapes; other unassigned code points would need Unicode's tables.
    !matches!(
        c as u32,
        0xad | 0x600..=0x605
            | 0x61c
            | 0x6dd
            | 0x70f
            | 0x890..=0x891
            | 0x8e2
            | 0x180e
            | 0x200b..=0x200f
            | 0x2028..=0x202e
            | 0x2060..=0x206f
            | 0xfeff
            | 0xfdd0..=0xfdef
            | 0xe000..=0xf8ff
            | 0xfff0..=0xfffb
            | 0xfffe..=0xffff
            | 0x110bd
            | 0x110cd
            | 0x13430..=0x1343f
            | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a
            | 0xe0001
            | 0xe0020..=0xe007f
            | 0xf0000..=0x10ffff
    )
}

pub fn bytes_repr(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len() + 3);
    write_bytes_repr(&mut out, b);
    out
}

fn write_bytes_repr(out: &mut impl Write, b: &[u8]) {
    let quote = pick_quote(b.contains(&b'\''), b.contains(&b'"'));
    let _ = out.write_char('b');
    let _ = out.write_char(quote);
    for &byte in b {
        let _ = match byte {
            b'\\' => out.write_str("\\\\"),
            b'\n' => out.write_str("\\n"),
            b'\r' => out.write_str("\\r"),
            b'\t' => out.write_str("\\t"),
            c if c as char == quote => out
                .write_char('\\')
                .and_then(|()| out.write_char(c as char)),
            0x20..=0x7e => out.write_char(byte as char),
            _ => write!(out, "\\x{byte:02x}"),
        };
    }
    let _ = out.write_char(quote);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_repr_like_python() {
        let cases = [
            (1.5, "1.5"),
            (5.0, "5.0"),
            (-0.0, "-0.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (1e300, "1e+300"),
        ];
        for (value, repr) in cases {
            assert_eq!(Value::Float(value).repr(), repr);
        }
    }

    #[test]
    fn str_repr_chooses_quotes_like_python() {
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("say \"hi\""), "'say \"hi\"'");
        assert_eq!(str_repr("both ' and \""), "'both \\' and \"'");
        assert_eq!(str_repr("tab\there\x01"), "'tab\\there\\x01'");
    }

    #[test]
    fn bytes_repr_escapes_non_ascii() {
        assert_eq!(bytes_repr(&[0xc0, 0xa8, 1, 1]), "b'\\xc0\\xa8\\x01\\x01'");
        assert_eq!(bytes_repr(b"AB'"), "b\"AB'\"");
    }

    #[test]
    fn one_element_tuple_keeps_its_comma() {
        assert_eq!(Value::Tuple(vec![Value::Int(1)]).repr(), "(1,)");
        assert_eq!(Value::Float(1.0).repr(), "1.0");
        assert_eq!(Value::Float(0.1).repr(), "0.1");
    }
}
