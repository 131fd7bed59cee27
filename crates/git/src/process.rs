//! Starting `git`. On Unix through `posix_spawnp` (nix) rather than
//! `std::process::Command`: the standard library's spawning passes a
//! pidfd from child to parent over a socket pair (`socketpair`, `sendmsg`,
//! `recvmsg`), which would put socket functions among the binary's imports,
//! and phiguard's binary imports none (docs/architecture.md, "Offline by
//! construction"; crates/cli/tests/determinism.rs checks it).

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::Path;

#[cfg(unix)]
const NULL_DEVICE: &str = "/dev/null";
#[cfg(not(unix))]
const NULL_DEVICE: &str = "NUL";

/// A `git` command line: `git -C <dir> <args>`.
#[derive(Debug, Clone)]
pub(crate) struct Git {
    args: Vec<OsString>,
}

/// What a finished command gave.
pub(crate) struct Output {
    pub success: bool,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Git {
    pub fn new(dir: &Path) -> Git {
        Git {
            args: vec!["git".into(), "-C".into(), dir.as_os_str().to_owned()],
        }
    }

    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Git {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<I, S>(&mut self, args: I) -> &mut Git
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for arg in args {
            self.arg(arg);
        }
        self
    }

    /// Runs it to the end: standard input empty, both outputs collected
    /// (standard error on a thread of its own, so that neither pipe can
    /// fill up and stall git).
    pub fn output(&self) -> std::io::Result<Output> {
        let (mut out_read, out_write) = std::io::pipe()?;
        let (mut err_read, err_write) = std::io::pipe()?;
        let mut child = spawn(&self.args, None, out_write.into(), err_write.into())?;
        let (stdout, stderr) = std::thread::scope(|scope| {
            let errors = scope.spawn(move || {
                let mut bytes = Vec::new();
                err_read.read_to_end(&mut bytes).map(|_| bytes)
            });
            let mut bytes = Vec::new();
            let stdout = out_read.read_to_end(&mut bytes).map(|_| bytes);
            let stderr = errors
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("reading git's errors failed")));
            (stdout, stderr)
        });
        let success = child.wait()?;
        Ok(Output {
            success,
            stdout: stdout?,
            stderr: stderr?,
        })
    }

    /// Starts it with piped input and output, standard error discarded
    /// (a long-running `git cat-file --batch`).
    pub fn spawn_piped(&self) -> std::io::Result<Piped> {
        let (in_read, in_write) = std::io::pipe()?;
        let (out_read, out_write) = std::io::pipe()?;
        let null = std::fs::OpenOptions::new().write(true).open(NULL_DEVICE)?;
        let child = spawn(
            &self.args,
            Some(in_read.into()),
            out_write.into(),
            null.into(),
        )?;
        Ok(Piped {
            child,
            input: Some(in_write),
            output: std::io::BufReader::new(out_read),
        })
    }

    /// The command line, for messages.
    pub fn shown(&self) -> String {
        let args: Vec<String> = self
            .args
            .iter()
            .enumerate()
            // `git -C <dir>` says nothing the message needs.
            .filter(|(index, _)| !(1..=2).contains(index))
            .map(|(_, a)| a.to_string_lossy().into_owned())
            .collect();
        args.join(" ")
    }
}

/// A running command with piped input and output.
#[derive(Debug)]
pub(crate) struct Piped {
    child: Child,
    pub input: Option<std::io::PipeWriter>,
    pub output: std::io::BufReader<std::io::PipeReader>,
}

impl Drop for Piped {
    fn drop(&mut self) {
        // Closing its input ends git cat-file; waiting reaps it.
        drop(self.input.take());
        let _ = self.child.wait();
    }
}

