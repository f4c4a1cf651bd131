//! The subject of an X.509 certificate as text (`CN=device-1, O=Contoso`),
//! read from its DER with a small bounded walker: only the path
//! Certificate → TBSCertificate → subject is followed.

/// One DER element: its tag, its content, and the bytes after it.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |a, &b| (a << 8) | usize::from(b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;

/// The subject of a DER certificate, or `None` when it does not read as one.
pub fn subject(der: &[u8]) -> Option<String> {
    let (tag, cert, _) = element(der)?;
    if tag != SEQUENCE {
        return None;
    }
    let (tag, mut tbs, _) = element(cert)?;
    if tag != SEQUENCE {
        return None;
    }
    // [0] version (optional), serial, signature, issuer, validity, subject.
    let (tag, _, rest) = element(tbs)?;
    if tag == 0xa0 {
        tbs = rest;
        tbs = element(tbs)?.2; // serial
    } else {
        tbs = rest; // that was the serial
    }
    for _ in 0..3 {
        tbs = element(tbs)?.2;
    }
    let (tag, name, _) = element(tbs)?;
    (tag == SEQUENCE).then(|| render_name(name))
}

fn render_name(mut name: &[u8]) -> String {
    let mut parts = Vec::new();
    while let Some((SET, mut set, rest)) = element(name) {
        while let Some((SEQUENCE, atv, more)) = element(set) {
            if let Some((0x06, oid, value)) = element(atv)
                && let Some((_, text, _)) = element(value)
            {
                parts.push(format!(
                    "{}={}",
                    attribute_name(oid),
                    String::from_utf8_lossy(text)
                ));
            }
            set = more;
        }
        name = rest;
    }
    parts.join(", ")
}

fn attribute_name(oid: &[u8]) -> String {
    match oid {
        [0x55, 0x04, 0x03] => "CN".into(),
        [0x55, 0x04, 0x06] => "C".into(),
        [0x55, 0x04, 0x07] => "L".into(),
        [0x55, 0x04, 0x08] => "ST".into(),
        [0x55, 0x04, 0x0a] => "O".into(),
        [0x55, 0x04, 0x0b] => "OU".into(),
        [0x55, 0x04, 0x05] => "serialNumber".into(),
        other => other
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
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
