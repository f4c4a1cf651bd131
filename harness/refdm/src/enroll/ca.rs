//! The certificate authority of the reference enrollment service, made when the
//! service starts: a self-signed root (ECDSA P-256) that signs the client
//! certificates of the PKCS#10 requests it accepts. Certificates are DER.

use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, DistinguishedName,
    DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rustls_pki_types::CertificateSigningRequestDer;
use sha1::{Digest, Sha1};

/// A root certificate and its key.
pub struct Authority {
    params: CertificateParams,
    key: KeyPair,
    /// The root certificate, DER.
    pub root: Vec<u8>,
    serial: u64,
}

impl Authority {
    /// A fresh root named `common_name`.
    pub fn new(common_name: &str) -> Authority {
        let key = KeyPair::generate().expect("an ECDSA P-256 key");
        let mut params = CertificateParams::default();
        let mut name = DistinguishedName::new();
        name.push(DnType::CommonName, common_name);
        params.distinguished_name = name;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let root = params
            .self_signed(&key)
            .expect("a self-signed root")
            .der()
            .to_vec();
        Authority {
            params,
            key,
            root,
            serial: 1,
        }
    }

    /// A client certificate for the key and name of a PKCS#10 request (DER), when
    /// the request parses and its signature verifies; why not, when it does not.
    pub fn issue(&mut self, request: &[u8]) -> Result<Vec<u8>, String> {
        let der = CertificateSigningRequestDer::from(request);
        let mut csr = CertificateSigningRequestParams::from_der(&der)
            .map_err(|e| format!("the certificate request does not verify: {e}"))?;
        self.serial += 1;
        client_params(&mut csr.params, self.serial);
        let issuer = Issuer::from_params(&self.params, &self.key);
        csr.signed_by(&issuer)
            .map(|c| c.der().to_vec())
            .map_err(|e| format!("cannot sign the certificate: {e}"))
    }

    /// A client certificate for a key of the authority's own making, named
    /// `common_name`: a certificate for another key than the one requested.
    pub fn issue_for_other_key(&mut self, common_name: &str) -> Vec<u8> {
        let key = KeyPair::generate().expect("an ECDSA P-256 key");
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        self.serial += 1;
        client_params(&mut params, self.serial);
        let issuer = Issuer::from_params(&self.params, &self.key);
        params
            .signed_by(&key, &issuer)
            .expect("a client certificate")
            .der()
            .to_vec()
    }
}

/// Whether `certificate` (DER) was issued by the authority whose root is `root`
/// (DER) and is valid now: what the reference DM server checks of the client
/// certificate a device presents.
pub fn verify_issued(root: &[u8], certificate: &[u8]) -> Result<(), String> {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let (_, root) = X509Certificate::from_der(root).map_err(|e| format!("the root: {e}"))?;
    let (_, cert) = X509Certificate::from_der(certificate)
        .map_err(|e| format!("the client certificate is not X.509: {e}"))?;
    if cert.issuer() != root.subject() {
        return Err(format!(
            "the client certificate is issued by {}, not by this server's enrollment root",
            cert.issuer()
        ));
    }
    cert.verify_signature(Some(root.public_key()))
        .map_err(|e| {
            format!(
                "the client certificate's signature does not verify with the enrollment root: {e}"
            )
        })?;
    if !cert.validity().is_valid() {
        return Err("the client certificate is not valid now".into());
    }
    Ok(())
}

/// The settings of a client certificate: one year from an hour ago, TLS client
/// authentication, not a CA.
fn client_params(params: &mut CertificateParams, serial: u64) {
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::hours(1);
    params.not_after = now + time::Duration::days(365);
    params.serial_number = Some(serial.into());
    params.is_ca = IsCa::NoCa;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
}

/// The thumbprint of a certificate as Windows names it: the SHA-1 of its DER,
/// in upper-case hex.
pub fn thumbprint(der: &[u8]) -> String {
    Sha1::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprints_are_forty_upper_case_hex_digits() {
        let t = thumbprint(b"x");
        assert_eq!(t.len(), 40);
        assert_eq!(t, t.to_ascii_uppercase());
    }

    #[test]
    fn a_request_that_is_no_csr_is_refused() {
        let mut ca = Authority::new("test root");
        assert!(ca.issue(b"not a request").is_err());
    }
}
