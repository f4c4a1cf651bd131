//! The options of a `listen:` target: `listen:HOST:PORT[?OPTIONS]`, and the
//! server bounds that follow from its exchange timeout.

use crate::client::http::{ServerConfig, TlsOptions, TlsSetup};
use std::path::PathBuf;
use std::time::Duration;

/// How a listening target is set up.
#[derive(Clone, Debug)]
pub struct ListenOptions {
    pub server: ServerConfig,
    /// How long to wait for the client's next message inside a session.
    pub exchange_timeout: Duration,
    /// How long to wait for the client to open a session.
    pub idle_timeout: Duration,
    /// How long a message of only Statuses and Final waits for an answer before
    /// the session counts as ended.
    pub end_grace: Duration,
}

impl ListenOptions {
    /// Plain HTTP on `addr` with the default timeouts.
    pub fn new(addr: &str) -> ListenOptions {
        ListenOptions {
            server: ServerConfig::new(addr),
            exchange_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(300),
            end_grace: Duration::from_millis(1000),
        }
    }

    /// Reads `listen:ADDR[?OPTIONS]`.
    pub fn parse(spec: &str) -> Result<ListenOptions, String> {
        let rest = spec
            .strip_prefix("listen:")
            .ok_or_else(|| format!("{spec:?} is not a listen: target"))?;
        let (addr, query) = rest.split_once('?').unwrap_or((rest, ""));
        if addr.is_empty() {
            return Err("listen: needs an address, e.g. listen:127.0.0.1:8443".into());
        }
        let mut o = ListenOptions::new(addr);
        let (mut tls, mut cert, mut key, mut cert_out, mut client_ca) =
            (None, None, None, None, None);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let secs = || {
                let d = Duration::from_secs(number(k, v)?);
                crate::timeouts::bounded(&format!("listen option {k}"), d)
            };
            match k {
                "tls" => tls = Some(v.to_string()),
                "cert" => cert = Some(PathBuf::from(v)),
                "key" => key = Some(PathBuf::from(v)),
                "cert-out" => cert_out = Some(PathBuf::from(v)),
                "client-ca" => client_ca = Some(PathBuf::from(v)),
                "timeout" => o.set_exchange_timeout(secs()?),
                "idle" => o.idle_timeout = secs()?,
                "end-grace-ms" => {
                    let d = Duration::from_millis(number(k, v)?);
                    o.end_grace = crate::timeouts::bounded("listen option end-grace-ms", d)?;
                }
                "max-body" => o.server.limits.max_body = number(k, v)? as usize,
                "max-connections" => o.server.max_connections = number(k, v)?.max(1) as usize,
                _ => {
                    return Err(format!(
                        "unknown listen option {k:?} (known: tls, cert, key, cert-out, client-ca, timeout, idle, end-grace-ms, max-body, max-connections)"
                    ));
                }
            }
        }
        let setup = match (tls.as_deref(), cert, key) {
            (None | Some("none"), None, None) => None,
            (Some("self-signed"), None, None) => Some(TlsSetup::SelfSigned {
                write_cert_to: cert_out.take(),
            }),
            (None | Some("pem"), Some(cert), Some(key)) => Some(TlsSetup::Files { cert, key }),
            (_, Some(_), None) | (_, None, Some(_)) => {
                return Err("cert= and key= go together".into());
            }
            (Some(t), _, _) => {
                return Err(format!(
                    "tls={t:?}: expected tls=self-signed, or cert=PEM&key=PEM"
                ));
            }
        };
        if cert_out.is_some() {
            return Err("cert-out= goes with tls=self-signed".into());
        }
        if client_ca.is_some() && setup.is_none() {
            return Err("client-ca= needs TLS (tls=self-signed or cert=&key=)".into());
        }
        o.server.tls = setup.map(|setup| TlsOptions { setup, client_ca });
        Ok(o)
    }

    /// Sets the exchange timeout, and the server's bounds that follow from it: a
    /// request may take as long to begin and to arrive, and a connection waits
    /// longer than that for the harness's answer.
    pub fn set_exchange_timeout(&mut self, timeout: Duration) {
        let defaults = ServerConfig::new("").limits;
        self.exchange_timeout = timeout;
        self.server.limits.first_byte = defaults.first_byte.max(timeout);
        self.server.limits.whole_request = defaults.whole_request.max(timeout);
        self.server.answer_timeout = timeout.saturating_mul(4);
    }
}

fn number(key: &str, value: &str) -> Result<u64, String> {
    value
        .parse()
        .map_err(|_| format!("listen option {key}={value:?}: expected a whole number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_and_bad_ones_are_refused() {
        let o =
            ListenOptions::parse("listen:127.0.0.1:0?tls=self-signed&timeout=5&idle=9").unwrap();
        assert!(o.server.tls.is_some());
        assert_eq!(o.exchange_timeout, Duration::from_secs(5));
        assert_eq!(o.idle_timeout, Duration::from_secs(9));
        for bad in [
            "listen:",
            "listen:x?tls=maybe",
            "listen:x?cert=a",
            "listen:x?client-ca=a",
            "listen:x?timeout=soon",
            "listen:x?colour=red",
        ] {
            assert!(ListenOptions::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timeouts_over_a_day_are_refused_by_name() {
        for (spec, name) in [
            ("listen:x?timeout=86401", "timeout"),
            ("listen:x?idle=18446744073709551615", "idle"),
            ("listen:x?end-grace-ms=18446744073709551615", "end-grace-ms"),
        ] {
            let e = ListenOptions::parse(spec).unwrap_err();
            assert!(e.contains(name), "{e}");
        }
    }

    #[test]
    fn a_long_exchange_timeout_also_lengthens_the_wait_for_a_request() {
        let o = ListenOptions::parse("listen:x?timeout=600").unwrap();
        assert_eq!(o.server.limits.first_byte, Duration::from_secs(600));
        assert_eq!(o.server.limits.whole_request, Duration::from_secs(600));
        let short = ListenOptions::parse("listen:x?timeout=5").unwrap();
        assert_eq!(short.server.limits.first_byte, Duration::from_secs(30));
    }
}
