//! Target profiles: what an implementation under test claims (profiles,
//! encodings, capabilities), the node paths the suite may use on it, its
//! credentials (and for a DM server the TLS client certificate to present), and
//! the deviations its vendor expects, each with a reason.

use crate::spec::Capability;
use crate::spec::words::words;
use serde::Deserialize;
use std::path::Path;

/// The built-in reference implementation's profile.
pub const REFERENCE: &str = include_str!("../../../specs/targets/reference.toml");
/// The built-in reference DM server's profile.
pub const REFERENCE_SERVER: &str = include_str!("../../../specs/targets/reference-server.toml");
/// The profile of an `http(s)://` target given without one: no SyncML credentials; the
/// URL becomes its `server_uri` ([`TargetProfile::for_url`]).
pub const HTTP_SERVER: &str = include_str!("../../../specs/targets/http-server.toml");

/// A target profile file.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TargetProfile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The profiles the implementation claims (`windows`, `oma-dm-1.2`).
    pub profiles: Vec<String>,
    /// `xml`, `wbxml`.
    pub encodings: Vec<String>,
    /// Capabilities claimed.
    #[serde(default)]
    pub capabilities: Vec<Capability>,
    /// The URI the harness gives itself as the DM server.
    #[serde(default = "default_server_uri")]
    pub server_uri: String,
    /// Node paths of a DM client (a DM server's profile leaves them out).
    #[serde(default)]
    pub paths: Paths,
    #[serde(default)]
    pub limits: UriLimits,
    /// The identity the harness reports when it plays the DM client against a server.
    #[serde(default)]
    pub device: Device,
    #[serde(default)]
    pub credentials: Option<Credentials>,
    /// The harness's own credentials as DM server, for a client that
    /// authenticates its server: when set, the harness sends them in its SyncHdr Cred.
    #[serde(default)]
    pub server_credentials: Option<ServerCredentials>,
    /// The TLS client certificate the harness presents to a DM server.
    #[serde(default)]
    pub tls: Tls,
    /// The account the harness enrolls with against an enrollment service.
    #[serde(default)]
    pub enrollment: Option<EnrollmentAccount>,
    /// The identities of the devices of a fleet load (`dmconform load`).
    #[serde(default)]
    pub load: Option<crate::load::fleet::LoadTemplate>,
    #[serde(default)]
    pub deviation: Vec<Deviation>,
}

/// The account a device enrolls with (`[enrollment]`): the user, an email address
/// as Windows asks for one; the password an OnPremise service checks in its
/// UsernameToken; the security token a Federated service's STS issued at
/// sign-in, sent as the BinarySecurityToken (the harness does not sign in).
/// Without this section the enrollment cases take `[credentials]`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentAccount {
    pub user: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub token: Option<String>,
}

/// TLS set-up of the harness as DM client (`[tls]`): the client certificate a DM server
/// that authenticates enrolled devices by certificate (Windows MDM) requires. Relative
/// paths are taken from the folder of the profile file.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// PEM certificate chain of the client certificate.
    pub client_cert: Option<std::path::PathBuf>,
    /// PEM private key of the client certificate.
    pub client_key: Option<std::path::PathBuf>,
}

impl Tls {
    /// The client certificate and key, when both are given.
    pub fn client_cert(&self) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
        Some((self.client_cert.clone()?, self.client_key.clone()?))
    }
}

/// A TOML basic string holding `s`.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn default_server_uri() -> String {
    "https://dmconform.invalid/omadm".into()
}

/// Node paths the suite may use.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Paths {
    /// A writable interior node; each case works under a fresh child of it.
    pub scratch: String,
    pub leaf: String,
    pub interior: String,
    pub readonly_leaf: String,
    #[serde(default)]
    pub exec: Option<String>,
    /// A node whose Exec answers 202 and reports its result in a Generic Alert (1226) in
    /// the next session (capability `async-exec`).
    #[serde(default)]
    pub exec_async: Option<String>,
}

/// The URI limits the device publishes under ./DevDetail/URI (0 = unlimited).
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct UriLimits {
    pub max_depth: u32,
    pub max_tot_len: u32,
    pub max_seg_len: u32,
}

