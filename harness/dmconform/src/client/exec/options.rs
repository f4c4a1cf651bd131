//! The `exec:` target string: `exec:COMMAND` or `exec?OPTIONS:COMMAND`, where
//! OPTIONS are `name=value` pairs joined by `&` (`first-byte=2s&timeout=10s`)
//! and COMMAND is split at white space into the program and its arguments.

use std::time::Duration;

/// How the harness waits for and bounds a wrapper's answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecOptions {
    /// Longest wait for the first byte of an answer (`first-byte=`).
    pub first_byte: Duration,
    /// Longest wait for a whole answer (`timeout=`).
    pub answer: Duration,
    /// Largest message body accepted, in bytes (`max-message=`).
    pub max_message: usize,
    /// Bytes of standard error kept per case (`stderr=`).
    pub stderr_bytes: usize,
}

impl Default for ExecOptions {
    fn default() -> Self {
        ExecOptions {
            first_byte: Duration::from_secs(10),
            answer: Duration::from_secs(30),
            max_message: 4 << 20,
            stderr_bytes: 16 << 10,
        }
    }
}

/// The options and the command (program and arguments) of what follows `exec`.
pub fn parse(rest: &str) -> Result<(ExecOptions, Vec<String>), String> {
    let (query, command) = match rest.strip_prefix('?') {
        Some(r) => r
            .split_once(':')
            .ok_or("exec?OPTIONS:COMMAND needs a `:` before the command")?,
        None => ("", rest.strip_prefix(':').ok_or("expected exec:COMMAND")?),
    };
    let mut options = ExecOptions::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "first-byte" | "timeout" => {
                let d = crate::timeouts::bounded(&format!("exec option {key}"), duration(value)?)?;
                match key {
                    "first-byte" => options.first_byte = d,
                    _ => options.answer = d,
                }
            }
            "max-message" => options.max_message = size(value)?,
            "stderr" => options.stderr_bytes = size(value)?,
            _ => {
                return Err(format!(
                    "unknown exec option {key:?} (first-byte, timeout, max-message, stderr)"
                ));
            }
        }
    }
    let argv: Vec<String> = command.split_whitespace().map(str::to_string).collect();
    if argv.is_empty() {
        return Err("exec: the command is empty".into());
    }
    Ok((options, argv))
}

/// `250ms`, `2s` or `2` (seconds).
fn duration(value: &str) -> Result<Duration, String> {
    let bad = || format!("{value:?} is not a duration (250ms, 2s)");
    if let Some(ms) = value.strip_suffix("ms") {
        return ms.parse().map(Duration::from_millis).map_err(|_| bad());
    }
    let secs = value.strip_suffix('s').unwrap_or(value);
    secs.parse().map(Duration::from_secs).map_err(|_| bad())
}

/// Bytes, with an optional `K` or `M` (binary) suffix.
fn size(value: &str) -> Result<usize, String> {
    let (digits, unit) = match value.strip_suffix(['K', 'k']) {
        Some(d) => (d, 1 << 10),
        None => match value.strip_suffix(['M', 'm']) {
            Some(d) => (d, 1 << 20),
            None => (value, 1),
        },
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .ok_or_else(|| format!("{value:?} is not a size in bytes (65536, 64K, 4M)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_come_before_the_command() {
        let (o, argv) =
            parse("?first-byte=250ms&timeout=2s&max-message=1M:./w --fault a?b").unwrap();
        assert_eq!(o.first_byte, Duration::from_millis(250));
        assert_eq!(o.answer, Duration::from_secs(2));
        assert_eq!(o.max_message, 1 << 20);
        assert_eq!(argv, ["./w", "--fault", "a?b"]);
        assert_eq!(parse(":python3 x.py").unwrap().0, ExecOptions::default());
    }

    #[test]
    fn bad_strings_are_refused() {
        assert!(parse(":").is_err());
        assert!(parse("?timeout=soon:x").is_err());
        assert!(parse("?colour=red:x").is_err());
        assert!(parse("?timeout=2s").is_err());
        assert!(parse("?max-message=99999999999999999999M:x").is_err());
    }

    #[test]
    fn timeouts_over_a_day_are_refused_by_name() {
        assert!(parse("?timeout=86400s:x").is_ok());
        for (q, name) in [
            ("?first-byte=86401s:x", "first-byte"),
            ("?timeout=18446744073709551615:x", "timeout"),
        ] {
            let e = parse(q).unwrap_err();
            assert!(e.contains(name), "{e}");
        }
    }
}
