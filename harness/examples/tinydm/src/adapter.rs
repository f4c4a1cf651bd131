//! The client behind `dmconform::Target`: bytes in, bytes out, in XML or WBXML,
//! through the `syncml` codecs. Each reply goes out in the encoding of the
//! server message it answers.

use crate::session::TinyClient;
use dmconform::{Encoding, Target, TargetError, Wire};
use syncml::{Limits, Message, wbxml, xml};

/// The largest server message the client reads.
const MAX_MESSAGE: usize = 1 << 20;

impl Target for TinyClient {
    fn describe(&self) -> String {
        format!(
            "tinydm ({} {})",
            self.device.manufacturer, self.device.model
        )
    }

    fn open_session(&mut self, encoding: Encoding) -> Result<Wire, TargetError> {
        let first = self.start_session();
        encode(&first, encoding)
    }

    fn deliver(&mut self, message: Wire) -> Result<Option<Wire>, TargetError> {
        let encoding = Encoding::from_content_type(&message.content_type).ok_or_else(|| {
            TargetError::Unsupported(format!("content type {:?}", message.content_type))
        })?;
        let server = decode(&message.body, encoding)?;
        self.answer(&server)
            .map(|reply| encode(&reply, encoding))
            .transpose()
    }
}

fn decode(body: &[u8], encoding: Encoding) -> Result<Message, TargetError> {
    let limits = Limits {
        max_input: MAX_MESSAGE,
        ..Limits::default()
    };
    let decoded = match encoding {
        Encoding::Xml => xml::read_message(body, &limits).map(|(m, _, _)| m),
        Encoding::Wbxml => wbxml::decode_message(body, &limits).map(|(m, _, _)| m),
    };
    decoded.map_err(|e| TargetError::Other(format!("tinydm cannot read the server message: {e}")))
}

fn encode(message: &Message, encoding: Encoding) -> Result<Wire, TargetError> {
    let body = match encoding {
        Encoding::Xml => xml::write_message(message, &xml::WriteOptions::default()),
        Encoding::Wbxml => wbxml::encode_message(message, &wbxml::EncodeOptions::default())
            .map_err(|e| TargetError::Other(format!("tinydm cannot encode its reply: {e}")))?,
    };
    Ok(Wire::new(encoding, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Device;

    #[test]
    fn package_1_goes_out_in_the_encoding_asked_for() {
        for encoding in Encoding::BOTH {
            let mut client = TinyClient::new(Device::default());
            let wire = client.open_session(encoding).unwrap();
            assert_eq!(
                Encoding::from_content_type(&wire.content_type),
                Some(encoding)
            );
            let back = decode(&wire.body, encoding).unwrap();
            assert_eq!(back.msg_id(), Some("1"));
        }
    }

    #[test]
    fn unreadable_messages_are_errors() {
        let mut client = TinyClient::new(Device::default());
        client.open_session(Encoding::Xml).unwrap();
        let garbage = Wire::new(Encoding::Wbxml, vec![0x02, 0xff, 0xff, 0xff, 0xff]);
        assert!(matches!(
            client.deliver(garbage),
            Err(TargetError::Other(_))
        ));
        let truncated = Wire::new(Encoding::Xml, b"<SyncML><SyncHdr>".to_vec());
        assert!(matches!(
            client.deliver(truncated),
            Err(TargetError::Other(_))
        ));
        let mut text = Wire::new(Encoding::Xml, b"<SyncML/>".to_vec());
        text.content_type = "text/plain".into();
        assert!(matches!(
            client.deliver(text),
            Err(TargetError::Unsupported(_))
        ));
    }
}
