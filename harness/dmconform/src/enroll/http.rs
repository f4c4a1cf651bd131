//! Enrollment services reached over HTTP(S) (`--target https://…/EnrollmentServer/Discovery.svc`):
//! the same transport as DM servers ([`crate::server::http`]: its timeouts, TLS
//! options and explanations), without redirects; every answer is kept whatever its
//! status, up to the body limit. The DM server after enrollment is reached with
//! the same options and the identity enrollment gave the device.

use super::runner::Enrolled;
use super::service::{EnrollmentService, Method, Reply, Request};
use crate::TargetProfile;
use crate::server::http::{HttpOptions, HttpServer, Transport};
use crate::server::target::ServerTarget;
use crate::server::tls::DeviceIdentity;
use crate::wire::TargetError;

/// An enrollment service at a discovery URL.
pub struct HttpEnrollment {
    url: String,
    transport: Transport,
    /// The options the DM server after enrollment is reached with too.
    opts: HttpOptions,
}

impl HttpEnrollment {
    /// A transport to the service whose discovery URL is `url`, or why there is none.
    pub fn new(url: &str, opts: &HttpOptions) -> Result<HttpEnrollment, String> {
        Ok(HttpEnrollment {
            url: url.to_string(),
            transport: Transport::new(url, opts)?,
            opts: opts.clone(),
        })
    }
}

impl EnrollmentService for HttpEnrollment {
    fn describe(&self) -> String {
        self.url.clone()
    }

    fn discovery_url(&self) -> String {
        self.url.clone()
    }

    /// The DM server at the document's ADDR over HTTPS, with the issued
    /// certificate as TLS client certificate and the document's roots trusted
    /// beside `--ca-cert` (or the WebPKI roots).
    fn dm_server(
        &self,
        enrolled: &Enrolled,
        _profile: &TargetProfile,
    ) -> Result<Box<dyn ServerTarget>, String> {
        let opts = HttpOptions {
            client_cert: None,
            device: Some(DeviceIdentity {
                chain: vec![enrolled.certificate.clone()],
                key_pkcs8: enrolled.key.clone(),
                roots: enrolled.roots.clone(),
            }),
            ..self.opts.clone()
        };
        let server = HttpServer::new(&enrolled.account.addr, &opts)?;
        Ok(Box::new(server))
    }

    fn request(&mut self, request: &Request) -> Result<Reply, TargetError> {
        let url = &request.url;
        let sent = match request.method {
            Method::Get => self.transport.agent.get(url).call(),
            Method::Post => self
                .transport
                .agent
                .post(url)
                .header(
                    "Content-Type",
                    request
                        .content_type
                        .as_deref()
                        .unwrap_or("application/octet-stream"),
                )
                .send(&request.body[..]),
        };
        let mut response = sent.map_err(|e| self.transport.error(url, e))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = response
            .body_mut()
            .with_config()
            .limit(self.transport.max_body)
            .read_to_vec()
            .map_err(|e| self.transport.error(url, e))?;
        Ok(Reply {
            status,
            content_type,
            body,
        })
    }
}
