//! What the harness checks of the certificates a provisioning document places,
//! with x509-parser: which one certifies the device's own key (the requested
//! certificate), and whether a provisioned root or intermediate signed it.

use x509_parser::prelude::{FromDer, X509Certificate};

/// One certificate of the document, parsed.
pub struct Parsed<'a> {
    /// Where the document places it (`Root/System`, `My/User`, …).
    pub store: &'a str,
    pub der: &'a [u8],
    cert: X509Certificate<'a>,
}

impl<'a> Parsed<'a> {
    /// The certificate of `der`, or why it is none.
    pub fn new(store: &'a str, der: &'a [u8]) -> Result<Parsed<'a>, String> {
        let (_, cert) =
            X509Certificate::from_der(der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
        Ok(Parsed { store, der, cert })
    }

    /// Its SubjectPublicKeyInfo is `spki` (DER).
    pub fn certifies(&self, spki: &[u8]) -> bool {
        self.cert.public_key().raw == spki
    }

    /// Its subject, in RFC 4514 form.
    pub fn subject(&self) -> String {
        self.cert.subject().to_string()
    }

    /// Its issuer, in RFC 4514 form.
    pub fn issuer(&self) -> String {
        self.cert.issuer().to_string()
    }

    /// Its signature verifies with `issuer`'s key, and `issuer` is named its issuer.
    pub fn signed_by(&self, issuer: &Parsed<'_>) -> bool {
        self.cert.issuer() == issuer.cert.subject()
            && self
                .cert
                .verify_signature(Some(issuer.cert.public_key()))
                .is_ok()
    }

    /// It is valid at this moment.
    pub fn valid_now(&self) -> bool {
        self.cert.validity().is_valid()
    }
}

/// Whether `leaf` chains to one of `roots`, directly or through one of
/// `intermediates`.
pub fn chains_to(leaf: &Parsed<'_>, intermediates: &[&Parsed<'_>], roots: &[&Parsed<'_>]) -> bool {
    roots.iter().any(|r| leaf.signed_by(r))
        || intermediates
            .iter()
            .any(|i| leaf.signed_by(i) && roots.iter().any(|r| i.signed_by(r)))
}
