//! TLS for the harness as DM client: which server certificates it trusts (the WebPKI
//! roots, or those of `--ca-cert`, where a self-signed certificate given itself is trusted
//! even when it says CA:TRUE, as `openssl req -x509` makes it), the client certificate it
//! presents (`--client-cert`/`--client-key`, or the target profile's `[tls]`), a ureq
//! connector that uses that rustls configuration, and TLS failures in the words a user
//! needs: what went wrong and which option helps.

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::{CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct};
use rustls::{RootCertStore, SignatureScheme, StreamOwned};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

/// What the harness's TLS client trusts and presents.
#[derive(Clone, Debug, Default)]
pub struct ClientTlsOptions {
    /// PEM file of the certificates to trust instead of the WebPKI roots.
    pub ca_cert: Option<PathBuf>,
    /// Skip certificate verification (the transport allows it for loopback hosts only).
    pub insecure: bool,
    /// PEM certificate chain and PEM private key of the client certificate to present.
    pub client_cert: Option<(PathBuf, PathBuf)>,
    /// An enrolled device's certificate, key and roots, held in memory.
    pub device: Option<DeviceIdentity>,
}

/// What enrollment gave a device for TLS: its client certificate chain and key
/// (DER, the key PKCS#8) and the roots its provisioning document installed,
/// trusted beside the others. Its `Debug` leaves the key out.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DeviceIdentity {
    pub chain: Vec<Vec<u8>>,
    pub key_pkcs8: Vec<u8>,
    pub roots: Vec<Vec<u8>>,
}

impl std::fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceIdentity")
            .field("chain", &format!("{} certificates", self.chain.len()))
            .field("key_pkcs8", &crate::redact::MARKER)
            .field("roots", &format!("{} certificates", self.roots.len()))
            .finish()
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The rustls configuration the options describe, or why it cannot be made.
pub fn client_config(opts: &ClientTlsOptions) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    let mut pinned = Vec::new();
    match &opts.ca_cert {
        Some(path) => {
            let certs = read_certs(path, "--ca-cert")?;
            let (added, _) = roots.add_parsable_certificates(certs.iter().cloned());
            if added == 0 {
                return Err(format!(
                    "--ca-cert {}: no certificate in it can be a trust anchor",
                    path.display()
                ));
            }
            pinned = certs;
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    if let Some(device) = &opts.device {
        let (added, _) = roots.add_parsable_certificates(
            device.roots.iter().map(|r| CertificateDer::from(r.clone())),
        );
        if added < device.roots.len() {
            return Err(format!(
                "{} of the {} roots the provisioning document installed cannot be trust anchors",
                device.roots.len() - added,
                device.roots.len()
            ));
        }
    }
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .map_err(|e| format!("TLS roots: {e}"))?;
    let verifier = Verifier {
        webpki,
        pinned,
        insecure: opts.insecure,
    };
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier));
    let config = match &opts.client_cert {
        None => match &opts.device {
            None => builder.with_no_client_auth(),
            Some(device) => {
                let chain = device
                    .chain
                    .iter()
                    .map(|c| CertificateDer::from(c.clone()))
                    .collect();
                let key = PrivateKeyDer::Pkcs8(device.key_pkcs8.clone().into());
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|e| format!("the certificate enrollment issued: {e}"))?
            }
        },
        Some((cert, key)) => {
            let chain = read_certs(cert, "--client-cert")?;
            let key_der = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| format!("--client-key {}: {e}", key.display()))?;
            builder.with_client_auth_cert(chain, key_der).map_err(|e| {
                format!(
                    "--client-cert {} with --client-key {}: {e}",
                    cert.display(),
                    key.display()
                )
            })?
        }
    };
    Ok(Arc::new(config))
}

/// Every certificate of a PEM file, naming the option in any error.
fn read_certs(path: &Path, option: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{option} {}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{option} {}: no certificate", path.display()));
    }
    Ok(certs)
}

