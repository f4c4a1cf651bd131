//! The deadlines of one connection: the phase it is in (waiting for a
//! request, reading one, waiting for the harness's answer), the instant that
//! phase must end by, a stream wrapper that notices the first byte of each
//! request, and a watchdog that fires at the deadline whatever the peer
//! sends, so a client trickling a byte at a time (in clear or inside TLS
//! records) is cut when its time is up.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// No byte of a request yet, since `since`; `used` once a request was answered.
    Idle { since: Instant, used: bool },
    /// A request's first byte arrived at `since`; it must be read whole in time.
    Reading { since: Instant },
    /// The request is read; the harness is working out its answer.
    Answering,
}

/// Which deadline passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expiry {
    /// No request arrived on a connection that never carried one.
    NoRequest,
    /// A kept-alive connection was not used again.
    KeptAliveUnused,
    /// A request began but did not arrive whole in time.
    Request,
}

/// The phase of one connection and its deadlines.
pub(crate) struct Clock {
    phase: Mutex<Phase>,
    changed: Notify,
    first_byte: Duration,
    whole_request: Duration,
    /// When the first byte of the latest request arrived (kept while it is answered).
    began: Mutex<Option<Instant>>,
}

impl Clock {
    pub(crate) fn new(first_byte: Duration, whole_request: Duration) -> Arc<Clock> {
        Arc::new(Clock {
            phase: Mutex::new(Phase::Idle {
                since: Instant::now(),
                used: false,
            }),
            changed: Notify::new(),
            first_byte,
            whole_request,
            began: Mutex::new(None),
        })
    }

    fn set(&self, next: impl FnOnce(Phase) -> Phase) {
        let mut phase = self.phase.lock().unwrap_or_else(|p| p.into_inner());
        let new = next(*phase);
        if new != *phase {
            *phase = new;
            drop(phase);
            self.changed.notify_one();
        }
    }

    /// Bytes arrived: a request has begun, unless one is being answered.
    pub(crate) fn bytes_arrived(&self) {
        self.set(|p| match p {
            Phase::Idle { .. } => {
                let now = Instant::now();
                *self.began.lock().unwrap_or_else(|p| p.into_inner()) = Some(now);
                Phase::Reading { since: now }
            }
            other => other,
        });
    }

    /// When the first byte of the connection's latest request arrived; `None`
    /// while no request has begun on it.
    pub(crate) fn began(&self) -> Option<std::time::Instant> {
        self.began
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map(Instant::into_std)
    }

    /// The whole request is read; the answer is the harness's to give.
    pub(crate) fn request_read(&self) {
        self.set(|_| Phase::Answering);
    }

    /// The answer is handed to the connection; the next request may come.
    pub(crate) fn answered(&self) {
        self.set(|_| Phase::Idle {
            since: Instant::now(),
            used: true,
        });
    }

    /// Whether a request has begun and is not yet read whole.
    pub(crate) fn mid_request(&self) -> bool {
        matches!(
            *self.phase.lock().unwrap_or_else(|p| p.into_inner()),
            Phase::Reading { .. }
        )
    }

    /// How long the request phase may last, for messages.
    pub(crate) fn limits(&self) -> (Duration, Duration) {
        (self.first_byte, self.whole_request)
    }

    /// Resolves when the deadline of the phase the connection is in passes.
    pub(crate) async fn expired(&self) -> Expiry {
        loop {
            let phase = *self.phase.lock().unwrap_or_else(|p| p.into_inner());
            let (deadline, expiry) = match phase {
                Phase::Idle { since, used } => (
                    Some(after(since, self.first_byte)),
                    if used {
                        Expiry::KeptAliveUnused
                    } else {
                        Expiry::NoRequest
                    },
                ),
                Phase::Reading { since } => {
                    (Some(after(since, self.whole_request)), Expiry::Request)
                }
                Phase::Answering => (None, Expiry::Request),
            };
            match deadline {
                Some(d) if d <= Instant::now() => return expiry,
                Some(d) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(d) => {}
                        _ = self.changed.notified() => {}
                    }
                }
                None => self.changed.notified().await,
            }
        }
    }
}

fn after(since: Instant, wait: Duration) -> Instant {
    since
        .checked_add(wait)
        .unwrap_or_else(|| since + crate::timeouts::MAX_TIMEOUT)
}

/// A stream that tells its [`Clock`] when bytes arrive.
pub(crate) struct Watched<S> {
    inner: S,
    clock: Arc<Clock>,
}

impl<S> Watched<S> {
    pub(crate) fn new(inner: S, clock: Arc<Clock>) -> Watched<S> {
        Watched { inner, clock }
    }

    pub(crate) fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.clock.bytes_arrived();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
    }

    #[test]
    fn each_phase_has_its_own_deadline() {
        runtime().block_on(async {
            let clock = Clock::new(Duration::from_secs(30), Duration::from_secs(60));
            let start = tokio::time::Instant::now();
            assert_eq!(clock.expired().await, Expiry::NoRequest);
            assert_eq!(start.elapsed(), Duration::from_secs(30));

            let clock = Clock::new(Duration::from_secs(30), Duration::from_secs(60));
            clock.bytes_arrived();
            let start = tokio::time::Instant::now();
            assert_eq!(clock.expired().await, Expiry::Request);
            assert_eq!(start.elapsed(), Duration::from_secs(60));

            clock.answered();
            assert_eq!(clock.expired().await, Expiry::KeptAliveUnused);
        });
    }

    #[test]
    fn bytes_while_answering_do_not_restart_the_request_clock() {
        runtime().block_on(async {
            let clock = Clock::new(Duration::from_secs(1), Duration::from_secs(1));
            clock.bytes_arrived();
            clock.request_read();
            clock.bytes_arrived();
            assert!(!clock.mid_request());
            let waited = tokio::time::timeout(Duration::from_secs(3600), clock.expired()).await;
            assert!(waited.is_err(), "no deadline while the harness answers");
        });
    }
}
