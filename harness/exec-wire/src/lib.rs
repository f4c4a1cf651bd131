//! `dmconform-exec-wire`: the framing of the exec protocol (`dmconform-exec/1`)
//! that the `dmconform` harness speaks with an `exec:COMMAND` target, a wrapper
//! program around a DM client, over the wrapper's standard input and output.
//! Both sides use this crate: the harness and a wrapper written in Rust such as
//! `refdm-exec`. The protocol as a whole (the process, the environment of
//! [`env`](mod@env), the verbs, the bounds) is described in the top-level README's
//! section "Clients in other languages: `exec:` targets".
//!
//! In short: the harness sends `HELLO dmconform-exec/1` and the wrapper answers
//! with the same line; the harness then sends `OPEN xml|wbxml` to start a
//! session, `MSG` frames carrying server messages, and `CLOSE` at the end; the
//! wrapper answers each `OPEN` and `MSG` with `MSG`, `END`,
//! `UNSUPPORTED <reason>` or `ERROR <text>`.
//!
//! A frame is one header line of ASCII words ending in `\n`; a `MSG` frame is
//! preceded by zero or more `HDR name: value` lines (transport headers such as
//! `x-syncml-hmac`) and followed by exactly `length` bytes of body, so WBXML
//! passes unchanged. Every read is bounded: a line longer than [`MAX_LINE`] or
//! a length over the reader's limit is refused before anything is allocated for
//! it, and every error names the byte offset in the stream where it occurred.

use std::fmt;
use std::io::{self, BufRead, Write};

/// The protocol version this crate speaks, as sent in the `HELLO` line.
pub const VERSION: &str = "dmconform-exec/1";
/// Longest header line accepted, `\n` included.
pub const MAX_LINE: usize = 4096;
/// Most `HDR` lines before one `MSG`.
pub const MAX_HEADERS: usize = 16;

/// The environment the harness gives the subprocess: what the target profile
/// says the client is set up with.
pub mod env {
    /// The protocol version (`dmconform-exec/1`).
    pub const PROTOCOL: &str = "DMCONFORM_EXEC_PROTOCOL";
    /// The URI the harness uses as the DM server.
    pub const SERVER_URI: &str = "DMCONFORM_SERVER_URI";
    /// `none`, `basic`, `md5` or `hmac`.
    pub const AUTH: &str = "DMCONFORM_AUTH";
    pub const USER: &str = "DMCONFORM_USER";
    pub const PASSWORD: &str = "DMCONFORM_PASSWORD";
    /// The nonce for the client's first digest, as Base64.
    pub const CLIENT_NONCE: &str = "DMCONFORM_CLIENT_NONCE";
    /// The URI limits to publish under `./DevDetail/URI`.
    pub const URI_MAX_DEPTH: &str = "DMCONFORM_URI_MAX_DEPTH";
    pub const URI_MAX_TOT_LEN: &str = "DMCONFORM_URI_MAX_TOT_LEN";
    pub const URI_MAX_SEG_LEN: &str = "DMCONFORM_URI_MAX_SEG_LEN";
}

/// One frame, in either direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// `HELLO <version>`: the first line each side sends.
    Hello(String),
    /// `OPEN <encoding>` (harness → wrapper): open a new session, answer with package 1.
    Open(String),
    /// `MSG <content-type> <length>`, with its `HDR` lines and body.
    Msg {
        content_type: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// `END` (wrapper → harness): the client ended the session.
    End,
    /// `CLOSE` (harness → wrapper): the run is over; the wrapper exits.
    Close,
    /// `UNSUPPORTED <reason>` (wrapper → harness): the client cannot do what was asked.
    Unsupported(String),
    /// `ERROR <text>` (wrapper → harness): the wrapper failed.
    Error(String),
}

/// Why a frame could not be read.
#[derive(Debug)]
pub enum WireError {
    /// The stream failed (a timeout of the harness's reader arrives as `TimedOut`).
    Io { offset: u64, error: io::Error },
    /// The bytes are not a frame.
    Malformed { offset: u64, what: String },
    /// A `MSG` announces more bytes than the reader accepts.
    TooLarge {
        offset: u64,
        announced: u64,
        limit: usize,
    },
    /// The stream ended inside a frame.
    Truncated { offset: u64 },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Io { offset, error } => write!(f, "at byte {offset}: {error}"),
            WireError::Malformed { offset, what } => {
                write!(f, "garbage framing at byte {offset}: {what}")
            }
            WireError::TooLarge {
                offset,
                announced,
                limit,
            } => write!(
                f,
                "the frame at byte {offset} announces {announced} bytes, over the limit of {limit}"
            ),
            WireError::Truncated { offset } => {
                write!(f, "the stream ended inside a frame at byte {offset}")
            }
        }
    }
}

