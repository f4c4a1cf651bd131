//! One running wrapper process of an `exec:` target: started in a process group
//! of its own, fed through a writer thread and a bounded queue that never makes
//! the harness wait (a full queue means the process stopped reading, and
//! breaks the transport), read through a reader thread and a
//! bounded channel (so every read has a deadline), its standard error kept as a
//! bounded tail. Dropping it kills the whole group and reaps the process.

use crate::timeouts::deadline;
use dmconform_exec_wire::{Frame, FrameReader, WireError};
use std::collections::VecDeque;
use std::io::{self, BufRead, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Bytes read from the process at a time.
const CHUNK: usize = 64 << 10;
/// How long a process that closed its output gets to exit before it is called running.
const EXIT_GRACE: Duration = Duration::from_millis(300);

/// The last bytes a process wrote to its standard error.
#[derive(Debug, Default)]
pub struct StderrTail {
    bytes: VecDeque<u8>,
    capacity: usize,
    dropped: u64,
    closed: bool,
}

impl StderrTail {
    pub fn new(capacity: usize) -> StderrTail {
        StderrTail {
            capacity,
            ..StderrTail::default()
        }
    }

    fn push(&mut self, data: &[u8]) {
        let skipped = data.len().saturating_sub(self.capacity);
        self.dropped += skipped as u64;
        let data = &data[skipped..];
        let overflow = (self.bytes.len() + data.len()).saturating_sub(self.capacity);
        self.bytes.drain(..overflow);
        self.dropped += overflow as u64;
        self.bytes.extend(data);
    }

    /// What was kept since the last call, and how much was dropped before it; empties the tail.
    pub fn take(&mut self) -> Option<String> {
        if self.bytes.is_empty() && self.dropped == 0 {
            return None;
        }
        let text = self.render(usize::MAX);
        self.bytes.clear();
        self.dropped = 0;
        Some(text)
    }

    /// The last `most` bytes kept, as text, without emptying the tail.
    pub fn render(&self, most: usize) -> String {
        let skip = self.bytes.len().saturating_sub(most);
        let kept: Vec<u8> = self.bytes.iter().skip(skip).copied().collect();
        let mut earlier = self.dropped + skip as u64;
        let mut kept = &kept[..];
        if earlier > 0 {
            // The first line is cut: leave it out, so that no part of a secret the
            // wrapper wrote across the cut shows (secrets are blotted out whole only).
            let rest = kept
                .iter()
                .position(|b| *b == b'\n')
                .map_or(kept.len(), |i| i + 1);
            earlier += rest as u64;
            kept = &kept[rest..];
        }
        let text = String::from_utf8_lossy(kept);
        if earlier > 0 {
            format!("[{earlier} earlier bytes not kept]\n{text}")
        } else {
            text.into_owned()
        }
    }
}

/// The last `most` bytes of standard error, once the process closed it (it
/// was killed or ended) or after a short wait.
pub fn settled_tail(stderr: &Mutex<StderrTail>, most: usize) -> String {
    let until = Instant::now() + EXIT_GRACE;
    loop {
        let tail = stderr.lock().unwrap_or_else(|p| p.into_inner());
        if tail.closed || Instant::now() >= until {
            return tail.render(most);
        }
        drop(tail);
        thread::sleep(Duration::from_millis(10));
    }
}

/// The process's standard output as a buffered stream whose reads fail with
/// `TimedOut` past the deadlines of the answer being read.
pub struct ChannelReader {
    chunks: Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    pos: usize,
    ended: bool,
    first_byte: Option<(Instant, Duration)>,
    answer: Option<(Instant, Duration)>,
}

impl ChannelReader {
    fn new(chunks: Receiver<Vec<u8>>) -> ChannelReader {
        ChannelReader {
            chunks,
            chunk: Vec::new(),
            pos: 0,
            ended: false,
            first_byte: None,
            answer: None,
        }
    }

    /// Deadlines for the next answer: its first byte, and all of it.
    pub fn set_deadlines(&mut self, first_byte: Duration, answer: Duration) {
        self.first_byte =
            (self.pos == self.chunk.len()).then_some((deadline(first_byte), first_byte));
        self.answer = Some((deadline(answer), answer));
    }

    /// Whether the process closed its standard output, waiting up to `wait`.
    fn wait_for_end(&mut self, wait: Duration) -> bool {
        let until = deadline(wait);
        while !self.ended {
            match self
                .chunks
                .recv_timeout(until.saturating_duration_since(Instant::now()))
            {
                Ok(_) => {}
                Err(RecvTimeoutError::Disconnected) => self.ended = true,
                Err(RecvTimeoutError::Timeout) => return false,
            }
        }
        true
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ChannelReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.chunk.len() && !self.ended {
            let (deadline, what) = match (self.first_byte, self.answer) {
                (Some((f, d)), Some((a, _))) if f <= a => {
                    (Some(f), format!("no answer began within {d:?}"))
                }
                (_, Some((a, d))) => (Some(a), format!("no complete answer within {d:?}")),
                _ => (None, String::new()),
            };
            let received = match deadline {
                Some(t) => self
                    .chunks
                    .recv_timeout(t.saturating_duration_since(Instant::now())),
                None => self
                    .chunks
                    .recv()
                    .map_err(|_| RecvTimeoutError::Disconnected),
            };
            match received {
                Ok(chunk) => {
                    self.chunk = chunk;
                    self.pos = 0;
                    self.first_byte = None;
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, what));
                }
                Err(RecvTimeoutError::Disconnected) => self.ended = true,
            }
        }
        Ok(&self.chunk[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.chunk.len());
    }
}

