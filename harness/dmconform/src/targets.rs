//! Target strings (`builtin:reference`, `builtin:reference?fault=NAME,NAME`,
//! `listen:ADDR?OPTIONS`)
//! and the targets they open.

use crate::builtin::Reference;
use crate::target::Target;
use refdm::{ClientConfig, Fault};

/// Opens a target by its name, or says what is wrong with the name.
pub fn open(spec: &str, config: ClientConfig) -> Result<Box<dyn Target>, String> {
    let (kind, query) = spec.split_once('?').unwrap_or((spec, ""));
    match kind {
        "builtin:reference" => {
            let faults = parse_faults(query)?;
            Ok(Box::new(Reference::new(config, faults)))
        }
        k if k.starts_with("listen:") => {
            let opts = crate::listen::ListenOptions::parse(spec)?;
            Ok(Box::new(crate::listen::Listen::start(opts)?))
        }
        k if k.starts_with("http://") || k.starts_with("https://") || k.starts_with("exec:") => {
            Err(format!(
                "target {spec:?}: the {} transport is not part of this build; use builtin:reference, or plug an implementation of dmconform::Target into the library",
                k.split(':').next().unwrap_or(k)
            ))
        }
        _ => Err(format!(
            "unknown target {spec:?}: expected builtin:reference, builtin:reference?fault=NAME[,NAME…] (see `dmconform run --list-faults`) or listen:HOST:PORT[?OPTIONS] (see `dmconform serve --help`)"
        )),
    }
}

/// `fault=a,b` or `fault=a&fault=b`.
fn parse_faults(query: &str) -> Result<Vec<Fault>, String> {
    let mut out = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key != "fault" {
            return Err(format!(
                "unknown target option {key:?}: only fault=NAME is known"
            ));
        }
        for name in value.split(',').filter(|n| !n.is_empty()) {
            let f = name.parse::<Fault>().map_err(|_| {
                format!("unknown fault {name:?} (see `dmconform run --list-faults`)")
            })?;
            out.push(f);
        }
    }
    Ok(out)
}
