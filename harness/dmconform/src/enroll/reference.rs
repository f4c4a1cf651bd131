//! The reference enrollment service of `refdm`, in process
//! (`builtin:reference-enrollment[?fault=…]`).

use super::enrolled::EnrolledReference;
use super::runner::{Account, Enrolled};
use super::service::{EnrollmentService, Reply, Request};
use crate::TargetProfile;
use crate::server::target::ServerTarget;
use crate::wire::TargetError;
use refdm::enroll::{EnrollmentFaults, EnrollmentService as Service};

/// Where the in-process service says it is; nothing listens there.
const BASE: &str = "https://enterpriseenrollment.dmconform.invalid";

/// The reference enrollment service, reached without a network.
pub struct ReferenceEnrollment {
    service: Service,
}

impl ReferenceEnrollment {
    pub fn new(faults: EnrollmentFaults) -> ReferenceEnrollment {
        ReferenceEnrollment {
            service: Service::new(BASE, faults),
        }
    }
}

impl ReferenceEnrollment {
    /// The service enrolling `account` instead of the reference DM server's.
    pub fn with_account(faults: EnrollmentFaults, account: &Account) -> ReferenceEnrollment {
        ReferenceEnrollment {
            service: Service::new(BASE, faults).with_account(&account.user, &account.password),
        }
    }
}

impl EnrollmentService for ReferenceEnrollment {
    fn describe(&self) -> String {
        "builtin:reference-enrollment".into()
    }

    fn discovery_url(&self) -> String {
        self.service.discovery_url()
    }

    fn dm_server(
        &self,
        enrolled: &Enrolled,
        profile: &TargetProfile,
    ) -> Result<Box<dyn ServerTarget>, String> {
        Ok(Box::new(EnrolledReference::new(
            self.service.root().to_vec(),
            enrolled,
            profile,
        )))
    }

    fn request(&mut self, request: &Request) -> Result<Reply, TargetError> {
        let Some(path) = request.url.strip_prefix(BASE) else {
            return Err(TargetError::Other(format!(
                "{} is not on the reference service ({BASE})",
                request.url
            )));
        };
        let reply = self.service.handle(
            request.method.name(),
            path,
            request.content_type.as_deref().unwrap_or(""),
            &request.body,
        );
        Ok(Reply {
            status: reply.status,
            content_type: reply.content_type.to_string(),
            body: reply.body,
        })
    }
}
