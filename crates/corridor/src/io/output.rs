//! Writing outputs without losing what was there: files replaced atomically (through
//! symbolic links, into FIFOs and devices), network folders staged and renamed into
//! place, nothing left behind on failure.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{write_legs_csv, write_network_toml, write_nodes_csv};
use crate::model::Network;

/// Why an output was not written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output exists and replacing it was not allowed.
    #[error("will not overwrite {}", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    Exists {
        /// The files that exist.
        paths: Vec<PathBuf>,
    },
    /// The path is not something to write a file to (a folder, a socket...).
    #[error("{0}")]
    Refused(String),
    /// The file system refused.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// `write`, `create` or `remove`.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// Writes one file of a folder.
type Writer<'a> = Box<dyn FnOnce(&mut BufWriter<File>) -> io::Result<()> + 'a>;

impl Network {
    /// Writes the network as a folder that [`crate::Engine::load`] reads back:
    /// `nodes.csv`, `legs.csv` and `network.toml`, staged in a temporary folder so a
    /// failure leaves nothing behind; existing files are replaced only with `force`.
    /// Returns the paths written.
    pub fn write_dir(&self, dir: &Path, force: bool) -> Result<Vec<PathBuf>, OutputError> {
        write_network_dir(self, dir, force)
    }
}

