//! `exec:COMMAND` targets: a DM client behind a wrapper program that speaks the
//! exec protocol over its standard input and output, so implementations in any
//! language plug in.
//!
//! # The contract
//!
//! - **Process.** The harness splits COMMAND at white space (no shell) and starts
//!   it once per run, in a process group of its own, with the `DMCONFORM_*`
//!   environment of [`dmconform_exec_wire::env`] (server URI, credentials, URI limits
//!   from the target profile). One process serves every case, each case being one
//!   session opened by `OPEN`: this spares a start-up per case. When the process
//!   crashes, hangs or breaks the framing, that case gets an `error` verdict,
//!   the process group is killed and reaped, and the next case starts a fresh one.
//! - **Framing** ([`dmconform_exec_wire`]). Lines end in `\n`. A message is
//!   `MSG <content-type> <length>\n` and exactly `length` body bytes (binary-safe
//!   for WBXML), preceded by zero or more `HDR <name>: <value>\n` transport headers
//!   (`x-syncml-hmac`).
//! - **Hello.** The harness first sends `HELLO dmconform-exec/1`; the wrapper
//!   answers with the same line (or `ERROR …` when it speaks another version).
//! - **Harness → wrapper.** `OPEN xml|wbxml`: open a new session (abandoning any
//!   other) and answer with package 1. `MSG`: a server message. `CLOSE`: the run
//!   is over; exit (after a grace period the group is killed anyway).
//! - **Wrapper → harness**, one answer for each `OPEN` and `MSG`: `MSG` (the
//!   client's message), `END` (the client ends the session, no message),
//!   `UNSUPPORTED <reason>` (the client cannot do this: the case's verdict is
//!   `unsupported`), `ERROR <text>` (the case's verdict is `error`).
//! - **Bounds.** Each answer must begin within `first-byte` and be complete
//!   within `timeout`; a body over `max-message` is refused before it is read.
//!   Standard error is kept (the last `stderr` bytes) and added to each case's
//!   transcript. Options: `exec?first-byte=2s&timeout=10s&max-message=4M&stderr=16K:COMMAND`.

mod environment;
mod options;
mod process;

pub use environment::environment;
pub use options::{ExecOptions, parse};
pub use process::StderrTail;

use crate::client::Target;
use crate::redact::Secrets;
use crate::wire::{Encoding, TargetError, Wire};
use dmconform_exec_wire::{Frame, VERSION, WireError};
use process::Process;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a wrapper gets to exit by itself after `CLOSE`.
const CLOSE_GRACE: Duration = Duration::from_secs(1);
/// Bytes of standard error quoted in an error message.
const STDERR_IN_ERROR: usize = 1024;

/// A DM client behind a wrapper program.
pub struct ExecTarget {
    argv: Vec<String>,
    env: Vec<(String, String)>,
    options: ExecOptions,
    process: Option<Process>,
    stderr: Arc<Mutex<StderrTail>>,
    /// Values from the environment that must not reach a transcript.
    secrets: Secrets,
}

impl ExecTarget {
    /// A target that runs `argv` with the extra environment `env` when first needed.
    pub fn new(argv: Vec<String>, env: Vec<(String, String)>, options: ExecOptions) -> ExecTarget {
        let stderr = Arc::new(Mutex::new(StderrTail::new(options.stderr_bytes)));
        let secrets = environment::secrets_of(&env);
        ExecTarget {
            argv,
            env,
            options,
            process: None,
            stderr,
            secrets,
        }
    }

    /// The id of the running wrapper process, if one runs.
    pub fn process_id(&self) -> Option<u32> {
        self.process.as_ref().map(Process::id)
    }

    /// The running process, started and greeted if none runs.
    fn running(&mut self) -> Result<&mut Process, TargetError> {
        if self.process.is_none() {
            let process = Process::spawn(
                &self.argv,
                &self.env,
                self.options.max_message,
                Arc::clone(&self.stderr),
            )
            .map_err(|e| {
                TargetError::Gone(format!("cannot start {:?}: {e}", self.argv.join(" ")))
            })?;
            self.process = Some(process);
            match self.exchange(&Frame::Hello(VERSION.into()))? {
                Frame::Hello(v) if v == VERSION => {}
                other => {
                    return Err(self.fail(TargetError::Other(format!(
                        "the wrapper answered {} to HELLO {}",
                        name(&other),
                        VERSION
                    ))));
                }
            }
        }
        Ok(self.process.as_mut().expect("started above"))
    }

