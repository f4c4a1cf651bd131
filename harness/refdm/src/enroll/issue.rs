//! What the reference enrollment service issues for an accepted
//! RequestSecurityToken: the provisioning document (WIN-ENROLL-FED "Enrollment
//! web service": the root, the client certificate with its PrivateKeyContainer,
//! the w7 APPLICATION naming the DM server and its credentials, the DMClient
//! provider) and the RequestSecurityTokenResponseCollection that carries it.

use super::ca::thumbprint;
use base64::Engine;
use syncml::Element;
use syncml::protocol::enrollment as mde2;
use syncml::xml::WriteOptions;

/// The PROVIDER-ID of the reference, and its DMClient provider.
pub const PROVIDER_ID: &str = "dmconform-reference";

/// What a provisioning document of the reference holds.
pub struct Provision<'a> {
    /// The root to provision (DER).
    pub root: &'a [u8],
    /// The client certificate issued (DER).
    pub client: &'a [u8],
    /// The DM server's address.
    pub addr: &'a str,
    /// The DM account the client authenticates with (APPSRV, Basic).
    pub dm_user: &'a str,
    pub dm_password: &'a str,
    /// The w7 APPLICATION is written.
    pub with_dm_account: bool,
    /// The DMClient provider's name (the w7 PROVIDER-ID unless a fault says otherwise).
    pub dmclient_provider: &'a str,
}

fn parm(name: &str, value: &str) -> Element {
    Element::new("parm")
        .with_attr("name", name)
        .with_attr("value", value)
}

fn characteristic(kind: &str) -> Element {
    Element::new("characteristic").with_attr("type", kind)
}

fn certificate(der: &[u8]) -> Element {
    characteristic(&thumbprint(der)).with_child(parm(
        "EncodedCertificate",
        &base64::engine::general_purpose::STANDARD.encode(der),
    ))
}

impl Provision<'_> {
    /// The document, as XML bytes.
    pub fn document(&self) -> Vec<u8> {
        let root_store = characteristic("CertificateStore").with_child(
            characteristic("Root")
                .with_child(characteristic("System").with_child(certificate(self.root))),
        );
        let my_store = characteristic("CertificateStore").with_child(
            characteristic("My").with_child(
                characteristic("User")
                    .with_child(certificate(self.client))
                    .with_child(characteristic("PrivateKeyContainer")),
            ),
        );
        let mut doc = Element::new("wap-provisioningdoc")
            .with_attr("version", "1.1")
            .with_child(root_store)
            .with_child(my_store);
        if self.with_dm_account {
            let auth = |level: &str, kind: &str, name: &str, secret: &str| {
                characteristic("APPAUTH")
                    .with_child(parm("AAUTHLEVEL", level))
                    .with_child(parm("AAUTHTYPE", kind))
                    .with_child(parm("AAUTHNAME", name))
                    .with_child(parm("AAUTHSECRET", secret))
            };
            doc.push(
                characteristic("APPLICATION")
                    .with_child(parm("APPID", "w7"))
                    .with_child(parm("PROVIDER-ID", PROVIDER_ID))
                    .with_child(parm("NAME", "dmconform reference"))
                    .with_child(parm("ADDR", self.addr))
                    .with_child(parm("DEFAULTENCODING", syncml::protocol::CONTENT_TYPE_XML))
                    .with_child(parm(
                        "SSLCLIENTCERTSEARCHCRITERIA",
                        "Subject=CN%3ddmconform-device&Stores=My%5CUser",
                    ))
                    .with_child(
                        auth("CLIENT", "DIGEST", "dmconform-server", "reference-server")
                            .with_child(parm("AAUTHDATA", "cmVmZG0tc2VydmVyLW5vbmNl")),
                    )
                    .with_child(auth("APPSRV", "BASIC", self.dm_user, self.dm_password)),
            );
        }
        doc.push(
            characteristic("DMClient").with_child(
                characteristic("Provider").with_child(
                    characteristic(self.dmclient_provider)
                        .with_child(parm("EntDeviceName", "dmconform-device")),
                ),
            ),
        );
        syncml::xml::write(&doc, &WriteOptions::default())
    }
}

/// The body of the answer: the document as a Base64 BinarySecurityToken.
pub fn response(document: &[u8]) -> Element {
    let token = Element::text(
        "BinarySecurityToken",
        base64::engine::general_purpose::STANDARD.encode(document),
    )
    .with_attr("xmlns", mde2::WSSE)
    .with_attr("ValueType", mde2::PROVISION_DOC)
    .with_attr("EncodingType", mde2::BASE64_BINARY);
    Element::new("RequestSecurityTokenResponseCollection")
        .with_attr("xmlns", mde2::TRUST)
        .with_child(
            Element::new("RequestSecurityTokenResponse")
                .with_child(Element::text("TokenType", mde2::DEVICE_ENROLLMENT_TOKEN))
                .with_child(Element::new("DispositionMessage").with_attr("xmlns", mde2::ENROLLMENT))
                .with_child(Element::new("RequestedSecurityToken").with_child(token))
                .with_child(Element::text("RequestID", "0").with_attr("xmlns", mde2::ENROLLMENT)),
        )
}