impl std::error::Error for WireError {}

/// Reads frames from a stream, counting the bytes read.
pub struct FrameReader<R> {
    inner: R,
    offset: u64,
    max_body: usize,
}

impl<R: BufRead> FrameReader<R> {
    /// A reader that refuses bodies longer than `max_body` bytes.
    pub fn new(inner: R, max_body: usize) -> FrameReader<R> {
        FrameReader {
            inner,
            offset: 0,
            max_body,
        }
    }

    /// Bytes read so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The reader underneath.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The next frame, or `None` when the stream ends between frames.
    pub fn read_frame(&mut self) -> Result<Option<Frame>, WireError> {
        let mut headers = Vec::new();
        loop {
            let start = self.offset;
            let Some(line) = self.read_line()? else {
                return if headers.is_empty() {
                    Ok(None)
                } else {
                    Err(WireError::Truncated {
                        offset: self.offset,
                    })
                };
            };
            let (verb, rest) = line.split_once(' ').unwrap_or((line.as_str(), ""));
            let malformed = |what: String| WireError::Malformed {
                offset: start,
                what,
            };
            if verb != "HDR" && verb != "MSG" && !headers.is_empty() {
                return Err(malformed(format!(
                    "HDR lines followed by {verb:?}, not MSG"
                )));
            }
            return Ok(Some(match verb {
                "HDR" => {
                    if headers.len() == MAX_HEADERS {
                        return Err(malformed(format!("more than {MAX_HEADERS} HDR lines")));
                    }
                    // A name may start with ':' (`:path`, a transport fact), so the
                    // separator is the first ':' after the name's first character.
                    let (name, value) = rest
                        .char_indices()
                        .skip(1)
                        .find(|&(_, c)| c == ':')
                        .map(|(i, _)| (&rest[..i], &rest[i + 1..]))
                        .ok_or_else(|| malformed("HDR without `name: value`".into()))?;
                    headers.push((name.trim().to_string(), value.trim().to_string()));
                    continue;
                }
                "MSG" => {
                    let mut words = rest.split(' ');
                    let (Some(content_type), Some(length), None) =
                        (words.next(), words.next(), words.next())
                    else {
                        return Err(malformed(format!(
                            "{line:?} is not `MSG <content-type> <length>`"
                        )));
                    };
                    let announced: u64 = length
                        .parse()
                        .map_err(|_| malformed(format!("length {length:?} is not a number")))?;
                    let body = self.read_body(start, announced)?;
                    Frame::Msg {
                        content_type: content_type.to_string(),
                        headers,
                        body,
                    }
                }
                "HELLO" => Frame::Hello(rest.to_string()),
                "OPEN" => Frame::Open(rest.to_string()),
                "END" => Frame::End,
                "CLOSE" => Frame::Close,
                "UNSUPPORTED" => Frame::Unsupported(rest.to_string()),
                "ERROR" => Frame::Error(rest.to_string()),
                _ => return Err(malformed(format!("unknown line {:?}", shorten(&line)))),
            }));
        }
    }

