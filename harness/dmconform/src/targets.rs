//! Target strings (`builtin:reference`, `builtin:reference?fault=NAME,NAME`,
//! Target strings (`builtin:reference`, `builtin:reference?fault=NAME,NAME`,
//! `exec:COMMAND`, `exec?OPTIONS:COMMAND`, `listen:ADDR?OPTIONS`) and the targets
//! they open; `builtin:reference-server[?fault=NAME]` and `http(s)://…` open a DM server.

use crate::builtin::Reference;
use crate::server_target::{ReferenceServer, ServerTarget};
use crate::target::Target;
use refdm::{ClientConfig, Fault, ServerConfig, ServerFault};

/// Opens a target by its name, or says what is wrong with the name.
pub fn open(spec: &str, config: ClientConfig) -> Result<Box<dyn Target>, String> {
    if let Some(rest) = spec.strip_prefix("exec")
        && (rest.starts_with(':') || rest.starts_with('?'))
    {
        let (options, argv) =
            crate::exec::parse(rest).map_err(|e| format!("target {spec:?}: {e}"))?;
        let env = crate::exec::environment(&config);
        return Ok(Box::new(crate::exec::ExecTarget::new(argv, env, options)));
    }
    let (kind, query) = spec.split_once('?').unwrap_or((spec, ""));
    match kind {
        "builtin:reference" => {
            let faults = parse_faults::<Fault>(query)?;
            Ok(Box::new(Reference::new(config, faults)))
        }
        k if k.starts_with("listen:") => {
            let opts = crate::listen::ListenOptions::parse(spec)?;
            Ok(Box::new(crate::listen::Listen::start(opts)?))
        }
        k if k.starts_with("http://") || k.starts_with("https://") => Err(format!(
            "target {spec:?} is a DM server: `dmconform run`, `certify` and `replay` run the server cases against it; this command drives DM clients only ({k:?})"
        )),
        _ => Err(format!(
            "unknown target {spec:?}: expected builtin:reference, builtin:reference?fault=NAME[,NAME…] (see `dmconform run --list-faults`), exec:COMMAND or listen:HOST:PORT[?OPTIONS] (see `dmconform serve --help`)"
        )),
    }
}

/// Whether a target string names a DM server (the harness plays the client).
pub fn is_server(spec: &str) -> bool {
    let kind = spec.split_once('?').map_or(spec, |(k, _)| k);
    kind == "builtin:reference-server"
        || kind.starts_with("http://")
        || kind.starts_with("https://")
}

/// Opens a DM server target by its name, or says what is wrong with the name.
pub fn open_server(
    spec: &str,
    profile: &crate::TargetProfile,
    http: &crate::http_server_target::HttpOptions,
) -> Result<Box<dyn ServerTarget>, String> {
    if spec.starts_with("http://") || spec.starts_with("https://") {
        return Ok(Box::new(crate::http_server_target::HttpServer::new(
            spec, http,
        )?));
    }
    let (kind, query) = spec.split_once('?').unwrap_or((spec, ""));
    match kind {
        "builtin:reference-server" => {
            let faults = parse_faults::<ServerFault>(query)?;
            Ok(Box::new(ReferenceServer::new(
                reference_server_config(profile),
                faults,
            )))
        }
        _ => Err(format!(
            "unknown server target {spec:?}: expected builtin:reference-server[?fault=NAME,…], http://… or https://…"
        )),
    }
}

/// The reference server set up with the account of the target profile.
pub fn reference_server_config(profile: &crate::TargetProfile) -> ServerConfig {
    let mut config = ServerConfig::default();
    if let Some(c) = &profile.credentials {
        if let Some(a) = config.account.as_mut() {
            a.user = c.user.clone();
            a.password = c.password.clone();
        }
        if let Some(n) = c.client_nonce.as_deref().and_then(|n| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.decode(n).ok()
        }) {
            config.nonce = n;
        }
    }
    config
}

/// `fault=a,b` or `fault=a&fault=b`.
fn parse_faults<F: std::str::FromStr>(query: &str) -> Result<Vec<F>, String> {
    let mut out = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key != "fault" {
            return Err(format!(
                "unknown target option {key:?}: only fault=NAME is known"
            ));
        }
        for name in value.split(',').filter(|n| !n.is_empty()) {
            let f = name.parse::<F>().map_err(|_| {
                format!("unknown fault {name:?} (see `dmconform run --list-faults`)")
            })?;
            out.push(f);
        }
    }
    Ok(out)
}
