//! TLS for the harness's server: its certificate (generated self-signed on
//! request, or the user's PEM certificate chain and key) and, optionally, the
//! CA whose client certificates it requires (Windows MDM enrolls devices with
//! client certificates). The `ring` provider keeps the build free of cmake.

use rustls::ServerConfig;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::PathBuf;
use std::sync::Arc;

/// Where the server's certificate comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsSetup {
    /// A certificate for `localhost`, `127.0.0.1` and `::1` made at start;
    /// written as PEM to the given file when one is named, for the client to trust.
    SelfSigned { write_cert_to: Option<PathBuf> },
    /// A PEM certificate chain and its PEM private key.
    Files { cert: PathBuf, key: PathBuf },
}

/// The TLS options of a listening target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsOptions {
    pub setup: TlsSetup,
    /// PEM CA certificates; when set, a client certificate issued by one is required.
    pub client_ca: Option<PathBuf>,
}

/// The server configuration and, for a self-signed certificate, its PEM.
pub struct Prepared {
    pub config: Arc<ServerConfig>,
    pub self_signed_pem: Option<String>,
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Builds the rustls configuration the options describe.
pub fn prepare(opts: &TlsOptions) -> Result<Prepared, String> {
    let (certs, key, self_signed_pem) = match &opts.setup {
        TlsSetup::SelfSigned { write_cert_to } => {
            let names = vec!["localhost".into(), "127.0.0.1".into(), "::1".into()];
            let made = rcgen::generate_simple_self_signed(names)
                .map_err(|e| format!("cannot make a self-signed certificate: {e}"))?;
            let pem = made.cert.pem();
            if let Some(path) = write_cert_to {
                std::fs::write(path, &pem)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            let key = PrivateKeyDer::try_from(made.signing_key.serialize_der())
                .map_err(|e| format!("the generated key: {e}"))?;
            (vec![made.cert.der().clone()], key, Some(pem))
        }
        TlsSetup::Files { cert, key } => {
            let certs = read_certs(cert)?;
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| format!("key {}: {e}", key.display()))?;
            (certs, key, None)
        }
    };
    let builder = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = match &opts.client_ca {
        None => builder.with_no_client_auth(),
        Some(path) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in read_certs(path)? {
                roots
                    .add(c)
                    .map_err(|e| format!("client CA {}: {e}", path.display()))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .map_err(|e| format!("client CA {}: {e}", path.display()))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder
        .with_single_cert(certs, key)
        .map_err(|e| format!("server certificate: {e}"))?;
    Ok(Prepared {
        config: Arc::new(config),
        self_signed_pem,
    })
}

/// Every certificate of a PEM file; none is an error.
pub fn read_certs(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("certificate {}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no PEM certificate in it", path.display()));
    }
    Ok(certs)
}