/// The device identity the harness reports as a DM client: SyncHdr Source and ./DevInfo.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Device {
    /// ./DevInfo/DevId, also the SyncHdr Source of every client message.
    pub dev_id: String,
    pub man: String,
    #[serde(rename = "mod")]
    pub model: String,
    pub lang: String,
    pub dm_v: String,
}

impl Default for Device {
    fn default() -> Self {
        Device {
            dev_id: "dmconform-device".into(),
            man: "dmconform".into(),
            model: "conformance-client".into(),
            lang: "en-US".into(),
            dm_v: "1.2".into(),
        }
    }
}

impl Device {
    /// The ./DevInfo leaves and their values.
    pub fn dev_info(&self) -> [(&'static str, &str); 5] {
        [
            ("./DevInfo/DevId", &self.dev_id),
            ("./DevInfo/Man", &self.man),
            ("./DevInfo/Mod", &self.model),
            ("./DevInfo/Lang", &self.lang),
            ("./DevInfo/DmV", &self.dm_v),
        ]
    }
}

/// Application-layer credentials the client uses, and the server's.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub scheme: AuthScheme,
    pub user: String,
    pub password: String,
    /// The nonce the client must use in its first MD5 digest or MAC, as Base64; none
    /// means the empty nonce.
    #[serde(default)]
    pub client_nonce: Option<String>,
}

/// The credentials the client checks the DM server's messages against
/// (server MD5 authentication): the digest is
/// `B64(MD5(B64(MD5(user:password)) ":" nonce))`, over the nonce the client issued.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ServerCredentials {
    /// The server's id as the client knows it (the harness's SyncHdr Source LocName).
    pub user: String,
    pub password: String,
    /// The nonce the client expects in the server's first digest, as Base64; later
    /// ones are those the client sends in its challenges.
    #[serde(default)]
    pub nonce: Option<String>,
}

impl ServerCredentials {
    /// The first nonce as bytes (none is the empty nonce).
    pub fn nonce_bytes(&self) -> Result<Vec<u8>, String> {
        use base64::Engine;
        self.nonce.as_deref().map_or(Ok(Vec::new()), |n| {
            base64::engine::general_purpose::STANDARD
                .decode(n.trim())
                .map_err(|e| format!("server_credentials.nonce {n:?} is not Base64: {e}"))
        })
    }
}

words! {
    /// How a DM client authenticates at the application layer.
    pub enum AuthScheme("credential scheme") {
        /// No SyncML credentials.
        None = "none",
        /// `syncml:auth-basic`.
        Basic = "basic",
        /// `syncml:auth-md5`.
        Md5 = "md5",
        /// HMAC-MD5 in the `x-syncml-hmac` transport header.
        Hmac = "hmac",
    }
}

impl Credentials {
    /// The client nonce decoded from its Base64 text, if the profile gives one.
    pub fn client_nonce_bytes(&self) -> Option<Result<Vec<u8>, base64::DecodeError>> {
        use base64::Engine;
        self.client_nonce
            .as_deref()
            .map(|n| base64::engine::general_purpose::STANDARD.decode(n))
    }
}

/// The reason `dmconform expectations update` gives a new deviation entry; the
/// target profile's checks report it as a reason still to be written.
pub const PLACEHOLDER_REASON: &str = "TODO: say why this deviation is expected";

/// An expected deviation: a case (glob) the vendor expects to fail, and why,
/// until an optional expiry date (`YYYY-MM-DD`, UTC) after which it no longer excuses.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Deviation {
    pub case: String,
    #[serde(default)]
    pub encoding: Option<String>,
    pub reason: String,
    #[serde(default)]
    pub expires: Option<String>,
}

impl Deviation {
    /// Whether the entry covers a case run (its id glob, and its encoding if it names one).
    pub fn matches(&self, case_id: &str, encoding: crate::wire::Encoding) -> bool {
        glob::Pattern::new(&self.case).is_ok_and(|p| p.matches(case_id))
            && self
                .encoding
                .as_deref()
                .is_none_or(|e| e == encoding.name())
    }

