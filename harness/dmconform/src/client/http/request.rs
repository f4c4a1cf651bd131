//! Reading one HTTP/1.1 request with every size and time bounded, and writing
//! one response. Errors are values that say what the client did wrong and the
//! status to answer it with.

use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// Bounds on one request.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The request line and headers together.
    pub max_head: usize,
    /// The body (a larger one is answered 413).
    pub max_body: usize,
    /// From the connection (or the end of the last exchange) to the first byte of a request.
    pub first_byte: Duration,
    /// From the first byte to the end of the body.
    pub whole_request: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_head: 16 * 1024,
            max_body: 16 * 1024 * 1024,
            first_byte: Duration::from_secs(30),
            whole_request: Duration::from_secs(60),
        }
    }
}

/// One request as the harness needs it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names in lower case, in the order sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::wire::find_header(&self.headers, name)
    }
}

/// Why no request could be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The connection closed cleanly before a new request began.
    Closed,
    /// No byte of a new request arrived within the first-byte limit.
    Idle(String),
    /// Nothing arrived in time, or the request did not complete in time.
    Timeout(String),
    /// The head or the body is over its limit.
    TooLarge(String),
    /// Not HTTP/1.1 as the harness reads it, or the body ended early.
    Malformed(String),
}

impl ReadError {
    /// The status to answer with, when the connection can still take one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ReadError::Closed => None,
            ReadError::Idle(_) | ReadError::Timeout(_) => Some(408),
            ReadError::TooLarge(m) if m.starts_with("head") => Some(431),
            ReadError::TooLarge(_) => Some(413),
            ReadError::Malformed(_) => Some(400),
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Closed => f.write_str("connection closed"),
            ReadError::Idle(m) => write!(f, "idle: {m}"),
            ReadError::Timeout(m) => write!(f, "timeout: {m}"),
            ReadError::TooLarge(m) => write!(f, "too large: {m}"),
            ReadError::Malformed(m) => write!(f, "malformed request: {m}"),
        }
    }
}

/// A stream whose read timeout can be set before each read.
pub trait TimedRead: Read {
    fn set_timeout(&mut self, timeout: Duration) -> io::Result<()>;
}

const MAX_HEADERS: usize = 64;

/// Reads one request. `buffered` holds bytes already read past the last
/// request (pipelining) and keeps those read past this one.
pub fn read_request<S: TimedRead>(
    stream: &mut S,
    buffered: &mut Vec<u8>,
    limits: &Limits,
) -> Result<Request, ReadError> {
    let mut deadline = None;
    let head_len = loop {
        if let Some(n) = head_end(buffered) {
            break n;
        }
        if buffered.len() > limits.max_head {
            return Err(ReadError::TooLarge(format!(
                "head over {} bytes",
                limits.max_head
            )));
        }
        let wait = match deadline {
            None => limits.first_byte,
            Some(d) => remaining(d, "the request head")?,
        };
        let got = match fill(stream, buffered, wait, limits.max_head + 4) {
            Err(ReadError::Timeout(m)) if buffered.is_empty() => return Err(ReadError::Idle(m)),
            other => other?,
        };
        if got == 0 {
            return Err(if buffered.is_empty() {
                ReadError::Closed
            } else {
                ReadError::Malformed("the connection closed inside the head".into())
            });
        }
        deadline.get_or_insert_with(|| crate::timeouts::deadline(limits.whole_request));
    };
    let deadline = deadline.unwrap_or_else(|| crate::timeouts::deadline(limits.whole_request));
    let (method, path, headers) = parse_head(&buffered[..head_len])?;
    let length = content_length(&headers, limits)?;
    buffered.drain(..head_len);
    while buffered.len() < length {
        let wait = remaining(deadline, "the request body")?;
        let got = fill(stream, buffered, wait, length - buffered.len())?;
        if got == 0 {
            return Err(ReadError::Malformed(format!(
                "the body ended after {} of {length} bytes",
                buffered.len()
            )));
        }
    }
    let rest = buffered.split_off(length);
    let body = std::mem::replace(buffered, rest);
    Ok(Request {
        method,
        path,
        headers,
        body,
    })
}

fn remaining(deadline: Instant, what: &str) -> Result<Duration, ReadError> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
        .ok_or_else(|| ReadError::Timeout(format!("{what} did not arrive in time")))
}

/// Reads at most `at_most` more bytes into `buf`; 0 at the end of the stream.
fn fill<S: TimedRead>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    wait: Duration,
    at_most: usize,
) -> Result<usize, ReadError> {
    stream
        .set_timeout(wait)
        .map_err(|e| ReadError::Malformed(format!("socket: {e}")))?;
    let mut chunk = [0u8; 16 * 1024];
    let want = at_most.clamp(1, chunk.len());
    match stream.read(&mut chunk[..want]) {
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            Ok(n)
        }
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            Err(ReadError::Timeout(format!(
                "no data for {} ms",
                wait.as_millis()
            )))
        }
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
        Err(e) => Err(ReadError::Malformed(format!("read: {e}"))),
    }
}

