//! The run of a fleet load on a tokio runtime: devices' sessions started at a fixed
//! rate ([`super::schedule::RateSchedule`]) or by a fixed number of workers, each a
//! task, their outcomes sent to one collector that keeps the [`Tally`], samples the
//! harness's resident memory and updates the progress display. When the duration is
//! over no session starts; those still running get a grace period (the exchange
//! bound) and are then cut. A target that refuses every connection from the start
//! stops the run early.

use super::backend::Backend;
use super::fleet::Fleet;
use super::schedule::{Order, RateSchedule, Shard};
use super::session::{self, SessionRun};
use super::tally::Tally;
use crate::wire::Encoding;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

/// How sessions are started.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pace {
    /// Sessions a second over the whole fleet (every shard together).
    Rate(f64),
    /// Sessions in flight at once in this process, each worker starting the next as
    /// its last ends.
    Concurrency(usize),
}

/// The most sessions in flight at once at a fixed rate; a turn beyond is missed.
pub const MAX_IN_FLIGHT: usize = 10_000;

/// Refused sessions in a row, with no reply ever, that mean the target is gone (or
/// will never talk to this fleet: TLS refused).
const GONE_AFTER: u64 = 50;

/// The error kinds of a session the target refused outright.
const REFUSALS: [&str; 3] = ["connect", "tls", "reset"];

/// What a load runs with.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Devices of the whole fleet (every shard together).
    pub devices: u64,
    pub shard: Shard,
    pub pace: Pace,
    pub duration: Duration,
    pub encoding: Encoding,
    /// The bound on one exchange; also the grace period at the end.
    pub timeout: Duration,
    pub max_examples: usize,
    /// The profiles the target claims (findings cite their wording).
    pub profiles: Vec<String>,
    /// Length of a timeline interval.
    pub interval: Duration,
}

/// What the run saw, for the progress display.
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    pub elapsed: Duration,
    pub sessions: u64,
    pub messages: u64,
    pub errors: u64,
    pub non_conforming: u64,
    pub p99_ms: f64,
}

/// A run's tally, how long it took, and why it stopped early, if it did.
pub struct Outcome {
    pub tally: Tally,
    pub elapsed: Duration,
    pub stopped_early: Option<String>,
    pub peak_rss_kib: u64,
}

enum Event {
    Session(Box<SessionRun>),
    /// Turns not taken, and why.
    Missed(&'static str, u64),
}

/// How the starting of sessions ended.
struct Ending {
    /// Session tasks still running after the grace period, aborted (their outcome lost).
    aborted: u64,
    /// Session tasks that panicked (a defect of the harness).
    panicked: u64,
}

/// Runs `plan` against `backend` with `fleet`; `progress` is called about four times a second.
pub fn run(
    plan: &Plan,
    fleet: Arc<Fleet>,
    backend: Arc<Backend>,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Outcome, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    Ok(runtime.block_on(drive(plan, fleet, backend, progress)))
}

async fn drive(
    plan: &Plan,
    fleet: Arc<Fleet>,
    backend: Arc<Backend>,
    progress: &mut dyn FnMut(&Progress),
) -> Outcome {
    let start = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, mut rx) = mpsc::channel::<Event>(1024);
    let starter = {
        let (plan, stop) = (plan.clone(), stop.clone());
        tokio::spawn(async move { start_sessions(plan, fleet, backend, tx, stop, start).await })
    };
    let mut tally = Tally::new(plan.interval, plan.max_examples);
    let mut tick = tokio::time::interval(SAMPLE_EVERY);
    let mut stopped_early = None;
    let mut peak_rss_kib = 0;
    let mut refused_in_a_row = 0u64;
    let mut sampled = Instant::now();
    loop {
        // Memory and progress are sampled every quarter second: on the tick when the
        // collector is idle, and between events when a flood of them keeps it busy.
        if sampled.elapsed() >= SAMPLE_EVERY {
            sampled = Instant::now();
            sample(&mut tally, &mut peak_rss_kib, start, progress);
        }
        tokio::select! {
            event = rx.recv() => match event {
                Some(Event::Session(run)) => {
                    // Refused: no connection, TLS refused, or closed before any reply.
                    let refused = run.latencies.is_empty()
                        && run.failure.as_ref().is_some_and(|f| REFUSALS.contains(&f.kind.as_str()));
                    refused_in_a_row = if refused { refused_in_a_row + 1 } else { 0 };
                    tally.add(&run);
                    if refused_in_a_row >= GONE_AFTER && tally.messages == 0 && stopped_early.is_none() {
                        stopped_early = Some(format!(
                            "the target refused the first {GONE_AFTER} sessions and never answered: it is not there, or will not talk to this fleet"
                        ));
                        stop.store(true, Ordering::Release);
                    }
                }
                Some(Event::Missed(why, n)) => tally.miss(why, n),
                None => break,
            },
            _ = tick.tick() => {
                if sampled.elapsed() >= SAMPLE_EVERY {
                    sampled = Instant::now();
                    sample(&mut tally, &mut peak_rss_kib, start, progress);
                }
            }
        }
    }
    let ending = starter.await.unwrap_or(Ending {
        aborted: 0,
        panicked: 1,
    });
    tally.cut += ending.aborted;
    if ending.panicked > 0 {
        tally.harness_error(
            ending.panicked,
            "a session's task panicked: a defect of dmconform, please report it with this report",
        );
    }
    let rss = resident_kib();
    tally.note_memory(start.elapsed(), rss);
    Outcome {
        tally,
        elapsed: start.elapsed(),
        stopped_early,
        peak_rss_kib: peak_rss_kib.max(rss),
    }
}

