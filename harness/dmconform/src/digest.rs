//! SHA-256 digests as lowercase hex: of bytes, and of the embedded specs as one
//! value (each file's path, a NUL, its length as 8 bytes big-endian and its
//! bytes, in path order), so a report names exactly the specs it ran.

use sha2::{Digest, Sha256};

/// The SHA-256 of `bytes`, as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The digest of a set of files (path, bytes) in the order given.
pub fn files_digest<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut h = Sha256::new();
    for (path, bytes) in files {
        h.update(path.as_bytes());
        h.update([0]);
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    }
    hex(&h.finalize())
}

/// The digest of the specs embedded in this build.
pub fn specs_digest() -> String {
    let files = crate::spec::embedded_files();
    files_digest(files.iter().map(|(p, b)| (p.as_str(), *b)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn moving_bytes_between_files_changes_the_digest() {
        let a = files_digest([("a", &b"xy"[..]), ("b", &b""[..])]);
        let b = files_digest([("a", &b"x"[..]), ("b", &b"y"[..])]);
        assert_ne!(a, b);
        assert_eq!(specs_digest(), specs_digest());
    }
}