    /// Sends a frame and reads the answer; a broken transport ends the process.
    fn exchange(&mut self, frame: &Frame) -> Result<Frame, TargetError> {
        let (first_byte, whole) = (self.options.first_byte, self.options.answer);
        let Some(process) = self.process.as_mut() else {
            return Err(TargetError::Gone("no process".into()));
        };
        process.send(frame);
        let error = match process.answer(first_byte, whole) {
            Ok(Some(answer)) => return Ok(answer),
            Ok(None) | Err(WireError::Truncated { .. }) => {
                TargetError::Gone(process.describe_end())
            }
            Err(WireError::Io { error, .. }) if error.kind() == std::io::ErrorKind::TimedOut => {
                TargetError::Timeout(format!("{error}; the process was killed"))
            }
            Err(e) => TargetError::Other(format!("{e}; the process was killed")),
        };
        Err(self.fail(error))
    }

    /// Ends the process and adds the tail of its standard error to the error.
    fn fail(&mut self, error: TargetError) -> TargetError {
        let Some(process) = self.process.take() else {
            return error;
        };
        drop(process);
        let tail = self.redact(process::settled_tail(&self.stderr, STDERR_IN_ERROR));
        let with_tail = |m: String| {
            if tail.trim().is_empty() {
                m
            } else {
                format!("{m}; standard error ends with: {}", tail.trim_end())
            }
        };
        match error {
            TargetError::Timeout(m) => TargetError::Timeout(with_tail(m)),
            TargetError::Gone(m) => TargetError::Gone(with_tail(m)),
            TargetError::Unsupported(m) => TargetError::Unsupported(m),
            TargetError::Other(m) => TargetError::Other(with_tail(m)),
        }
    }

    /// Text from the wrapper with the secrets it was given blotted out.
    fn redact(&self, text: String) -> String {
        self.secrets.blot(text)
    }

    /// The answer to `OPEN` or `MSG`, as the [`Target`] methods return it.
    fn answer(&mut self, frame: Frame) -> Result<Option<Wire>, TargetError> {
        match self.exchange(&frame)? {
            Frame::Msg {
                content_type,
                headers,
                body,
            } => Ok(Some(Wire {
                content_type,
                headers,
                body,
            })),
            Frame::End => Ok(None),
            Frame::Unsupported(reason) => Err(TargetError::Unsupported(self.redact(reason))),
            Frame::Error(text) => Err(TargetError::Other(format!(
                "the wrapper reports: {}",
                self.redact(text)
            ))),
            other => Err(self.fail(TargetError::Other(format!(
                "the wrapper answered {} where MSG, END, UNSUPPORTED or ERROR was due; the process was killed",
                name(&other)
            )))),
        }
    }
}

/// The verb of a frame, for messages.
fn name(frame: &Frame) -> &'static str {
    match frame {
        Frame::Hello(_) => "HELLO",
        Frame::Open(_) => "OPEN",
        Frame::Msg { .. } => "MSG",
        Frame::End => "END",
        Frame::Close => "CLOSE",
        Frame::Unsupported(_) => "UNSUPPORTED",
        Frame::Error(_) => "ERROR",
    }
}

impl Target for ExecTarget {
    fn describe(&self) -> String {
        format!("exec:{}", self.argv.join(" "))
    }

    fn open_session(&mut self, encoding: Encoding) -> Result<Wire, TargetError> {
        self.running()?;
        self.answer(Frame::Open(encoding.name().into()))?
            .ok_or_else(|| {
                TargetError::Other("the wrapper answered OPEN with END, not package 1".into())
            })
    }

    fn deliver(&mut self, message: Wire) -> Result<Option<Wire>, TargetError> {
        self.running()?;
        self.answer(Frame::Msg {
            content_type: message.content_type,
            headers: message.headers,
            body: message.body,
        })
    }

    fn take_log(&mut self) -> Option<String> {
        let log = self
            .stderr
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()?;
        Some(self.redact(log))
    }
}

impl Drop for ExecTarget {
    fn drop(&mut self) {
        if let Some(process) = self.process.take() {
            process.finish(&Frame::Close, CLOSE_GRACE);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_command_is_an_error_not_a_panic() {
        let mut target = ExecTarget::new(Vec::new(), Vec::new(), ExecOptions::default());
        assert!(matches!(
            target.open_session(Encoding::Xml),
            Err(TargetError::Gone(_))
        ));
    }
}
