//! The environment an `exec:` wrapper starts with (what the target profile
//! sets the client up with), and the secrets in it that must not reach a
//! transcript (blotted out by [`crate::redact`]).

use crate::profile::TargetProfile;
use crate::redact::Secrets;
use dmconform_exec_wire::{VERSION, env};

/// The secrets of an environment: its password, in the forms
/// [`Secrets::of_password`] lists.
pub(super) fn secrets_of(vars: &[(String, String)]) -> Secrets {
    let get = |name: &str| {
        vars.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    Secrets::of_password(get(env::USER), get(env::PASSWORD))
}

/// The environment a wrapper gets: what the target profile sets the client up
/// with, as the profile gives it (the client nonce as Base64 text, the URI
/// limits unclamped). A profile without credentials gives scheme `none` and
/// empty user, password and nonce.
pub fn environment(profile: &TargetProfile) -> Vec<(String, String)> {
    let (scheme, user, password, nonce) = match &profile.credentials {
        Some(c) => (
            c.scheme.name(),
            c.user.as_str(),
            c.password.as_str(),
            c.client_nonce.as_deref().unwrap_or_default(),
        ),
        None => ("none", "", "", ""),
    };
    [
        (env::PROTOCOL, VERSION),
        (env::SERVER_URI, profile.server_uri.as_str()),
        (env::AUTH, scheme),
        (env::USER, user),
        (env::PASSWORD, password),
        (env::CLIENT_NONCE, nonce),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .chain(
        [
            (env::URI_MAX_DEPTH, profile.limits.max_depth),
            (env::URI_MAX_TOT_LEN, profile.limits.max_tot_len),
            (env::URI_MAX_SEG_LEN, profile.limits.max_seg_len),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string())),
    )
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(vars: &'a [(String, String)], name: &str) -> &'a str {
        vars.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{name} is set"))
    }

    #[test]
    fn the_environment_is_the_profile_as_it_stands() {
        let mut profile = TargetProfile::reference();
        profile.limits.max_tot_len = 70_000;
        let creds = profile.credentials.as_mut().expect("credentials");
        creds.scheme = crate::profile::AuthScheme::Md5;
        creds.client_nonce = Some("Tm9uY2U=".into());
        let vars = environment(&profile);
        assert_eq!(get(&vars, env::PROTOCOL), VERSION);
        assert_eq!(get(&vars, env::SERVER_URI), profile.server_uri);
        assert_eq!(get(&vars, env::AUTH), "md5");
        assert_eq!(get(&vars, env::USER), "dmconform");
        assert_eq!(get(&vars, env::PASSWORD), "reference");
        assert_eq!(get(&vars, env::CLIENT_NONCE), "Tm9uY2U=");
        assert_eq!(get(&vars, env::URI_MAX_TOT_LEN), "70000");
        assert_eq!(get(&vars, env::URI_MAX_DEPTH), "16");
    }

    #[test]
    fn a_profile_without_credentials_gives_none() {
        let mut profile = TargetProfile::reference();
        profile.credentials = None;
        let vars = environment(&profile);
        assert_eq!(get(&vars, env::AUTH), "none");
        assert_eq!(get(&vars, env::PASSWORD), "");
        assert_eq!(get(&vars, env::CLIENT_NONCE), "");
    }
}
