//! The subject of an X.509 certificate as text (`CN=device-1, O=Contoso`), for
//! transcripts, read with x509-parser.

use x509_parser::prelude::{FromDer, X509Certificate};

/// The subject of a DER certificate, or `None` when it does not read as one.
pub fn subject(der: &[u8]) -> Option<String> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    Some(cert.subject().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_subject_of_a_generated_certificate() {
        let mut params = rcgen::CertificateParams::new(vec!["device".into()]).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "device-1");
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Contoso");
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let s = subject(cert.der()).unwrap();
        assert!(s.contains("CN=device-1") && s.contains("O=Contoso"), "{s}");
    }

    #[test]
    fn junk_is_no_subject() {
        assert_eq!(subject(b""), None);
        assert_eq!(subject(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(subject(&[0x30, 0x02, 0x02, 0x00]), None);
    }
}
