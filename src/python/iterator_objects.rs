//! The objects CPython's built-ins give back instead of lists: iterators
//! (`map`, `filter`, `zip`, `enumerate`, `reversed`), whose items are taken
//! once, and dict views (`d.keys()`, `d.values()`, `d.items()`), which show
//! their items. A `memoryview` is here too: bytes shown by address. Each is
//! generic over its items (`value::Value` in use), so that `value` can hold
//! them without this module knowing it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::python::error::CommandResult;

/// An iterator object. Its items are made when it is (netrepl's `map` calls
/// the function at once), but as in CPython they can be taken only once:
/// copies of the value share the place of the next item. An item may be the
/// error the function raised for it, raised when iteration gets there.
#[derive(Clone, Debug)]
pub struct IteratorObject<T> {
    /// CPython's class name: `map`, `list_reverseiterator`, ...
    pub class: &'static str,
    items: Arc<Vec<CommandResult<T>>>,
    next: Arc<AtomicUsize>,
}

impl<T: Clone> IteratorObject<T> {
    pub fn new(class: &'static str, items: Vec<T>) -> IteratorObject<T> {
        IteratorObject::with_errors(class, items.into_iter().map(Ok).collect())
    }

    /// An iterator some of whose items are errors.
    pub fn with_errors(class: &'static str, items: Vec<CommandResult<T>>) -> IteratorObject<T> {
        IteratorObject {
            class,
            items: Arc::new(items),
            next: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The items not taken yet, taking them all as `for` and `list()` do;
    /// at the first error, the items up to it are taken and it is raised.
    pub fn take_rest(&self) -> CommandResult<Vec<T>> {
        let mut out = Vec::with_capacity(self.remaining());
        self.take_through(|item| {
            out.push(item.clone());
            false
        })?;
        Ok(out)
    }

    /// `x in iterator`: takes items up to and including the first that
    /// matches, as CPython does, and says whether one did; an error item
    /// reached first is taken and raised.
    pub fn take_through(&self, mut matches: impl FnMut(&T) -> bool) -> CommandResult<bool> {
        loop {
            let at = self.next.fetch_add(1, Ordering::SeqCst);
            match self.items.get(at) {
                None => {
                    self.next.store(self.items.len(), Ordering::SeqCst);
                    return Ok(false);
                }
                Some(Err(error)) => return Err(error.clone()),
                Some(Ok(item)) if matches(item) => return Ok(true),
                Some(Ok(_)) => {}
            }
        }
    }

    /// The next item (or its error), taken; `None` at the end.
    pub fn take_one(&self) -> Option<CommandResult<T>> {
        let at = self.next.fetch_add(1, Ordering::SeqCst);
        let item = self.items.get(at).cloned();
        if item.is_none() {
            self.next.store(self.items.len(), Ordering::SeqCst);
        }
        item
    }

    /// How many items are left, without taking them.
    pub fn remaining(&self) -> usize {
        self.items
            .len()
            .saturating_sub(self.next.load(Ordering::SeqCst))
    }

    /// The items left, without taking them (for the memory budget).
    pub fn peek_rest(&self) -> impl Iterator<Item = &T> {
        let start = self.next.load(Ordering::SeqCst);
        self.items
            .get(start..)
            .unwrap_or_default()
            .iter()
            .filter_map(|item| item.as_ref().ok())
    }

    /// `<map object at 0x...>`: the address stands for the object's identity.
    pub fn repr(&self) -> String {
        format!(
            "<{} object at {:#x}>",
            self.class,
            Arc::as_ptr(&self.items) as usize
        )
    }
}

impl<T> PartialEq for IteratorObject<T> {
    /// Two iterators are equal only when they are one object.
    fn eq(&self, other: &IteratorObject<T>) -> bool {
        Arc::ptr_eq(&self.items, &other.items)
    }
}

/// Which of a dict's views.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ViewKind {
    Keys,
    Values,
    Items,
}

impl ViewKind {
    pub fn class(self) -> &'static str {
        match self {
            ViewKind::Keys => "dict_keys",
            ViewKind::Values => "dict_values",
            ViewKind::Items => "dict_items",
        }
    }
}

/// `d.keys()` and its kin: the items of the dict when the view was made.
#[derive(Clone, Debug, PartialEq)]
pub struct DictView<T> {
    pub kind: ViewKind,
    pub items: Vec<T>,
}

/// `memoryview(b'...')`: the bytes, shared by the copies of the value so
/// that its address, which its repr shows, stays the same.
#[derive(Clone, Debug)]
pub struct MemoryView(pub Arc<Vec<u8>>);

impl MemoryView {
    pub fn new(bytes: Vec<u8>) -> MemoryView {
        MemoryView(Arc::new(bytes))
    }

    pub fn repr(&self) -> String {
        format!("<memory at {:#x}>", Arc::as_ptr(&self.0) as usize)
    }
}

impl PartialEq for MemoryView {
    fn eq(&self, other: &MemoryView) -> bool {
        self.0 == other.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::error::{CommandError, PyException};

    #[test]
    fn an_iterator_gives_its_items_once_to_all_its_copies() {
        let first = IteratorObject::new("map", vec![1, 2]);
        let copy = first.clone();
        assert_eq!(copy.remaining(), 2);
        assert_eq!(first.take_rest(), Ok(vec![1, 2]));
        assert_eq!(copy.take_rest(), Ok(vec![]));
        assert_eq!(first, copy);
        assert_ne!(first, IteratorObject::new("map", vec![]));
        assert!(first.repr().starts_with("<map object at 0x"));
    }

    #[test]
    fn an_error_item_is_raised_once_when_reached() {
        let error = CommandError::new(PyException::ZeroDivisionError, "division by zero");
        let it = IteratorObject::with_errors("map", vec![Ok(1), Err(error.clone()), Ok(2)]);
        assert_eq!(it.take_through(|v| *v == 1), Ok(true));
        assert_eq!(it.take_through(|v| *v == 1), Err(error));
        assert_eq!(it.take_rest(), Ok(vec![2]));
        assert_eq!(it.remaining(), 0);
    }
}