fn head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

type Head = (String, String, Vec<(String, String)>);

fn parse_head(head: &[u8]) -> Result<Head, ReadError> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut slots);
    match req.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => {
            return Err(ReadError::Malformed("incomplete head".into()));
        }
        Err(e) => return Err(ReadError::Malformed(e.to_string())),
    }
    let headers = req
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    Ok((
        req.method.unwrap_or_default().to_string(),
        req.path.unwrap_or_default().to_string(),
        headers,
    ))
}

/// The body length; chunked bodies are refused (DM clients send a length).
fn content_length(headers: &[(String, String)], limits: &Limits) -> Result<usize, ReadError> {
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && !v.trim().eq_ignore_ascii_case("identity"))
    {
        return Err(ReadError::Malformed(
            "Transfer-Encoding is not supported; send Content-Length".into(),
        ));
    }
    let Some((_, value)) = headers.iter().find(|(n, _)| n == "content-length") else {
        return Ok(0);
    };
    let n: u64 = value
        .trim()
        .parse()
        .map_err(|_| ReadError::Malformed(format!("Content-Length {value:?}")))?;
    if n > limits.max_body as u64 {
        return Err(ReadError::TooLarge(format!(
            "body of {n} bytes over the limit of {}",
            limits.max_body
        )));
    }
    Ok(n as usize)
}

/// One response.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A plain-text answer with this status.
    pub fn text(status: u16, text: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8".into(),
            headers: Vec::new(),
            body: text.as_bytes().to_vec(),
        }
    }

    /// Writes the response; `close` adds `Connection: close`.
    pub fn write_to<W: Write>(&self, out: &mut W, close: bool) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len()
        );
        for (n, v) in &self.headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        if close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        out.write_all(&self.body)?;
        out.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Bytes(io::Cursor<Vec<u8>>);
    impl Read for Bytes {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.0.read(buf)
        }
    }
    impl TimedRead for Bytes {
        fn set_timeout(&mut self, _: Duration) -> io::Result<()> {
            Ok(())
        }
    }

    fn read(input: &[u8], limits: &Limits) -> Result<Request, ReadError> {
        read_request(
            &mut Bytes(io::Cursor::new(input.to_vec())),
            &mut Vec::new(),
            limits,
        )
    }

    #[test]
    fn reads_a_post_with_its_body() {
        let r = read(
            b"POST /dm HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nUser-Agent: t\r\n\r\nabc",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/dm"));
        assert_eq!(r.body, b"abc");
        assert_eq!(r.header("USER-AGENT"), Some("t"));
    }

    #[test]
    fn bad_requests_are_errors_with_a_status() {
        let small = Limits {
            max_body: 8,
            max_head: 64,
            ..Limits::default()
        };
        let cases: [(&[u8], u16); 4] = [
            (b"\x00\x01garbage\r\n\r\n", 400),
            (b"POST / HTTP/1.1\r\nContent-Length: 6\r\n\r\nabc", 400),
            (
                b"POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabcdefghi",
                413,
            ),
            (&[b'a'; 200], 431),
        ];
        for (input, status) in cases {
            let e = read(input, &small).unwrap_err();
            assert_eq!(e.status(), Some(status), "{e}");
        }
        assert_eq!(read(b"", &small).unwrap_err(), ReadError::Closed);
    }

    /// A stream that has nothing to read: each read times out.
    struct Silent;
    impl Read for Silent {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::ErrorKind::TimedOut.into())
        }
    }
    impl TimedRead for Silent {
        fn set_timeout(&mut self, _: Duration) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn silence_before_a_request_is_idle_and_inside_one_a_timeout() {
        let limits = Limits::default();
        let idle = read_request(&mut Silent, &mut Vec::new(), &limits).unwrap_err();
        assert!(matches!(idle, ReadError::Idle(_)), "{idle}");
        let mut started = b"POST / HTTP/1.1\r\n".to_vec();
        let late = read_request(&mut Silent, &mut started, &limits).unwrap_err();
        assert!(matches!(late, ReadError::Timeout(_)), "{late}");
    }

    #[test]
    fn pipelined_bytes_stay_buffered() {
        let mut buffered = Vec::new();
        let input = b"POST /a HTTP/1.1\r\nContent-Length: 1\r\n\r\nxPOST /b HTTP/1.1\r\n\r\n";
        let mut s = Bytes(io::Cursor::new(input.to_vec()));
        let a = read_request(&mut s, &mut buffered, &Limits::default()).unwrap();
        let b = read_request(&mut s, &mut buffered, &Limits::default()).unwrap();
        assert_eq!((a.path.as_str(), b.path.as_str()), ("/a", "/b"));
    }
}
