//! The record of an exchange that both roles keep: the messages the harness
//! sent and received, decoded once and rendered for the transcript with
//! credentials blotted out, and why a session could not go on.

use crate::codec::{self, Decoded};
use crate::redact;
use crate::verdict::{Direction, Exchange};
use crate::wire::{Encoding, TargetError, Wire};
use syncml::tree::Element;
use syncml::{BodyNode, Command};

/// Why a session could not go on.
#[derive(Clone, Debug)]
pub enum SessionError {
    /// The target failed (timeout, crash, refusal).
    Target(TargetError),
    /// The target's message could not be read; the index of its exchange.
    Undecodable {
        exchange: usize,
        cause: codec::Undecodable,
    },
    /// The case's own message could not be built (a defect of the case).
    BadCase(String),
}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionError::Target(e) => write!(f, "{e}"),
            SessionError::Undecodable { cause, .. } => write!(f, "{cause}"),
            SessionError::BadCase(m) => write!(f, "the case's message cannot be built: {m}"),
        }
    }
}

/// A client message the harness received.
#[derive(Clone, Debug)]
pub struct Received {
    pub decoded: Decoded,
    pub content_type: String,
    /// Transport headers that matter to DM (`x-syncml-hmac`).
    pub headers: Vec<(String, String)>,
    /// The body exactly as it came (the HMAC is computed over it).
    pub body: Vec<u8>,
    /// Index of its exchange in the transcript.
    pub exchange: usize,
}

/// A server message the harness sent.
#[derive(Clone, Debug)]
pub struct Sent {
    pub root: Element,
    pub message: syncml::Message,
    pub exchange: usize,
}

/// Decodes a target's message once and records it in the transcript: as XML when it
/// decodes (with the hex too for WBXML), as the error and the hex when it does not.
pub(crate) fn receive(
    transcript: &mut Vec<Exchange>,
    label: &str,
    wire: Wire,
) -> Result<Received, SessionError> {
    let decoded = codec::decode(&wire.body, &codec::reply_limits());
    let (text, hex) = match &decoded {
        Ok(d) => (
            codec::render_tree(&d.root),
            (d.encoding == Encoding::Wbxml)
                .then(|| codec::hex(&redact::message_bytes(&wire.body, &d.root))),
        ),
        Err(message) => (
            format!("({message})"),
            Some(codec::hex(&redact::undecodable_bytes(&wire.body))),
        ),
    };
    let exchange = record(
        transcript,
        Direction::FromTarget,
        label,
        &wire.content_type,
        text,
        hex,
        &wire.headers,
    );
    match decoded {
        Ok(decoded) => Ok(Received {
            decoded,
            content_type: wire.content_type,
            headers: wire.headers,
            body: wire.body,
            exchange,
        }),
        Err(cause) => Err(SessionError::Undecodable { exchange, cause }),
    }
}

/// Records a message the harness sends in `encoding` as `body` (its tree rendered, and
/// for WBXML the bytes in hex with credentials blotted out) and returns it as [`Sent`].
pub(crate) fn record_sent(
    transcript: &mut Vec<Exchange>,
    label: &str,
    encoding: Encoding,
    root: Element,
    body: &[u8],
) -> Sent {
    let (message, _) = syncml::Message::from_element(&root);
    let hex =
        (encoding == Encoding::Wbxml).then(|| codec::hex(&redact::message_bytes(body, &root)));
    let exchange = record(
        transcript,
        Direction::ToTarget,
        label,
        encoding.content_type(),
        codec::render_tree(&root),
        hex,
        &[],
    );
    Sent {
        root,
        message,
        exchange,
    }
}

/// Appends one message to a transcript with the transport facts the target
/// reported (never an Authorization header); its index.
pub(crate) fn record(
    transcript: &mut Vec<Exchange>,
    direction: Direction,
    label: &str,
    content_type: &str,
    text: String,
    hex: Option<String>,
    transport: &[(String, String)],
) -> usize {
    transcript.push(Exchange {
        direction,
        label: label.to_string(),
        content_type: content_type.to_string(),
        text,
        hex,
        transport: transport
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("authorization"))
            .map(|(n, v)| {
                let v = if n.eq_ignore_ascii_case("x-syncml-hmac") {
                    redact::hmac_header(v)
                } else {
                    v.clone()
                };
                (n.clone(), v)
            })
            .collect(),
    });
    transcript.len() - 1
}

/// Every numeric CmdID in an element and its descendants.
pub(crate) fn all_cmd_ids(e: &Element) -> Vec<u64> {
    let mut ids = Vec::new();
    e.walk(&mut |_, el| {
        if el.local_name() == "CmdID"
            && let Ok(n) = el.text_content().trim().parse::<u64>()
        {
            ids.push(n);
        }
    });
    ids
}

/// The commands of a body in document order, containers followed by their children.
pub fn flatten(nodes: &[BodyNode]) -> Vec<&Command> {
    let mut out = Vec::new();
    for n in nodes {
        if let BodyNode::Command(c) = n {
            out.push(c);
            out.extend(flatten(&c.children));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_headers_lose_their_mac_in_transcripts() {
        let mut transcript = Vec::new();
        let header = (
            "X-SyncML-HMAC".to_string(),
            "algorithm=MD5, username=\"Bruce2\", mac=NTI2OTJhMDAwNjYxODkwYQ==".to_string(),
        );
        record(
            &mut transcript,
            Direction::FromTarget,
            "package 1",
            "application/vnd.syncml.dm+xml",
            String::new(),
            None,
            &[header, ("authorization".into(), "Basic xyz".into())],
        );
        assert_eq!(
            transcript[0].transport,
            vec![(
                "X-SyncML-HMAC".to_string(),
                "algorithm=MD5, username=\"Bruce2\", mac=[redacted]".to_string()
            )]
        );
    }
}