#[cfg(unix)]
mod imp {
    use std::ffi::{CString, OsString};
    use std::os::fd::{AsRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;

    use nix::errno::Errno;
    use nix::spawn::{posix_spawnp, PosixSpawnAttr, PosixSpawnFileActions};
    use nix::sys::wait::{waitpid, WaitStatus};
    use nix::unistd::Pid;

    #[derive(Debug)]
    pub(crate) struct Child {
        pid: Pid,
        reaped: Option<bool>,
    }

    fn c_string(bytes: &[u8]) -> std::io::Result<CString> {
        CString::new(bytes).map_err(|_| std::io::Error::other("an argument holds a NUL byte"))
    }

    /// Starts `args` (`args[0]` looked up in `PATH`) with the given
    /// descriptors as its standard input (`/dev/null` when `None`), output
    /// and error. The environment is this process's, without optional
    /// locks: reading must not take the index lock while an editor or a
    /// commit is at work.
    pub(crate) fn spawn(
        args: &[OsString],
        stdin: Option<OwnedFd>,
        stdout: OwnedFd,
        stderr: OwnedFd,
    ) -> std::io::Result<Child> {
        let stdin = match stdin {
            Some(fd) => fd,
            None => std::fs::File::open(super::NULL_DEVICE)?.into(),
        };
        let mut actions = PosixSpawnFileActions::init()?;
        actions.add_dup2(stdin.as_raw_fd(), 0)?;
        actions.add_dup2(stdout.as_raw_fd(), 1)?;
        actions.add_dup2(stderr.as_raw_fd(), 2)?;
        let attr = PosixSpawnAttr::init()?;
        let argv = args
            .iter()
            .map(|a| c_string(a.as_bytes()))
            .collect::<std::io::Result<Vec<_>>>()?;
        let mut env = Vec::new();
        for (key, value) in std::env::vars_os() {
            if key == "GIT_OPTIONAL_LOCKS" {
                continue;
            }
            let mut entry = key.as_bytes().to_vec();
            entry.push(b'=');
            entry.extend_from_slice(value.as_bytes());
            env.push(c_string(&entry)?);
        }
        env.push(c_string(b"GIT_OPTIONAL_LOCKS=0")?);
        let program = argv
            .first()
            .ok_or_else(|| std::io::Error::other("no program to run"))?;
        let pid = posix_spawnp(program, &actions, &attr, &argv, &env)?;
        // The child has its copies; the parent's ends of its pipes close
        // here, so reading its output ends when it exits.
        drop((stdin, stdout, stderr));
        Ok(Child { pid, reaped: None })
    }

    impl Child {
        /// Waits for it; whether it exited with 0.
        pub(crate) fn wait(&mut self) -> std::io::Result<bool> {
            if let Some(success) = self.reaped {
                return Ok(success);
            }
            loop {
                match waitpid(self.pid, None) {
                    Ok(WaitStatus::Exited(_, code)) => {
                        self.reaped = Some(code == 0);
                        return Ok(code == 0);
                    }
                    Ok(WaitStatus::Signaled(..)) => {
                        self.reaped = Some(false);
                        return Ok(false);
                    }
                    Ok(_) | Err(Errno::EINTR) => continue,
                    Err(err) => return Err(err.into()),
                }
            }
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use std::ffi::OsString;
    use std::process::{Command, Stdio};

    #[derive(Debug)]
    pub(crate) struct Child(std::process::Child);

    pub(crate) fn spawn(
        args: &[OsString],
        stdin: Option<std::os::windows::io::OwnedHandle>,
        stdout: std::os::windows::io::OwnedHandle,
        stderr: std::os::windows::io::OwnedHandle,
    ) -> std::io::Result<Child> {
        let (program, rest) = args
            .split_first()
            .ok_or_else(|| std::io::Error::other("no program to run"))?;
        let mut command = Command::new(program);
        command
            .args(rest)
            .env("GIT_OPTIONAL_LOCKS", "0")
            .stdin(stdin.map_or_else(Stdio::null, Stdio::from))
            .stdout(Stdio::from(stdout))
            .stderr(Stdio::from(stderr));
        command.spawn().map(Child)
    }

    impl Child {
        pub(crate) fn wait(&mut self) -> std::io::Result<bool> {
            self.0.wait().map(|status| status.success())
        }
    }
}

use imp::{spawn, Child};
