//! One request as the harness reads it and one response as it answers, plain
//! data apart from hyper's types, with the bounds every request is held to.

use bytes::Bytes;
use std::time::Duration;

/// Bounds on one request.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The request line and headers together (a larger head is answered 431).
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

/// The most header lines a request may have.
pub(crate) const MAX_HEADERS: usize = 64;

/// One request as the harness needs it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The request target: path and query.
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

    /// The method, target and headers of a request head, without its body.
    pub(crate) fn head_of<B>(req: &hyper::Request<B>) -> Request {
        let headers = req
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        Request {
            method: req.method().as_str().to_string(),
            path: req
                .uri()
                .path_and_query()
                .map_or_else(|| req.uri().to_string(), |p| p.as_str().to_string()),
            headers,
            body: Vec::new(),
        }
    }
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

    /// The response as hyper writes it; `close` adds `Connection: close`.
    /// Header names or values that HTTP cannot carry are left out.
    pub(crate) fn into_hyper(self, close: bool) -> hyper::Response<http_body_util::Full<Bytes>> {
        let status = hyper::StatusCode::from_u16(self.status)
            .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
        let mut builder = hyper::Response::builder()
            .status(status)
            .header(hyper::header::CONTENT_TYPE, self.content_type.as_str());
        for (n, v) in &self.headers {
            if hyper::header::HeaderName::from_bytes(n.as_bytes()).is_ok()
                && hyper::header::HeaderValue::from_str(v).is_ok()
            {
                builder = builder.header(n.as_str(), v.as_str());
            }
        }
        if close {
            builder = builder.header(hyper::header::CONNECTION, "close");
        }
        builder
            .body(http_body_util::Full::new(Bytes::from(self.body)))
            .unwrap_or_else(|_| {
                let mut r = hyper::Response::new(http_body_util::Full::new(Bytes::new()));
                *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
                r
            })
    }

    /// The response as raw HTTP/1.1 bytes with `Connection: close`, for a
    /// connection the server writes to itself (turned away, or timed out).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let reason = hyper::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        let mut out = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.status,
            self.content_type,
            self.body.len()
        )
        .into_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_keeps_its_target_and_lower_case_header_names() {
        let req = hyper::Request::post("/dm?x=1")
            .header("User-Agent", "t")
            .body(())
            .unwrap();
        let r = Request::head_of(&req);
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/dm?x=1"));
        assert_eq!(r.header("USER-AGENT"), Some("t"));
        assert_eq!(r.headers[0].0, "user-agent");
    }

    #[test]
    fn raw_responses_close_and_carry_their_length() {
        let text = String::from_utf8(Response::text(408, "late\n").to_bytes()).unwrap();
        assert!(
            text.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
            "{text}"
        );
        assert!(text.contains("Content-Length: 5\r\n") && text.contains("Connection: close"));
        assert!(text.ends_with("\r\n\r\nlate\n"));
    }

    #[test]
    fn headers_http_cannot_carry_are_left_out() {
        let r = Response {
            headers: vec![("bad name".into(), "v".into()), ("x-ok".into(), "v".into())],
            ..Response::text(200, "")
        }
        .into_hyper(false);
        assert!(r.headers().contains_key("x-ok"));
        assert_eq!(r.headers().len(), 2);
    }
}