/// The WebPKI verifier, which also trusts a server certificate given itself in
/// `--ca-cert` that WebPKI refuses only for being a CA (a home-made self-signed
/// certificate with CA:TRUE); with `insecure`, every certificate.
#[derive(Debug)]
struct Verifier {
    webpki: Arc<WebPkiServerVerifier>,
    /// The certificates of `--ca-cert`, as given.
    pinned: Vec<CertificateDer<'static>>,
    insecure: bool,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self.insecure {
            return Ok(ServerCertVerified::assertion());
        }
        match self
            .webpki
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            // WebPKI checks the validity period before it finds the certificate is a
            // CA; the name is checked here.
            Err(e)
                if is_ca_used_as_end_entity(&e)
                    && self
                        .pinned
                        .iter()
                        .any(|p| p.as_ref() == end_entity.as_ref()) =>
            {
                let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
                rustls::client::verify_server_name(&parsed, server_name)?;
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// Whether WebPKI refused the server certificate for being a CA certificate.
fn is_ca_used_as_end_entity(e: &rustls::Error) -> bool {
    matches!(e, rustls::Error::InvalidCertificate(CertificateError::Other(o))
        if format!("{o:?}").contains("CaUsedAsEndEntity"))
}

/// The rustls error inside a transport failure, if it is one.
pub fn tls_error(e: &ureq::Error) -> Option<&rustls::Error> {
    match e {
        ureq::Error::Rustls(t) => Some(t),
        ureq::Error::Io(io) => io.get_ref()?.downcast_ref::<rustls::Error>(),
        _ => None,
    }
}

/// A TLS failure explained: what went wrong, and the option that helps.
/// `client_cert`: whether the harness presented a client certificate.
pub fn explain(e: &rustls::Error, client_cert: bool) -> String {
    use rustls::AlertDescription as A;
    use rustls::Error as E;
    match e {
        E::InvalidCertificate(CertificateError::UnknownIssuer) => format!(
            "TLS: the server's certificate is not issued by a CA the harness trusts ({e}); give its CA certificate, or the self-signed certificate itself, with --ca-cert FILE, or for a server on a loopback address turn verification off with --insecure-loopback"
        ),
        E::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => format!(
            "TLS: the server's certificate does not name the host of the URL ({e}); use the host name it was issued for"
        ),
        E::InvalidCertificate(
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. },
        ) => format!("TLS: the server's certificate is outside its validity period ({e})"),
        E::InvalidCertificate(_) => format!("TLS: the server's certificate is refused ({e})"),
        E::AlertReceived(
            alert @ (A::CertificateRequired
            | A::HandshakeFailure
            | A::BadCertificate
            | A::UnknownCA
            | A::AccessDenied
            | A::CertificateUnknown),
        ) if !client_cert => format!(
            "TLS: the server ended the handshake ({alert:?}); it may require a client certificate: give one with --client-cert FILE --client-key FILE, or client_cert and client_key under [tls] in the target profile"
        ),
        E::AlertReceived(
            alert @ (A::BadCertificate
            | A::UnknownCA
            | A::AccessDenied
            | A::CertificateUnknown
            | A::CertificateExpired
            | A::CertificateRevoked
            | A::UnsupportedCertificate),
        ) => format!("TLS: the server refused the client certificate ({alert:?})"),
        other => format!("TLS: {other}"),
    }
}

/// The ureq connector wrapping a connection in the harness's TLS configuration (for
/// `https://` URLs; others pass through).
#[derive(Debug)]
pub struct TlsConnector {
    pub config: Arc<ClientConfig>,
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .unwrap_or("")
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let name = ServerName::try_from(host)
            .map_err(|_| ureq::Error::Tls("the URL's host is not a TLS server name"))?;
        let mut conn = ClientConnection::new(self.config.clone(), name)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        conn.complete_io(&mut sock)?;
        Ok(Some(Either::B(TlsTransport {
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            stream: StreamOwned { conn, sock },
        })))
    }
}

/// A connection inside TLS.
pub struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl std::fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsTransport").finish()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}
