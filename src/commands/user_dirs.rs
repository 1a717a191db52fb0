//! Where this learner's files go: the data directory (history, progress)
//! and the runtime directory, a private place for Unix socket files. On a
//! machine many learners share, a fixed name in `/tmp` is taken by whoever
//! binds it first and left behind stale; a directory per user never is.
//!
//! The runtime directory is `<data directory>/run` when netrepl's data
//! directory was chosen for this run (`NETREPL_DATA_DIR`, or a throwaway one
//! for grading and `lessons check`, so each run has its own), else
//! `$XDG_RUNTIME_DIR/netrepl` when that is a directory of this user's, else
//! `run` in the user's data directory. It is made mode 0700 on first use,
//! and refused if it is not a directory of this user's alone.

use std::fs::{self, DirBuilder};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

static DATA_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Keeps this process's files in `dir` instead (a throwaway directory for
/// grading, say), whatever the environment says.
pub fn use_data_dir(dir: PathBuf) {
    *DATA_DIR.lock().unwrap_or_else(|p| p.into_inner()) = Some(dir);
}

/// The data directory chosen for this run, if one was.
fn chosen_data_dir() -> Option<PathBuf> {
    if let Some(dir) = DATA_DIR.lock().unwrap_or_else(|p| p.into_inner()).clone() {
        return Some(dir);
    }
    std::env::var_os("NETREPL_DATA_DIR").map(PathBuf::from)
}

/// Where netrepl keeps its files (history, lesson progress): the directory
/// set by `use_data_dir`, else `$NETREPL_DATA_DIR`, else the user's data
/// directory.
pub fn data_dir() -> Option<PathBuf> {
    chosen_data_dir().or_else(|| dirs::data_dir().map(|d| d.join("netrepl")))
}

/// A directory that is this user's alone: owned by the effective user, and
/// no one else may enter it.
fn is_private_dir(path: &Path) -> bool {
    let me = crate::net::ffi::effective_uid();
    fs::symlink_metadata(path).is_ok_and(|m| {
        m.file_type().is_dir() && m.uid() == me && m.permissions().mode() & 0o077 == 0
    })
}

/// Where the runtime directory is (see the module's doc), not yet made.
pub fn runtime_dir_path() -> Option<PathBuf> {
    if let Some(data) = chosen_data_dir() {
        return Some(data.join("run"));
    }
    if let Some(base) = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from)
        && base.is_absolute()
        && is_private_dir(&base)
    {
        return Some(base.join("netrepl"));
    }
    data_dir().map(|d| d.join("run"))
}

/// The runtime directory, made (mode 0700) if it is not there yet.
pub fn runtime_dir() -> io::Result<PathBuf> {
    let dir = runtime_dir_path()
        .ok_or_else(|| io::Error::other("this user has no home or data directory"))?;
    match DirBuilder::new().recursive(true).mode(0o700).create(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    if !is_private_dir(&dir) {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} is not a directory of this user's alone (it must be owned by you, mode 0700, not a link)",
                dir.display()
            ),
        ));
    }
    Ok(dir)
}