/// A running wrapper process.
pub struct Process {
    child: Child,
    to_stdin: Option<SyncSender<Vec<u8>>>,
    /// A frame found the queue to standard input full: the process stopped reading.
    stopped_reading: bool,
    pub frames: FrameReader<ChannelReader>,
}

impl Process {
    /// Starts `argv` with the extra environment; frames over `max_body` bytes are refused.
    pub fn spawn(
        argv: &[String],
        env: &[(String, String)],
        max_body: usize,
        stderr: Arc<Mutex<StderrTail>>,
    ) -> io::Result<Process> {
        let (program, args) = argv
            .split_first()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "empty command"))?;
        let mut command = Command::new(program);
        command
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn()?;
        stderr.lock().unwrap_or_else(|p| p.into_inner()).closed = false;
        let (stdin, stdout, err) =
            match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
                (Some(i), Some(o), Some(e)) => (i, o, e),
                _ => unreachable!("all three streams are piped"),
            };
        let to_stdin = spawn_writer(stdin);
        let chunks = spawn_reader(stdout);
        spawn_stderr_reader(err, stderr);
        Ok(Process {
            child,
            to_stdin: Some(to_stdin),
            stopped_reading: false,
            frames: FrameReader::new(ChannelReader::new(chunks), max_body),
        })
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Queues a frame for the process's standard input without waiting; when
    /// the queue is full the process stopped reading, and the next
    /// [`Process::answer`] says so. A process that stopped reading with room
    /// left in the queue is found out by the answer's deadline.
    pub fn send(&mut self, frame: &Frame) {
        let mut bytes = Vec::new();
        dmconform_exec_wire::write_frame(&mut bytes, frame).expect("writing to memory cannot fail");
        let Some(tx) = &self.to_stdin else {
            return;
        };
        match tx.try_send(bytes) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.stopped_reading = true;
                self.to_stdin = None;
            }
            Err(TrySendError::Disconnected(_)) => self.to_stdin = None,
        }
    }

    /// Reads the answer to the frame sent last, within the deadlines.
    pub fn answer(
        &mut self,
        first_byte: Duration,
        whole: Duration,
    ) -> Result<Option<Frame>, WireError> {
        if self.stopped_reading {
            return Err(WireError::Io {
                offset: self.frames.offset(),
                error: io::Error::new(
                    io::ErrorKind::BrokenPipe,
                    "the process stopped reading its standard input",
                ),
            });
        }
        self.frames.get_mut().set_deadlines(first_byte, whole);
        self.frames.read_frame()
    }

    /// After its standard output ended: how the process ended, or that it is
    /// still running (it is killed either way when dropped).
    pub fn describe_end(&mut self) -> String {
        let until = Instant::now() + EXIT_GRACE;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return format!("the process ended ({status})"),
                Ok(None) if Instant::now() < until => thread::sleep(Duration::from_millis(10)),
                Ok(None) => {
                    return "the process closed its standard output but kept running; it was killed"
                        .into();
                }
                Err(e) => return format!("the process cannot be waited for: {e}"),
            }
        }
    }

    /// Closes standard input after a last frame and lets the process exit by
    /// itself for up to `grace`, then ends it like [`Drop`] does.
    pub fn finish(mut self, last: &Frame, grace: Duration) {
        self.send(last);
        self.to_stdin = None;
        self.frames.get_mut().wait_for_end(grace);
    }

    fn kill(&mut self) {
        #[cfg(unix)]
        {
            // The group id is the child's pid, which stays reserved until the
            // child is reaped below, so this cannot reach an unrelated process.
            if let Ok(pgid) = i32::try_from(self.child.id()) {
                // SAFETY: kill(2) with a negative pid signals a process group; it has no memory effects.
                unsafe {
                    libc::kill(-pgid, libc::SIGKILL);
                }
            }
        }
        #[cfg(not(unix))]
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.to_stdin = None;
        self.kill();
    }
}

