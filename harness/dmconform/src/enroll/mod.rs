//! Windows enrollment ([MS-MDE2] Mobile Device Enrollment Protocol Version 2):
//! the harness plays a device enrolling against an enrollment service and judges
//! each answer. Stages judged: discovery (the GET probe and the Discover request,
//! MS-MDE2 3.1), the certificate enrollment policy (GetPolicies, MS-MDE2 3.3),
//! enrollment (RequestSecurityToken, MS-MDE2 3.4) and the faults of requests the
//! service must decline; then the DM session over the issued certificate.
//!
//! [`service`] is the adapter, [`reference`] the in-process reference service,
//! [`http`] services reached over HTTP(S), [`soap`] the envelopes; [`discovery`],
//! [`policy`] and [`token`] the messages of each stage, [`csr`] the device's key
//! and request, [`provisioning`] the document it is given, [`certs`] the
//! certificate checks; [`checks`] and [`issued_checks`] the rules, [`runner`] the
//! cases, [`enrolled`] the DM session that follows.

pub mod certs;
pub mod checks;
pub mod csr;
pub mod discovery;
pub mod enrolled;
pub mod http;
pub mod issued_checks;
pub mod policy;
pub mod provisioning;
pub mod reference;
pub mod runner;
pub mod service;
pub mod soap;
pub mod token;