    /// One line without its `\n`; `None` at the end of the stream before any byte.
    fn read_line(&mut self) -> Result<Option<String>, WireError> {
        let start = self.offset;
        let mut line = Vec::new();
        loop {
            let available = self.fill()?;
            if available.is_empty() {
                return if line.is_empty() {
                    Ok(None)
                } else {
                    Err(WireError::Truncated {
                        offset: self.offset,
                    })
                };
            }
            let (taken, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            if line.len() + taken > MAX_LINE {
                return Err(WireError::Malformed {
                    offset: start,
                    what: format!("a line longer than {MAX_LINE} bytes"),
                });
            }
            line.extend_from_slice(&available[..taken]);
            self.consume(taken);
            if done {
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return String::from_utf8(line)
                    .map(Some)
                    .map_err(|_| WireError::Malformed {
                        offset: start,
                        what: "a header line that is not UTF-8".into(),
                    });
            }
        }
    }

    fn read_body(&mut self, start: u64, announced: u64) -> Result<Vec<u8>, WireError> {
        let length = usize::try_from(announced)
            .ok()
            .filter(|&n| n <= self.max_body)
            .ok_or(WireError::TooLarge {
                offset: start,
                announced,
                limit: self.max_body,
            })?;
        // Grown as the bytes arrive, not reserved on the sender's word.
        let mut body = Vec::with_capacity(length.min(64 << 10));
        while body.len() < length {
            let available = self.fill()?;
            if available.is_empty() {
                return Err(WireError::Truncated {
                    offset: self.offset,
                });
            }
            let n = available.len().min(length - body.len());
            body.extend_from_slice(&available[..n]);
            self.consume(n);
        }
        Ok(body)
    }

    fn fill(&mut self) -> Result<&[u8], WireError> {
        let offset = self.offset;
        self.inner
            .fill_buf()
            .map_err(|error| WireError::Io { offset, error })
    }

    fn consume(&mut self, n: usize) {
        self.inner.consume(n);
        self.offset += n as u64;
    }
}

fn shorten(line: &str) -> String {
    line.chars().take(60).collect()
}

/// Writes one frame and flushes.
pub fn write_frame(w: &mut impl Write, frame: &Frame) -> io::Result<()> {
    match frame {
        Frame::Hello(v) => writeln!(w, "HELLO {v}")?,
        Frame::Open(e) => writeln!(w, "OPEN {e}")?,
        Frame::End => writeln!(w, "END")?,
        Frame::Close => writeln!(w, "CLOSE")?,
        Frame::Unsupported(r) => writeln!(w, "UNSUPPORTED {}", one_line(r))?,
        Frame::Error(t) => writeln!(w, "ERROR {}", one_line(t))?,
        Frame::Msg {
            content_type,
            headers,
            body,
        } => {
            for (name, value) in headers {
                writeln!(w, "HDR {}: {}", one_line(name), one_line(value))?;
            }
            writeln!(w, "MSG {} {}", content_type, body.len())?;
            w.write_all(body)?;
        }
    }
    w.flush()
}

/// Text made fit for one header line.
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], max_body: usize) -> Result<Vec<Frame>, WireError> {
        let mut r = FrameReader::new(bytes, max_body);
        let mut out = Vec::new();
        while let Some(f) = r.read_frame()? {
            out.push(f);
        }
        Ok(out)
    }

    #[test]
    fn frames_round_trip_with_binary_bodies_and_headers() {
        let frames = vec![
            Frame::Hello(VERSION.into()),
            Frame::Open("wbxml".into()),
            Frame::Msg {
                content_type: "application/vnd.syncml.dm+wbxml".into(),
                headers: vec![("x-syncml-hmac".into(), "algorithm=MD5, mac=AA==".into())],
                body: vec![0x02, 0xA4, 0x01, b'\n', 0x00, 0xFF],
            },
            Frame::End,
            Frame::Unsupported("WBXML".into()),
            Frame::Error("it broke".into()),
            Frame::Close,
        ];
        let mut bytes = Vec::new();
        for f in &frames {
            write_frame(&mut bytes, f).unwrap();
        }
        assert_eq!(read_all(&bytes, 64).unwrap(), frames);
    }

    #[test]
    fn a_length_over_the_limit_is_refused_with_its_offset() {
        let err = read_all(b"END\nMSG text/plain 209715200\n", 1024).unwrap_err();
        assert!(
            matches!(
                err,
                WireError::TooLarge {
                    offset: 4,
                    announced: 209_715_200,
                    limit: 1024
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn garbage_names_its_offset() {
        let err = read_all(b"END\n\x7fELF garbage\n", 1024).unwrap_err();
        assert!(err.to_string().contains("at byte 4"), "{err}");
        let long = vec![b'x'; MAX_LINE * 3];
        let err = read_all(&long, 1024).unwrap_err();
        assert!(err.to_string().contains("longer than"), "{err}");
    }

    #[test]
    fn a_short_body_or_a_cut_line_is_truncation() {
        assert!(matches!(
            read_all(b"MSG a/b 10\nabc", 64),
            Err(WireError::Truncated { offset: 14 })
        ));
        assert!(matches!(
            read_all(b"EN", 64),
            Err(WireError::Truncated { .. })
        ));
        assert!(matches!(
            read_all(b"HDR a: b\n", 64),
            Err(WireError::Truncated { .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_frames_or_errors_never_a_panic(
            head in proptest::sample::select(vec!["", "MSG a/b 3\n", "HDR x: y\n", "HELLO v\n", "MSG a/b 99999999999999999999999\n"]),
            tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
        ) {
            let mut bytes = head.as_bytes().to_vec();
            bytes.extend(tail);
            let mut r = FrameReader::new(bytes.as_slice(), 256);
            for _ in 0..bytes.len() + 1 {
                match r.read_frame() {
                    Ok(Some(Frame::Msg { body, .. })) => proptest::prop_assert!(body.len() <= 256),
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => break,
                }
            }
            proptest::prop_assert!(r.offset() <= bytes.len() as u64);
        }
    }
}