fn spawn_writer(mut stdin: ChildStdin) -> SyncSender<Vec<u8>> {
    let (tx, rx) = sync_channel::<Vec<u8>>(4);
    thread::spawn(move || {
        for bytes in rx {
            if stdin.write_all(&bytes).and_then(|_| stdin.flush()).is_err() {
                return;
            }
        }
    });
    tx
}

fn spawn_reader(mut stdout: impl Read + Send + 'static) -> Receiver<Vec<u8>> {
    let (tx, rx) = sync_channel::<Vec<u8>>(16);
    thread::spawn(move || {
        let mut buf = vec![0u8; CHUNK];
        loop {
            match stdout.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if tx.send(buf[..n].to_vec()).is_err() {
                        return;
                    }
                }
            }
        }
    });
    rx
}

fn spawn_stderr_reader(mut stderr: impl Read + Send + 'static, tail: Arc<Mutex<StderrTail>>) {
    thread::spawn(move || {
        let mut buf = vec![0u8; 8 << 10];
        loop {
            match stderr.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => tail
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(&buf[..n]),
            }
        }
        tail.lock().unwrap_or_else(|p| p.into_inner()).closed = true;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_that_never_reads_breaks_the_transport_without_blocking() {
        let argv = ["sh", "-c", "sleep 1000"].map(String::from);
        let tail = Arc::new(Mutex::new(StderrTail::new(64)));
        let mut p = Process::spawn(&argv, &[], 1024, tail).unwrap();
        let big = Frame::Msg {
            content_type: "application/vnd.syncml.dm+xml".into(),
            headers: Vec::new(),
            body: vec![b'x'; 256 << 10],
        };
        let start = Instant::now();
        for _ in 0..16 {
            p.send(&big);
        }
        assert!(start.elapsed() < Duration::from_secs(5));
        let e = p
            .answer(Duration::from_secs(5), Duration::from_secs(5))
            .unwrap_err();
        assert!(e.to_string().contains("stopped reading"), "{e}");
        p.finish(&Frame::Close, Duration::from_millis(100));
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn the_stderr_tail_keeps_the_last_bytes_and_counts_the_rest() {
        let mut t = StderrTail::new(8);
        t.push(b"0123\nab");
        t.push(b"c\nxyz");
        // Kept: "\nabc\nxyz"; a line cut at the front is left out and counted.
        assert_eq!(t.render(6), "[9 earlier bytes not kept]\nxyz");
        assert_eq!(t.take().unwrap(), "[5 earlier bytes not kept]\nabc\nxyz");
        assert_eq!(t.take(), None);
        let mut one_line = StderrTail::new(4);
        one_line.push(b"password=hunter2");
        assert_eq!(one_line.take().unwrap(), "[16 earlier bytes not kept]\n");
    }
}