/// Writes `nodes.csv`, `legs.csv` and `network.toml` into `dir`, staged in a temporary
/// folder and renamed or moved into place so that a failure leaves nothing behind;
/// existing files are replaced only with `force`. Returns the paths written.
pub fn write_network_dir(
    network: &Network,
    dir: &Path,
    force: bool,
) -> Result<Vec<PathBuf>, OutputError> {
    let files: [(&str, Writer<'_>); 3] = [
        ("nodes.csv", Box::new(|file| write_nodes_csv(network, file))),
        ("legs.csv", Box::new(|file| write_legs_csv(network, file))),
        (
            "network.toml",
            Box::new(|file| write_network_toml(network, file)),
        ),
    ];
    write_dir(dir, force, files)
}

/// Writes a network folder so that a failure leaves nothing behind: the files are
/// written into a temporary folder first. A new `dir` is that folder renamed into place
/// (with any parent folders created for it removed again on failure); into an existing
/// folder, the finished files are moved one by one from a temporary folder inside it
/// (the same file system), replacing files only with `force`.
fn write_dir<'a>(
    dir: &Path,
    force: bool,
    files: [(&str, Writer<'a>); 3],
) -> Result<Vec<PathBuf>, OutputError> {
    let fail = |action: &'static str, path: &Path, source: io::Error| OutputError::Io {
        action,
        path: path.to_path_buf(),
        source,
    };
    let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    let targets: Vec<PathBuf> = names.iter().map(|name| dir.join(name)).collect();
    let exists = match fs::metadata(dir) {
        Ok(metadata) if metadata.is_dir() => true,
        Ok(_) => {
            return Err(OutputError::Refused(format!(
                "{} exists and is not a folder",
                dir.display()
            )));
        }
        Err(_) => false,
    };
    if exists {
        let existing: Vec<PathBuf> = targets
            .iter()
            .filter(|path| fs::symlink_metadata(path).is_ok())
            .cloned()
            .collect();
        if let Some(folder) = targets.iter().find(|path| path.is_dir()) {
            return Err(OutputError::Refused(format!(
                "{} is a folder",
                folder.display()
            )));
        }
        if !force && !existing.is_empty() {
            return Err(OutputError::Exists { paths: existing });
        }
    }
    // A new folder is staged beside it; an existing one inside it.
    let name = dir
        .file_name()
        .map_or_else(|| "corridor".into(), |n| n.to_string_lossy().into_owned());
    let staged_name = format!(".{name}.partial-{}", std::process::id());
    let (stage, created) = if exists {
        (dir.join(&staged_name), None)
    } else {
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // The outermost parent folder that does not exist yet, to remove on failure.
        let created = parent
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .last()
            .map(Path::to_path_buf);
        fs::create_dir_all(&parent).map_err(|e| fail("create", &parent, e))?;
        (parent.join(&staged_name), created)
    };
    let staged = (|| -> Result<(), OutputError> {
        fs::create_dir(&stage).map_err(|e| fail("create", dir, e))?;
        for (name, write) in files {
            let path = stage.join(name);
            let file = File::create(&path).map_err(|e| fail("write", &dir.join(name), e))?;
            let mut writer = BufWriter::new(file);
            write(&mut writer)
                .and_then(|()| writer.flush())
                .and_then(|()| writer.get_ref().sync_all())
                .map_err(|e| fail("write", &dir.join(name), e))?;
        }
        if exists {
            for (target, name) in targets.iter().zip(&names) {
                fs::rename(stage.join(name), target).map_err(|e| fail("write", target, e))?;
            }
            fs::remove_dir(&stage).map_err(|e| fail("remove", &stage, e))
        } else {
            fs::rename(&stage, dir).map_err(|e| fail("create", dir, e))
        }
    })();
    if let Err(failure) = staged {
        let _ = fs::remove_dir_all(&stage);
        if let Some(created) = created {
            let _ = fs::remove_dir_all(created);
        }
        return Err(failure);
    }
    Ok(targets)
}

/// Writes a file so that a failed write never leaves a half-written file in place of a
/// good one, and refuses to replace an existing one unless `force`:
/// - a new or regular file is written to a temporary sibling renamed over it (keeping
///   the replaced file's permissions);
/// - a symbolic link is followed: its target is written the same way, and the link
///   stays;
/// - a FIFO or character device (`/dev/stdout`) is written directly;
/// - a folder, block device or socket is refused.
pub fn write_file(
    path: &Path,
    force: bool,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<(), OutputError> {
    let fail = |source: io::Error| OutputError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    };
    let target = resolve_links(path).map_err(fail)?;
    let metadata = match fs::metadata(&target) {
        Ok(metadata) => Some(metadata),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(fail(e)),
    };
    if metadata.is_some() && !force {
        return Err(OutputError::Exists {
            paths: vec![path.to_path_buf()],
        });
    }
    match metadata.as_ref().map(|m| Kind::of(m.file_type())) {
        None | Some(Kind::Regular) => {}
        Some(Kind::Stream) => {
            let file = fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .map_err(fail)?;
            let mut writer = BufWriter::new(file);
            return write(&mut writer)
                .and_then(|()| writer.flush())
                .map_err(fail);
        }
        Some(Kind::Refused(what)) => {
            return Err(OutputError::Refused(format!(
                "will not write to {}: it is a {what}; give a file",
                path.display()
            )));
        }
    }
    let mut temp = target.as_os_str().to_owned();
    temp.push(format!(".partial-{}", std::process::id()));
    let temp = PathBuf::from(temp);
    let file = File::create(&temp).map_err(fail)?;
    let mut writer = BufWriter::new(file);
    let result = write(&mut writer)
        .and_then(|()| writer.flush())
        .and_then(|()| writer.get_ref().sync_all());
    drop(writer);
    let result = result
        .and_then(|()| match &metadata {
            Some(m) => fs::set_permissions(&temp, m.permissions()),
            None => Ok(()),
        })
        .and_then(|()| fs::rename(&temp, &target));
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(fail(e));
    }
    Ok(())
}

/// What an existing output path is, for [`write_file`].
enum Kind {
    /// A regular file: replaced atomically.
    Regular,
    /// A FIFO or character device: written directly.
    Stream,
    /// Anything else, named.
    Refused(&'static str),
}

impl Kind {
    fn of(file_type: fs::FileType) -> Kind {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if file_type.is_fifo() || file_type.is_char_device() {
                return Kind::Stream;
            }
            if file_type.is_block_device() {
                return Kind::Refused("block device");
            }
            if file_type.is_socket() {
                return Kind::Refused("socket");
            }
        }
        if file_type.is_dir() {
            Kind::Refused("folder")
        } else if file_type.is_file() {
            Kind::Regular
        } else {
            Kind::Stream
        }
    }
}

/// `path` with symbolic links followed (also a dangling one, to the file it names), at
/// most 40 deep as the kernel does.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&path)?;
                path = match path.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}
