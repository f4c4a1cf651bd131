//! The enrollment stage ([MS-MDE2] 3.4, over [MS-WSTEP]): the RequestSecurityToken
//! a device sends with its account and a PKCS#10 request, and what the harness
//! reads of the RequestSecurityTokenResponseCollection that answers it.

use base64::Engine;
use syncml::Element;
use syncml::protocol::enrollment as mde2;

/// What the device says of itself in AdditionalContext (the context items of
/// Microsoft's samples; WIN-ENROLL-FED: a service "may" use them).
pub struct DeviceContext<'a> {
    pub device_id: &'a str,
    pub device_name: &'a str,
}

/// A RequestSecurityToken: `csr` (DER) as a Base64 BinarySecurityToken, the
/// account's credential in the WS-Security header `security`.
pub fn request(
    message_id: &str,
    to: &str,
    security: Element,
    csr: &[u8],
    device: &DeviceContext<'_>,
) -> Vec<u8> {
    let item = |name: &str, value: &str| {
        Element::new("ac:ContextItem")
            .with_attr("Name", name)
            .with_child(Element::text("ac:Value", value))
    };
    let context = Element::new("ac:AdditionalContext")
        .with_attr("xmlns:ac", mde2::AUTHORIZATION)
        .with_child(item("OSEdition", "4"))
        .with_child(item("OSVersion", "10.0.19045.0"))
        .with_child(item("DeviceName", device.device_name))
        .with_child(item("EnrollmentType", "Full"))
        .with_child(item("DeviceType", "CIMClient_Windows"))
        .with_child(item("ApplicationVersion", "10.0.19045.0"))
        .with_child(item("DeviceID", device.device_id))
        .with_child(item("TargetedUserLoggedIn", "True"));
    let token = Element::text(
        "wsse:BinarySecurityToken",
        base64::engine::general_purpose::STANDARD.encode(csr),
    )
    .with_attr("xmlns:wsse", mde2::WSSE)
    .with_attr("ValueType", mde2::PKCS10)
    .with_attr("EncodingType", mde2::BASE64_BINARY);
    let body = Element::new("wst:RequestSecurityToken")
        .with_attr("xmlns:wst", mde2::TRUST)
        .with_child(Element::text(
            "wst:TokenType",
            mde2::DEVICE_ENROLLMENT_TOKEN,
        ))
        .with_child(Element::text("wst:RequestType", mde2::REQUEST_TYPE_ISSUE))
        .with_child(token)
        .with_child(context);
    super::soap::request(mde2::RST_ACTION, message_id, to, Some(security), body)
}

/// What a RequestSecurityTokenResponseCollection says, as given (trimmed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Issued {
    /// `RequestSecurityTokenResponse` elements in the collection.
    pub responses: usize,
    pub token_type: Option<String>,
    /// The `RequestedSecurityToken/BinarySecurityToken`, when there is one.
    pub token: Option<Token>,
}

/// The BinarySecurityToken of the answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Token {
    pub value_type: Option<String>,
    pub encoding_type: Option<String>,
    /// The element's text, white space removed.
    pub text: String,
}

impl Token {
    /// The token's bytes, when its text is Base64.
    pub fn decoded(&self) -> Option<Vec<u8>> {
        base64::engine::general_purpose::STANDARD
            .decode(&self.text)
            .ok()
    }
}

impl Issued {
    /// Reads the `RequestSecurityTokenResponseCollection` of a reply; `None` for
    /// any other element.
    pub fn read(payload: &Element) -> Option<Issued> {
        if payload.local_name() != "RequestSecurityTokenResponseCollection" {
            return None;
        }
        let responses: Vec<&Element> = payload
            .children_named("RequestSecurityTokenResponse")
            .collect();
        let first = responses.first();
        let trimmed = |e: &Element| e.text_content().trim().to_string();
        let token = first
            .and_then(|r| r.child("RequestedSecurityToken"))
            .and_then(|t| t.child("BinarySecurityToken"))
            .map(|t| Token {
                value_type: t.attr("ValueType").map(|v| v.trim().to_string()),
                encoding_type: t.attr("EncodingType").map(|v| v.trim().to_string()),
                text: t.text_content().split_whitespace().collect(),
            });
        Some(Issued {
            responses: responses.len(),
            token_type: first.and_then(|r| r.child("TokenType")).map(trimmed),
            token,
        })
    }
}