    /// Whether the entry has expired on `today` (`YYYY-MM-DD`): it excuses up to
    /// and including its expiry date.
    pub fn expired_on(&self, today: &str) -> bool {
        self.expires.as_deref().is_some_and(|e| e < today)
    }
}

impl TargetProfile {
    /// The first unexpired deviation entry covering a case run today, by index.
    pub fn deviation_for(&self, case_id: &str, encoding: crate::wire::Encoding) -> Option<usize> {
        self.deviation_on(case_id, encoding, &crate::date::today())
    }

    /// The first deviation entry covering a case run that has not expired on `today`.
    pub fn deviation_on(
        &self,
        case_id: &str,
        encoding: crate::wire::Encoding,
        today: &str,
    ) -> Option<usize> {
        self.deviation
            .iter()
            .position(|d| d.matches(case_id, encoding) && !d.expired_on(today))
    }

    /// What is wrong with the deviation entries on `today`: expired entries,
    /// malformed dates, reasons still to be written. One sentence each.
    pub fn deviation_problems(&self, today: &str) -> Vec<String> {
        let mut out = Vec::new();
        for d in &self.deviation {
            let name = match &d.encoding {
                Some(e) => format!("deviation {:?} ({e})", d.case),
                None => format!("deviation {:?}", d.case),
            };
            match d.expires.as_deref() {
                Some(e) if !crate::date::is_date(e) => {
                    out.push(format!("{name}: expires {e:?} is not a date YYYY-MM-DD"))
                }
                Some(e) if d.expired_on(today) => out.push(format!(
                    "{name}: expired on {e}; it no longer excuses the case"
                )),
                _ => {}
            }
            if d.reason.trim().is_empty() || d.reason == PLACEHOLDER_REASON {
                out.push(format!("{name}: the reason is missing"));
            }
        }
        out
    }

    /// The profile of the built-in reference DM server.
    pub fn reference_server() -> TargetProfile {
        TargetProfile::parse(REFERENCE_SERVER)
            .expect("the embedded reference server profile parses")
    }

    /// The profile of an `http(s)://` target given without one, with its text: the
    /// built-in `http-server` profile, `url` as SyncHdr Target.
    pub fn for_url(url: &str) -> (TargetProfile, String) {
        let text = format!("{HTTP_SERVER}server_uri = {}\n", toml_string(url));
        let profile = TargetProfile::parse(&text).expect("the embedded http-server profile parses");
        (profile, text)
    }

    /// Whether the profile text sets `server_uri` itself.
    pub fn sets_server_uri(text: &str) -> bool {
        text.parse::<toml::Table>()
            .is_ok_and(|t| t.contains_key("server_uri"))
    }

    /// The profile of the built-in reference implementation.
    pub fn reference() -> TargetProfile {
        TargetProfile::parse(REFERENCE).expect("the embedded reference profile parses")
    }

    /// Reads a profile from TOML text.
    pub fn parse(text: &str) -> Result<TargetProfile, String> {
        let p: TargetProfile = toml::from_str(text).map_err(|e| e.to_string())?;
        p.validate()?;
        Ok(p)
    }

