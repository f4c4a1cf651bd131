//! Windows enrollment ([MS-MDE2] Mobile Device Enrollment Protocol Version 2):
//! the harness plays a device enrolling against an enrollment service and judges
//! each answer. Stages judged: discovery (the GET probe and the Discover request,
//! MS-MDE2 3.1) and the certificate enrollment policy (GetPolicies, MS-MDE2 3.3). [`service`] is the adapter, [`reference`] the in-process
//! reference service, [`http`] services reached over HTTP(S), [`soap`] the envelopes, [`discovery`] and [`policy`] the
//! messages of each stage, [`checks`] the rules, [`runner`] the cases.

pub mod checks;
pub mod discovery;
pub mod http;
pub mod policy;
pub mod reference;
pub mod runner;
pub mod service;
pub mod soap;