/// How often memory is sampled and progress shown.
const SAMPLE_EVERY: Duration = Duration::from_millis(250);

/// Notes the resident memory in the tally and the peak, and shows progress.
fn sample(
    tally: &mut Tally,
    peak_rss_kib: &mut u64,
    start: Instant,
    progress: &mut dyn FnMut(&Progress),
) {
    let rss = resident_kib();
    *peak_rss_kib = (*peak_rss_kib).max(rss);
    tally.note_memory(start.elapsed(), rss);
    progress(&Progress {
        elapsed: start.elapsed(),
        sessions: tally.sessions,
        messages: tally.messages,
        errors: tally.error_count(),
        non_conforming: tally.non_conforming,
        p99_ms: tally.latency[0].ms_at(99.0),
    });
}

/// Starts the sessions of the run; when the duration is over, waits the grace period
/// for those running and cuts the rest.
async fn start_sessions(
    plan: Plan,
    fleet: Arc<Fleet>,
    backend: Arc<Backend>,
    tx: mpsc::Sender<Event>,
    stop: Arc<AtomicBool>,
    start: Instant,
) -> Ending {
    let end = tokio::time::Instant::from_std(start) + plan.duration;
    let mut tasks = JoinSet::new();
    let mut panicked = 0;
    match plan.pace {
        Pace::Rate(rate) => {
            let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
            let mut turns = RateSchedule::new(plan.devices, plan.shard, rate, plan.duration);
            while let Some((at, device)) = turns.next() {
                if stop.load(Ordering::Acquire) {
                    break;
                }
                tokio::time::sleep_until(tokio::time::Instant::from_std(start) + at).await;
                if tokio::time::Instant::now() >= end {
                    // The harness fell behind the rate: the turns left are not taken late.
                    let left = 1 + turns.by_ref().count() as u64;
                    let _ = tx.send(Event::Missed("behind schedule", left)).await;
                    break;
                }
                while let Some(joined) = tasks.try_join_next() {
                    panicked += u64::from(joined.is_err_and(|e| e.is_panic()));
                }
                let Ok(permit) = in_flight.clone().try_acquire_owned() else {
                    let _ = tx.send(Event::Missed("too many in flight", 1)).await;
                    continue;
                };
                let (fleet, backend, tx, plan) =
                    (fleet.clone(), backend.clone(), tx.clone(), plan.clone());
                tasks.spawn(async move {
                    if !one_session(&plan, &fleet, &backend, &tx, device, start).await {
                        let _ = tx.send(Event::Missed("device busy", 1)).await;
                    }
                    drop(permit);
                });
            }
        }
        Pace::Concurrency(workers) => {
            let numbers = fleet.numbers();
            let order = Order::new(numbers.end - numbers.start);
            let turn = Arc::new(AtomicU64::new(0));
            let workers = workers.clamp(1, (numbers.end - numbers.start).max(1) as usize);
            for _ in 0..workers {
                let (fleet, backend, tx, plan) =
                    (fleet.clone(), backend.clone(), tx.clone(), plan.clone());
                let (turn, stop) = (turn.clone(), stop.clone());
                let first = numbers.start;
                tasks.spawn(async move {
                    while tokio::time::Instant::now() < end && !stop.load(Ordering::Acquire) {
                        // A device still in session with another worker is passed over.
                        let device = first + order.at(turn.fetch_add(1, Ordering::Relaxed));
                        if !one_session(&plan, &fleet, &backend, &tx, device, start).await {
                            tokio::task::yield_now().await;
                        }
                    }
                });
            }
        }
    }
    drop(tx);
    // Sessions stop themselves at the end of the grace period; a little more is given
    // for their outcomes to reach the collector before what is left is aborted.
    let grace = end + plan.timeout + Duration::from_secs(2);
    while !tasks.is_empty() {
        match tokio::time::timeout_at(grace, tasks.join_next()).await {
            Ok(joined) => {
                panicked += u64::from(joined.is_some_and(|j| j.is_err_and(|e| e.is_panic())));
            }
            Err(_) => break,
        }
    }
    let aborted = tasks.len() as u64;
    tasks.abort_all();
    Ending { aborted, panicked }
}

/// Runs one session of `device` and sends its outcome; false when the device was busy
/// (in a session already).
async fn one_session(
    plan: &Plan,
    fleet: &Fleet,
    backend: &Backend,
    tx: &mpsc::Sender<Event>,
    device: u64,
    start: Instant,
) -> bool {
    let Some(taken) = fleet.take(device) else {
        return false;
    };
    let run = session::run(
        taken,
        backend,
        plan.encoding,
        &plan.profiles,
        start.elapsed(),
        tokio::time::Instant::from_std(start) + plan.duration + plan.timeout,
    )
    .await;
    let _ = tx.send(Event::Session(Box::new(run))).await;
    true
}

/// The resident memory of this process in KiB (0 where /proc is not there).
pub fn resident_kib() -> u64 {
    let pages = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .unwrap_or(0);
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    pages * u64::try_from(page).unwrap_or(4096) / 1024
}
