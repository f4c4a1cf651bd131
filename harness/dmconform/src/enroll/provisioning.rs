//! The provisioning document an enrollment service returns in its
//! BinarySecurityToken (a `wap-provisioningdoc`, WIN-ENROLL-FED "Enrollment web
//! service"), read with the project's XML reader into characteristics and
//! parms, and what a device takes from it: the certificates of each store, the
//! w7 APPLICATION (the DM server's address, the encoding, the credentials) and
//! the DMClient provider.

use base64::Engine;
use syncml::{Element, Limits};

/// A `characteristic`: its type, its parms and the characteristics inside it, in
/// document order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Characteristic {
    pub kind: String,
    pub parms: Vec<Parm>,
    pub children: Vec<Characteristic>,
}

/// A `parm` with its name and value (empty when the document gives none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parm {
    pub name: String,
    pub value: String,
}

/// The document: its top-level characteristics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProvisioningDoc {
    pub characteristics: Vec<Characteristic>,
}

/// A certificate placed by the document: where (`Root/System`, `My/User`, …),
/// the type of its characteristic (the thumbprint) and the decoded DER, when its
/// EncodedCertificate is Base64.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub store: String,
    pub thumbprint: String,
    pub der: Option<Vec<u8>>,
}

impl Characteristic {
    fn read(e: &Element) -> Characteristic {
        Characteristic {
            kind: e.attr("type").unwrap_or("").to_string(),
            parms: e
                .children_named("parm")
                .map(|p| Parm {
                    name: p.attr("name").unwrap_or("").to_string(),
                    value: p.attr("value").unwrap_or("").to_string(),
                })
                .collect(),
            children: e
                .children_named("characteristic")
                .map(Characteristic::read)
                .collect(),
        }
    }

    /// The value of the first parm named `name`.
    pub fn parm(&self, name: &str) -> Option<&str> {
        self.parms
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_str())
    }

    /// The characteristics inside this one of type `kind`.
    pub fn children_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Characteristic> {
        self.children.iter().filter(move |c| c.kind == kind)
    }

    /// This characteristic and every one inside it, depth first.
    pub fn walk(&self) -> Vec<&Characteristic> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.walk());
        }
        out
    }
}

impl ProvisioningDoc {
    /// Reads a document, or says why it is none.
    pub fn read(bytes: &[u8]) -> Result<ProvisioningDoc, String> {
        let root = syncml::xml::read(bytes, &Limits::default())
            .map_err(|e| format!("not well-formed XML: {e}"))?
            .root;
        if root.local_name() != "wap-provisioningdoc" {
            return Err(format!(
                "a <{}> document, not a wap-provisioningdoc",
                root.local_name()
            ));
        }
        Ok(ProvisioningDoc {
            characteristics: root
                .children_named("characteristic")
                .map(Characteristic::read)
                .collect(),
        })
    }

    /// The top-level characteristics of type `kind`.
    pub fn top<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Characteristic> {
        self.characteristics.iter().filter(move |c| c.kind == kind)
    }

    /// Every characteristic of the document, depth first.
    pub fn all(&self) -> Vec<&Characteristic> {
        self.characteristics.iter().flat_map(|c| c.walk()).collect()
    }

    /// Every certificate under `CertificateStore/STORE/SCOPE/THUMBPRINT` with an
    /// EncodedCertificate parm.
    pub fn certificates(&self) -> Vec<Placed> {
        let mut out = Vec::new();
        for store in self.top("CertificateStore").flat_map(|s| &s.children) {
            for scope in &store.children {
                for cert in &scope.children {
                    if let Some(encoded) = cert.parm("EncodedCertificate") {
                        let text: String = encoded.split_whitespace().collect();
                        out.push(Placed {
                            store: format!("{}/{}", store.kind, scope.kind),
                            thumbprint: cert.kind.clone(),
                            der: base64::engine::general_purpose::STANDARD.decode(text).ok(),
                        });
                    }
                }
            }
        }
        out
    }

    /// Whether `CertificateStore/My/<scope>` holds a PrivateKeyContainer.
    pub fn has_private_key_container(&self) -> bool {
        self.top("CertificateStore")
            .flat_map(|s| s.children_of("My"))
            .flat_map(|my| &my.children)
            .any(|scope| scope.children_of("PrivateKeyContainer").next().is_some())
    }

