//! Writing a report to a file or to stdout.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

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
