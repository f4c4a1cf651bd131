//! The environment an `exec:` wrapper starts with (what the target profile
//! sets the client up with), and the secrets in it that must not reach a
//! transcript.

use dmconform_exec_wire::{VERSION, env};

/// The password of the environment and its Basic form (`B64(user:password)`),
/// longest first so a longer secret is blotted out before a part of it.
pub(super) fn secrets_of(vars: &[(String, String)]) -> Vec<String> {
    use base64::Engine;
    let get = |name: &str| {
        vars.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let password = get(env::PASSWORD);
    if password.is_empty() {
        return Vec::new();
    }
    let user = get(env::USER);
    let mut secrets = vec![
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")),
        password.to_string(),
    ];
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets
}

/// The environment a wrapper gets: what the target profile sets the client up with.
pub fn environment(config: &refdm::ClientConfig) -> Vec<(String, String)> {
    use base64::Engine;
    let auth = match config.auth_scheme {
        refdm::AuthScheme::None => "none",
        refdm::AuthScheme::Basic => "basic",
        refdm::AuthScheme::Md5 => "md5",
        refdm::AuthScheme::Hmac => "hmac",
    };
    [
        (env::PROTOCOL, VERSION.to_string()),
        (env::SERVER_URI, config.server_uri.clone()),
        (env::AUTH, auth.to_string()),
        (env::USER, config.user.clone()),
        (env::PASSWORD, config.password.clone()),
        (
            env::CLIENT_NONCE,
            base64::engine::general_purpose::STANDARD.encode(&config.client_nonce),
        ),
        (env::URI_MAX_DEPTH, config.uri_max_depth.to_string()),
        (env::URI_MAX_TOT_LEN, config.uri_max_tot_len.to_string()),
        (env::URI_MAX_SEG_LEN, config.uri_max_seg_len.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}
