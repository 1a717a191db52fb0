//! Reading and writing the learner's files (history, progress) and a
//! teacher's lesson files without trusting what is on disk: a symlink is never
//! followed, only regular files of a sane size are read (a FIFO, a device or a
//! huge file is refused, not waited on or read into memory), writes go to a
//! temporary file in the same directory that is renamed over the old one (so a
//! reader sees the old file or the new, never half of one), and sessions that
//! write the same file take turns through a lock file.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The learner's files are theirs alone: they may hold host names.
pub const FILE_MODE: u32 = 0o600;
pub const DIR_MODE: u32 = 0o700;
/// Larger than any progress, history or lesson file netrepl writes or ships.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    Missing,
    /// Not a regular file (a symlink, FIFO, device, directory...), or too
    /// large; the message says which, never what is in it.
    Refused(String),
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Missing => f.write_str("it does not exist"),
            ReadError::Refused(why) => f.write_str(why),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

fn kind_of(file_type: fs::FileType) -> &'static str {
    if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_dir() {
        "a directory"
    } else if file_type.is_fifo() {
        "a FIFO"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_block_device() || file_type.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

fn check_regular(metadata: &fs::Metadata, limit: u64) -> Result<(), ReadError> {
    if !metadata.file_type().is_file() {
        return Err(ReadError::Refused(format!(
            "it is {}, not a regular file",
            kind_of(metadata.file_type())
        )));
    }
    if metadata.len() > limit {
        return Err(ReadError::Refused(format!(
            "it is {} bytes, more than the {limit} allowed",
            metadata.len()
        )));
    }
    Ok(())
}

/// Opens a regular file for reading without following a symlink or blocking
/// on a FIFO, and checks again on the open file (the path may have changed).
fn open_regular(path: &Path, limit: u64) -> Result<File, ReadError> {
    match fs::symlink_metadata(path) {
        Ok(metadata) => check_regular(&metadata, limit)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(ReadError::Missing),
        Err(e) => return Err(ReadError::Io(e)),
    }
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => ReadError::Refused("it is a symbolic link".into()),
            _ if e.kind() == io::ErrorKind::NotFound => ReadError::Missing,
            _ => ReadError::Io(e),
        })?;
    check_regular(&file.metadata().map_err(ReadError::Io)?, limit)?;
    Ok(file)
}

/// The bytes of a regular file of at most `limit` bytes.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path, limit)?;
    let mut bytes = Vec::new();
    // The cap holds even if the file grows between the check and the read.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::Refused(format!(
            "it grew past the {limit} bytes allowed"
        )));
    }
    Ok(bytes)
}

/// The text of a regular file of at most `limit` bytes.
pub fn read_regular_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    String::from_utf8(read_regular(path, limit)?)
        .map_err(|_| ReadError::Refused("it is not UTF-8 text".into()))
}

/// Creates `dir` (and its parents) with mode 0700 where it does not exist.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    DirBuilder::new().recursive(true).mode(DIR_MODE).create(dir)
}

static TEMPORARY_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Replaces `path` with `contents` at once: written to a new 0600 file beside
/// it, then renamed over it. A symlink at `path` is replaced, never followed.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("no file name"))?;
    let temporary = dir.join(format!(
        ".{}.{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        TEMPORARY_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(FILE_MODE)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&temporary)?;
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&temporary, path)?;
        // The rename itself lasts a crash only once the directory is synced.
        if let Ok(directory) = File::open(dir) {
            let _ = directory.sync_all();
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// An exclusive lock on `<path>.lock`, held until dropped: sessions that
/// read, merge and write `path` do so one at a time.
pub struct FileLock {
    _file: File,
}

impl FileLock {
    pub fn acquire(path: &Path) -> io::Result<FileLock> {
        let mut lock_path = path.as_os_str().to_owned();
        lock_path.push(".lock");
        let lock_path = PathBuf::from(lock_path);
        if let Some(dir) = lock_path.parent() {
            create_private_dir(dir)?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(FILE_MODE)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&lock_path)?;
        if !file.metadata()?.file_type().is_file() {
            return Err(io::Error::other(format!(
                "{} is not a regular file",
                lock_path.display()
            )));
        }
        let _ = file.set_permissions(fs::Permissions::from_mode(FILE_MODE));
        file.lock()?;
        Ok(FileLock { _file: file })
    }
}

/// Moves a file netrepl could not use out of the way, to
/// `<path>.<why>-<seconds since 1970>`, and returns the new name.
pub fn set_aside(path: &Path, why: &str) -> io::Result<PathBuf> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".{why}-{seconds}"));
    let mut aside = PathBuf::from(aside);
    let mut n = 1;
    while fs::symlink_metadata(&aside).is_ok() {
        let mut next = path.as_os_str().to_owned();
        next.push(format!(".{why}-{seconds}-{n}"));
        aside = PathBuf::from(next);
        n += 1;
    }
    // rename moves a symlink itself, never what it points to.
    fs::rename(path, &aside)?;
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("netrepl-data-files-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        create_private_dir(&dir).unwrap();
        dir
    }

    #[test]
    fn symlinks_are_refused_and_left_alone() {
        let dir = scratch("symlink");
        let outside = dir.join("outside");
        fs::write(&outside, "secret").unwrap();
        let link = dir.join("link");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let refused = read_regular(&link, MAX_FILE_BYTES).unwrap_err();
        assert!(matches!(refused, ReadError::Refused(_)), "{refused}");
        assert!(!refused.to_string().contains("secret"));
        write_atomically(&link, b"new").unwrap();
        assert_eq!(fs::read_to_string(&outside).unwrap(), "secret");
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_file());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn large_files_and_fifos_are_refused() {
        let dir = scratch("large");
        let big = dir.join("big");
        fs::write(&big, vec![b'x'; 100]).unwrap();
        assert!(matches!(read_regular(&big, 10), Err(ReadError::Refused(_))));
        assert_eq!(read_regular(&big, 100).unwrap().len(), 100);
        let fifo = dir.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(matches!(
                read_regular(&fifo, MAX_FILE_BYTES),
                Err(ReadError::Refused(_))
            ));
        }
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn written_files_are_private() {
        let dir = scratch("private");
        let file = dir.join("sub").join("file");
        write_atomically(&file, b"x").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&file), FILE_MODE);
        assert_eq!(mode(&dir.join("sub")), DIR_MODE);
        let _ = fs::remove_dir_all(&dir);
    }
}
