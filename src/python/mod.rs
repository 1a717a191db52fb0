//! The language, layer 1: the part of Python a learner types around socket
//! calls. Values (`value`) and their exact `repr()`, errors in Python's form
//! (`error`), the syntax of both styles, command style and pasted Python
//! (`syntax`), operators and arithmetic on ints of any size (`arithmetic`;
//! ints to and from text with CPython's 4300-digit limit in `int_text`, and
//! their byte methods in `int_methods`), built-ins, str and bytes methods
//! (`text_methods`), formatting (the format-spec mini-language in
//! `format_spec`, shared by `format()`, `str.format`, f-strings in `fstring`
//! and `%` in `percent_format`), codecs, `binascii`, IDNA, and the
//! conversions CPython applies to arguments (`convert`), and the limits on
//! how deep and how big anything typed may make the data (`limits`).
//!
//! May use: only itself and pure crates (num-bigint, stringprep, ...); errno
//! numbers from `libc` as data, to name the `OSError` subclass of each.
//!
//! Must not: call the operating system, open sockets or know of any layer
//! above. A socket inside a value is an opaque `value::SocketRef`: a number
//! and a `ShowSocket` handed in from above, which is all the language needs
//! to show it.

pub mod arithmetic;
pub mod binascii;
pub mod builtins;
pub mod codecs;
pub mod containers;
pub mod convert;
pub mod error;
pub mod format_spec;
pub mod fstring;
pub mod idna;
pub mod int_methods;
pub mod int_text;
pub mod interrupt;
pub mod iterables;
pub mod iterator_objects;
pub mod limits;
pub mod operators;
pub mod percent_format;
pub mod syntax;
pub mod text_methods;
pub mod value;
