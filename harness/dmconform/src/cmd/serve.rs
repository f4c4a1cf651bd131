//! `dmconform serve`: the harness as the DM server a real client or device
//! posts to. It listens (HTTP, or HTTPS with a self-signed or given
//! certificate, optionally requiring client certificates), waits for the
//! client's first session to learn its encoding, runs the selected cases in
//! that encoding (runs in the other one are `unsupported`), answers the next
//! session with no commands so the client stops, and reports as `run` does,
//! with its exit codes. The harness's URI (SyncHdr Source, and the base of the
//! RespURI it hands out) is the URL the client first posted to.

use super::run::{Prepared, SelectArgs};
use crate::client::http::{TlsOptions, TlsSetup};
use crate::client::listen::{Listen, ListenOptions};
use crate::client::served::run_served;
use crate::target_spec::{TargetKind, TargetSpec};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Options of `dmconform serve`.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  dmconform serve --listen 127.0.0.1:8080
  dmconform serve --listen 0.0.0.0:8443 --tls-self-signed --cert-out server.pem
  dmconform serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem --client-ca ca.pem

Point the client at the printed URL (any path: the request path is recorded).
Cases run in the encoding of the client's first session; runs in the other
encoding are reported unsupported. Each case is one session: a device that
polls must come back for each (its poll interval under --idle-timeout, or a
restart loop). The first device to post is tested; other devices' sessions
are answered with no commands. Server credentials for a client that checks
them go in the target profile's [server_credentials]. When every case has run, the client's next
session is answered with a message holding no commands (Status for the SyncHdr
and Final). Exit status as for `run`: 0 when every verdict is as expected,
1 otherwise, 2 on a usage or harness error (no client within --idle-timeout).")]
pub struct ServeArgs {
    /// Address to listen on, HOST:PORT (port 0 picks a free one).
    #[arg(long, value_name = "ADDR")]
    pub listen: String,
    /// HTTPS with a certificate made at start for localhost, 127.0.0.1 and ::1.
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
    pub tls_self_signed: bool,
    /// Write the self-signed certificate (PEM) here, for the client to trust.
    #[arg(long, value_name = "FILE", requires = "tls_self_signed")]
    pub cert_out: Option<PathBuf>,
    /// HTTPS with this PEM certificate chain.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Require a client certificate issued by a CA of this PEM file; its subject is recorded.
    #[arg(long, value_name = "PEM")]
    pub client_ca: Option<PathBuf>,
    /// Seconds to wait for the client to open a session before giving up.
    #[arg(long, default_value_t = 300, value_name = "SECS")]
    pub idle_timeout: u64,
    /// Seconds to wait for the client's next message inside a session.
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    pub exchange_timeout: u64,
    /// Largest request body accepted (a larger one is answered 413 and recorded).
    #[arg(long, default_value_t = 16 * 1024 * 1024, value_name = "BYTES")]
    pub max_body: usize,
    #[command(flatten)]
    pub select: SelectArgs,
}

impl ServeArgs {
    /// The listening target's options.
    pub fn listen_options(&self) -> Result<ListenOptions, String> {
        let mut o = ListenOptions::new(&self.listen);
        use crate::timeouts::bounded;
        o.idle_timeout = bounded("--idle-timeout", Duration::from_secs(self.idle_timeout))?;
        o.set_exchange_timeout(bounded(
            "--exchange-timeout",
            Duration::from_secs(self.exchange_timeout),
        )?);
        o.server.limits.max_body = self.max_body;
        let setup = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(TlsSetup::Files {
                cert: cert.clone(),
                key: key.clone(),
            }),
            _ if self.tls_self_signed => Some(TlsSetup::SelfSigned {
                write_cert_to: self.cert_out.clone(),
            }),
            _ => None,
        };
        if self.client_ca.is_some() && setup.is_none() {
            return Err("--client-ca needs HTTPS (--tls-self-signed or --tls-cert)".into());
        }
        o.server.tls = setup.map(|setup| TlsOptions {
            setup,
            client_ca: self.client_ca.clone(),
        });
        Ok(o)
    }
}

/// Runs `dmconform serve`.
pub fn run(args: ServeArgs) -> ExitCode {
    match execute(&args) {
        Ok(success) => ExitCode::from(if success { 0 } else { 1 }),
        Err(e) => {
            eprintln!("dmconform serve: {e}");
            ExitCode::from(2)
        }
    }
}

fn execute(args: &ServeArgs) -> Result<bool, String> {
    let Prepared {
        suite,
        mut profile,
        opts,
    } = args.select.prepare(&TargetSpec {
        text: format!("listen:{}", args.listen),
        kind: TargetKind::Listen(Box::new(args.listen_options()?)),
    })?;
    let mut listen = Listen::start(args.listen_options()?)?;
    listen.on_note(|n| eprintln!("dmconform serve: {n}"));
    eprintln!("dmconform serve: point the DM client at {}", listen.url());
    if let Some(path) = &args.cert_out {
        eprintln!(
            "dmconform serve: self-signed certificate in {}",
            path.display()
        );
    }
    eprintln!(
        "dmconform serve: waiting for the client's first session (up to {} s)",
        args.idle_timeout
    );
    let report = run_served(&mut listen, &suite, &mut profile, opts, &mut |line| {
        eprintln!("dmconform serve: {line}")
    })?;
    args.select.write_report(&report, &suite)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        serve: ServeArgs,
    }

    fn options(args: &[&str]) -> Result<ListenOptions, String> {
        let mut argv = vec!["serve", "--listen", "127.0.0.1:0"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).unwrap().serve.listen_options()
    }

    #[test]
    fn timeouts_over_a_day_are_usage_errors_naming_the_option() {
        assert!(options(&["--exchange-timeout", "86400"]).is_ok());
        for option in ["--exchange-timeout", "--idle-timeout"] {
            let e = options(&[option, "18446744073709551615"]).unwrap_err();
            assert!(e.starts_with(option), "{e}");
        }
    }
}