    /// Reads a profile file, naming the file in any error; relative paths in it are
    /// taken from the file's folder.
    pub fn load(path: &Path) -> Result<TargetProfile, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read target profile {}: {e}", path.display()))?;
        TargetProfile::parse_file(&text, path)
    }

    /// Reads the text of the profile file at `path`: relative paths are taken from its
    /// folder, and errors name it.
    pub fn parse_file(text: &str, path: &Path) -> Result<TargetProfile, String> {
        let mut p = TargetProfile::parse(text).map_err(|e| format!("{}: {e}", path.display()))?;
        let dir = path.parent().unwrap_or(Path::new(""));
        for file in [&mut p.tls.client_cert, &mut p.tls.client_key]
            .into_iter()
            .flatten()
        {
            if file.is_relative() {
                *file = dir.join(&*file);
            }
        }
        Ok(p)
    }

    fn validate(&self) -> Result<(), String> {
        for e in &self.encodings {
            if crate::wire::Encoding::from_name(e).is_none() {
                return Err(format!("unknown encoding {e:?} (xml or wbxml)"));
            }
        }
        for p in &self.profiles {
            if !crate::spec::PROFILES.contains(&p.as_str()) {
                return Err(format!("unknown profile {p:?}"));
            }
        }
        if let Some(sc) = &self.server_credentials {
            sc.nonce_bytes()?;
        }
        if self.tls.client_cert.is_some() != self.tls.client_key.is_some() {
            return Err("[tls] needs both client_cert and client_key".into());
        }
        for d in &self.deviation {
            if let Some(e) = &d.expires
                && !crate::date::is_date(e)
            {
                return Err(format!(
                    "deviation {:?}: expires {e:?} is not a date YYYY-MM-DD",
                    d.case
                ));
            }
        }
        if let Some(c) = &self.credentials
            && let Some(Err(e)) = c.client_nonce_bytes()
        {
            return Err(format!("credentials.client_nonce is not valid Base64: {e}"));
        }
        Ok(())
    }

    /// Whether the profile claims a capability.
    pub fn has(&self, capability: Capability) -> bool {
        self.capabilities.contains(&capability)
    }

    /// The application-layer scheme the client authenticates with.
    pub fn auth_scheme(&self) -> AuthScheme {
        self.credentials
            .as_ref()
            .map_or(AuthScheme::None, |c| c.scheme)
    }

    /// Whether the profile claims an encoding.
    pub fn speaks(&self, encoding: crate::wire::Encoding) -> bool {
        self.encodings.iter().any(|e| e == encoding.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_profile_parses() {
        let p = TargetProfile::reference();
        assert!(p.profiles.iter().any(|x| x == "windows"));
        assert!(p.speaks(crate::wire::Encoding::Wbxml));
    }

    #[test]
    fn an_expired_deviation_no_longer_excuses() {
        let mut p = TargetProfile::reference();
        p.deviation[0].expires = Some("2026-01-31".into());
        let case = p.deviation[0].case.clone();
        let xml = crate::wire::Encoding::Xml;
        assert_eq!(p.deviation_on(&case, xml, "2026-01-31"), Some(0));
        assert_eq!(p.deviation_on(&case, xml, "2026-02-01"), None);
        let problems = p.deviation_problems("2026-02-01");
        assert!(
            problems[0].contains("expired on 2026-01-31"),
            "{problems:?}"
        );
    }

    #[test]
    fn placeholder_reasons_and_bad_dates_are_reported() {
        let text = format!(
            "{REFERENCE}\n[[deviation]]\ncase = \"x.*\"\nreason = \"{PLACEHOLDER_REASON}\"\n"
        );
        let p = TargetProfile::parse(&text).unwrap();
        assert!(p.deviation_problems("2026-01-01")[0].contains("reason is missing"));
        let bad = text.replace("case = \"x.*\"", "case = \"x.*\"\nexpires = \"soon\"");
        assert!(TargetProfile::parse(&bad).unwrap_err().contains("\"soon\""));
    }

    #[test]
    fn a_client_nonce_that_is_not_base64_is_refused() {
        let text = REFERENCE.replace(
            "[credentials]\n",
            "[credentials]\nclient_nonce = \"not base64!\"\n",
        );
        let err = TargetProfile::parse(&text).unwrap_err();
        assert!(
            err.contains("credentials.client_nonce") && err.contains("not valid Base64"),
            "{err}"
        );
        let good = text.replace("not base64!", "Tm9uY2U=");
        let p = TargetProfile::parse(&good).unwrap();
        let creds = p.credentials.unwrap();
        assert_eq!(creds.client_nonce_bytes().unwrap().unwrap(), b"Nonce");
    }

    #[test]
    fn unknown_capability_is_named() {
        let text = REFERENCE.replace("\"lob-receive\"", "\"teleport\"");
        assert!(
            TargetProfile::parse(&text)
                .unwrap_err()
                .contains("teleport")
        );
    }
}
