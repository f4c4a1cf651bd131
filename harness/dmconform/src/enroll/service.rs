//! The adapter for enrollment services under test: the harness plays a Windows
//! device and makes HTTP requests of the service (a GET probe, SOAP POSTs). The
//! in-process reference service ([`super::reference`]) and HTTP(S)
//! ([`super::http`]) implement [`EnrollmentService`].

use super::runner::Enrolled;
use crate::TargetProfile;
use crate::server::target::ServerTarget;
use crate::wire::TargetError;

/// One HTTP request of the harness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub url: String,
    /// The Content-Type of a POST.
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// The HTTP methods the enrollment stages use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// The service's HTTP answer, whatever its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    /// The Content-Type, empty when none came.
    pub content_type: String,
    pub body: Vec<u8>,
}

/// An enrollment service under test.
pub trait EnrollmentService {
    /// A one-line description for reports.
    fn describe(&self) -> String;

    /// The discovery URL a device is given (`…/EnrollmentServer/Discovery.svc`).
    fn discovery_url(&self) -> String;

    /// Makes one request; the answer, or why none came.
    fn request(&mut self, request: &Request) -> Result<Reply, TargetError>;

    /// The DM server an enrollment's provisioning document names, reached as the
    /// enrolled device reaches it (its certificate, its account), or why it
    /// cannot be.
    fn dm_server(
        &self,
        enrolled: &Enrolled,
        profile: &TargetProfile,
    ) -> Result<Box<dyn ServerTarget>, String> {
        let _ = profile;
        Err(format!(
            "the harness has no way to reach {} as {} names it",
            enrolled.account.addr,
            self.describe()
        ))
    }
}