    /// The APPLICATION characteristic whose APPID is w7.
    pub fn w7(&self) -> Option<&Characteristic> {
        self.top("APPLICATION")
            .find(|a| a.parm("APPID") == Some("w7"))
    }

    /// The provider ids under `DMClient/Provider`.
    pub fn dmclient_providers(&self) -> Vec<&str> {
        self.top("DMClient")
            .flat_map(|d| d.children_of("Provider"))
            .flat_map(|p| &p.children)
            .map(|c| c.kind.as_str())
            .collect()
    }
}

/// The DM account a w7 APPLICATION gives: where the DM server is, the encoding
/// to speak, and the credentials of its APPAUTH characteristics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DmAccount {
    pub addr: String,
    /// DEFAULTENCODING, when given (WIN-W7: the default is XML).
    pub encoding: Option<String>,
    /// The APPSRV credentials: how the client authenticates to the DM server.
    pub client_auth: Option<AppAuth>,
    /// The CLIENT credentials: how the DM server authenticates to the client.
    pub server_auth: Option<AppAuth>,
}

/// One APPAUTH characteristic.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppAuth {
    pub level: String,
    pub kind: String,
    pub name: Option<String>,
    pub secret: Option<String>,
    pub data: Option<String>,
}

impl DmAccount {
    /// The account of a w7 APPLICATION characteristic.
    pub fn of(w7: &Characteristic) -> DmAccount {
        let auths: Vec<AppAuth> = w7
            .children_of("APPAUTH")
            .map(|a| AppAuth {
                level: a.parm("AAUTHLEVEL").unwrap_or("").to_string(),
                kind: a.parm("AAUTHTYPE").unwrap_or("").to_string(),
                name: a.parm("AAUTHNAME").map(str::to_string),
                secret: a.parm("AAUTHSECRET").map(str::to_string),
                data: a.parm("AAUTHDATA").map(str::to_string),
            })
            .collect();
        let level = |l: &str| auths.iter().find(|a| a.level == l).cloned();
        DmAccount {
            addr: w7.parm("ADDR").unwrap_or("").to_string(),
            encoding: w7.parm("DEFAULTENCODING").map(str::to_string),
            client_auth: level("APPSRV"),
            server_auth: level("CLIENT"),
        }
    }

    /// The secrets the account holds, for blotting.
    pub fn secrets(&self) -> Vec<&str> {
        [&self.client_auth, &self.server_auth]
            .into_iter()
            .flatten()
            .flat_map(|a| [&a.secret, &a.data])
            .flatten()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] =
        include_bytes!("../../../../corpus/enrollment/onprem-07-provisioning-doc.xml");

    #[test]
    fn microsofts_sample_reads_as_a_device_needs_it() {
        let doc = ProvisioningDoc::read(SAMPLE).unwrap();
        let stores: Vec<(String, String)> = doc
            .certificates()
            .into_iter()
            .map(|c| (c.store, c.thumbprint))
            .collect();
        assert_eq!(
            stores,
            [
                (
                    "Root/System".to_string(),
                    "031336C933CC7E228B88880D78824FB2909A0A2F".to_string()
                ),
                (
                    "My/User".to_string(),
                    "F9A4F20FC50D990FDD0E3DB9AFCBF401818D5462".to_string()
                )
            ]
        );
        assert!(doc.has_private_key_container());
        let account = DmAccount::of(doc.w7().unwrap());
        assert_eq!(
            account.addr,
            "https://DM.contoso.com:443/omadm/Windows.ashx"
        );
        assert_eq!(
            account.encoding.as_deref(),
            Some("application/vnd.syncml.dm+wbxml")
        );
        let client = account.client_auth.as_ref().unwrap();
        assert_eq!(
            (client.kind.as_str(), client.name.as_deref()),
            ("BASIC", Some("testclient"))
        );
        assert_eq!(account.secrets().len(), 3);
        assert_eq!(doc.dmclient_providers(), ["TestMDMServer"]);
    }

    #[test]
    fn other_documents_are_told_apart() {
        assert!(ProvisioningDoc::read(b"<html/>").is_err());
        assert!(ProvisioningDoc::read(b"<wap-provisioningdoc>").is_err());
    }
}
