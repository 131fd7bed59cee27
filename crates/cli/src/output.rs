//! Writing a report to a file or to stdout, and refusing an `--output`
//! that is one of the run's inputs.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `text` to `path`, or to stdout.
pub fn write(path: Option<&PathBuf>, text: &str) -> Result<(), String> {
    write_with(path, |out| out.write_all(text.as_bytes()))
}

/// Runs `render` on a buffered writer to `path`, or to stdout. The file is
/// created only now, after the run: a run that fails leaves it alone.
pub fn write_with(
    path: Option<&PathBuf>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), String> {
    match path {
        Some(path) => {
            let fail = |e: io::Error| format!("cannot write {}: {e}", path.display());
            let file = std::fs::File::create(path).map_err(fail)?;
            let mut out = BufWriter::with_capacity(BUFFER, file);
            render(&mut out).and_then(|()| out.flush()).map_err(fail)
        }
        None => {
            // Stdout is line-buffered: a buffer of our own writes a large
            // report in a few calls rather than one a line.
            let mut out = BufWriter::with_capacity(BUFFER, io::stdout().lock());
            match render(&mut out).and_then(|()| out.flush()) {
                // A closed pipe (`phiguard lint | head`) is not an error.
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                    Err(format!("cannot write to stdout: {e}"))
                }
                _ => Ok(()),
            }
        }
    }
}

const BUFFER: usize = 64 * 1024;

/// An error when `output` is one of `inputs`: the same path once both are
/// made absolute and normalised, or, when it exists, the same file (a
/// link, a hard link, another spelling of the path). `what` says which
/// inputs these are.
pub fn refuse_inputs<P: AsRef<Path>>(
    output: &Path,
    inputs: impl IntoIterator<Item = P>,
    cwd: &Path,
    what: &str,
) -> Result<(), String> {
    let absolute = phiguard_model::normalize(&cwd.join(output));
    // Only an existing file can be another input under another name.
    let identity = std::fs::metadata(&absolute)
        .ok()
        .filter(std::fs::Metadata::is_file)
        .and_then(|m| FileIdentity::of(&absolute, &m));
    for input in inputs {
        let input = input.as_ref();
        let input_absolute = phiguard_model::normalize(&cwd.join(input));
        let same = input_absolute == absolute
            || identity.as_ref().is_some_and(|id| {
                std::fs::metadata(&input_absolute)
                    .ok()
                    .and_then(|m| FileIdentity::of(&input_absolute, &m))
                    .is_some_and(|other| other == *id)
            });
        if same {
            return Err(format!(
                "--output {} is {what} ({}): refusing to overwrite it with the report",
                output.display(),
                input.display()
            ));
        }
    }
    Ok(())
}

/// What makes two paths one file: the device and inode on Unix, the
/// canonical path elsewhere.
#[derive(PartialEq, Eq)]
struct FileIdentity {
    #[cfg(unix)]
    dev_ino: (u64, u64),
    #[cfg(not(unix))]
    canonical: PathBuf,
}

impl FileIdentity {
    #[cfg(unix)]
    fn of(_path: &Path, metadata: &std::fs::Metadata) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        Some(FileIdentity {
            dev_ino: (metadata.dev(), metadata.ino()),
        })
    }

    #[cfg(not(unix))]
    fn of(path: &Path, _metadata: &std::fs::Metadata) -> Option<Self> {
        std::fs::canonicalize(path)
            .ok()
            .map(|canonical| FileIdentity { canonical })
    }
}
