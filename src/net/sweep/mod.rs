//! `map_network`'s engine: every probe in flight at once on one shared ICMP
//! socket (or TCP connects), paced by a rate, matched to its address, ending as
//! soon as every address has answered or run out of time; then reverse names,
//! looked up in parallel under one deadline.

pub mod targets;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use tokio::task::JoinSet;

use crate::net::icmp::{self, EchoOutcome};
use crate::net::{ffi, live};
use crate::python::error::CommandResult;

/// How the sweep probes.
#[derive(Clone, Debug)]
pub enum Method {
    Icmp,
    /// TCP connects to these ports: an answer of any kind (even a refusal) means a host is there.
    Tcp(Vec<u16>),
}

#[derive(Clone, Debug)]
pub struct SweepOptions {
    pub timeout: Duration,
    /// Extra probes sent to an address that has not answered, within its timeout.
    pub retries: u32,
    /// Probes per second; `None` sends as fast as the socket takes them.
    pub rate: Option<f64>,
    pub resolve: bool,
    pub method: Method,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LiveHost {
    pub address: IpAddr,
    pub rtt: Duration,
    pub name: Option<String>,
}

#[derive(Clone, Debug)]
pub struct SweepReport {
    /// Sorted by address.
    pub hosts: Vec<LiveHost>,
    pub scanned: usize,
    pub elapsed: Duration,
    pub interrupted: bool,
}

impl SweepReport {
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{} hosts up out of {} scanned in {:.2} s",
            self.hosts.len(),
            self.scanned,
            self.elapsed.as_secs_f64()
        );
        if self.interrupted {
            out.push_str(" (interrupted: results so far)");
        }
        out
    }
}

/// Reverse look-ups get this long in all, however many hosts answered.
const NAME_DEADLINE: Duration = Duration::from_secs(2);
const NAME_LOOKUPS_AT_ONCE: usize = 64;
/// Probes awaiting an answer at once, whatever the rate: bounds memory and the
/// burst of replies the socket must hold (a /16 is 65,534 probes).
const MAX_IN_FLIGHT: usize = 1024;
/// The echo payload, as ping(8) sends by default.
const PAYLOAD: [u8; 56] = [0; 56];

pub fn sweep(targets: Vec<IpAddr>, options: SweepOptions) -> CommandResult<SweepReport> {
    for target in &targets {
        crate::net::lab::refuse_outside_lab(*target)?;
    }
    let runtime = live::runtime()?;
    runtime.block_on(run(targets, options))
}

async fn run(targets: Vec<IpAddr>, options: SweepOptions) -> CommandResult<SweepReport> {
    let started = Instant::now();
    let scanned = targets.len();
    let progress = progress_bar(scanned as u64);
    let (mut hosts, interrupted) = match &options.method {
        Method::Icmp => probe_icmp(&targets, &options, &progress).await?,
        Method::Tcp(ports) => probe_tcp(&targets, ports, &options, &progress).await,
    };
    progress.finish_and_clear();
    hosts.sort_by_key(|h| h.address);
    if options.resolve && !interrupted {
        name_hosts(&mut hosts).await;
    }
    Ok(SweepReport {
        hosts,
        scanned,
        elapsed: started.elapsed(),
        interrupted,
    })
}

fn progress_bar(total: u64) -> ProgressBar {
    if !live::progress_allowed() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} scanning {pos}/{len} [{bar:30}] {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// Waits until probe `index` is due under the rate (a no-op without one).
async fn pace(started: Instant, index: usize, rate: Option<f64>) {
    if let Some(rate) = rate.filter(|r| *r > 0.0) {
        // A due time past what an Instant holds is never: wait for Ctrl-C.
        let due = Duration::try_from_secs_f64(index as f64 / rate)
            .ok()
            .and_then(|after| started.checked_add(after));
        match due {
            Some(due) => tokio::time::sleep_until(due.into()).await,
            None => std::future::pending().await,
        }
    }
}

/// Launches probes under the rate and gathers answers until all are settled
/// or Ctrl-C; returns what answered and whether it was interrupted.
async fn gather<F, Fut>(
    targets: &[IpAddr],
    options: &SweepOptions,
    progress: &ProgressBar,
    probe: F,
) -> (Vec<LiveHost>, bool)
where
    F: Fn(IpAddr) -> Fut,
    Fut: std::future::Future<Output = Option<Duration>> + Send + 'static,
{
    let mut running: JoinSet<(IpAddr, Option<Duration>)> = JoinSet::new();
    let mut found = Vec::new();
    let started = Instant::now();
    let record = |(address, rtt): (IpAddr, Option<Duration>), found: &mut Vec<LiveHost>| {
        progress.inc(1);
        if let Some(rtt) = rtt {
            found.push(LiveHost {
                address,
                rtt,
                name: None,
            });
            progress.set_message(format!("{} up", found.len()));
        }
    };
    for (index, &address) in targets.iter().enumerate() {
        // Collect finished probes while waiting for the next one to be due.
        loop {
            tokio::select! {
                biased;
                _ = live::wait_for_interrupt() => return (found, true),
                _ = pace(started, index, options.rate), if running.len() < MAX_IN_FLIGHT => break,
                Some(result) = running.join_next(), if !running.is_empty() => match result {
                    Ok(done) => record(done, &mut found),
                    Err(_) => progress.inc(1),
                },
            }
        }
        let fut = probe(address);
        running.spawn(async move { (address, fut.await) });
    }
    loop {
        tokio::select! {
            biased;
            _ = live::wait_for_interrupt() => return (found, true),
            next = running.join_next() => match next {
                Some(Ok(done)) => record(done, &mut found),
                Some(Err(_)) => progress.inc(1),
                None => return (found, false),
            },
        }
    }
}

async fn probe_icmp(
    targets: &[IpAddr],
    options: &SweepOptions,
    progress: &ProgressBar,
) -> CommandResult<(Vec<LiveHost>, bool)> {
    let Some(&first) = targets.first() else {
        return Ok((Vec::new(), false));
    };
    let client = Arc::new(icmp::open(first, None)?.client);
    let ident = std::process::id() as u16;
    let timeout = options.timeout;
    let probes = options.retries + 1;
    let spacing = timeout / probes;
    Ok(gather(targets, options, progress, move |address| {
        let client = client.clone();
        async move {
            // Probe k goes out once probe k-1 has waited `spacing` in vain; the
            // last waits out the rest, so a silent address costs one timeout.
            for k in 0..probes {
                let wait = if k + 1 == probes {
                    timeout.saturating_sub(spacing * k)
                } else {
                    spacing
                };
                if let Ok(EchoOutcome::Reply(echo)) =
                    icmp::echo(&client, address, ident, k as u16, &PAYLOAD, wait).await
                {
                    return Some(echo.rtt);
                }
            }
            None
        }
    })
    .await)
}

async fn probe_tcp(
    targets: &[IpAddr],
    ports: &[u16],
    options: &SweepOptions,
    progress: &ProgressBar,
) -> (Vec<LiveHost>, bool) {
    let ports: Arc<[u16]> = ports.into();
    let timeout = options.timeout;
    gather(targets, options, progress, move |address| {
        let ports = ports.clone();
        async move {
            let mut attempts = JoinSet::new();
            for &port in ports.iter() {
                attempts.spawn(async move {
                    let started = Instant::now();
                    let connect = tokio::net::TcpStream::connect(SocketAddr::new(address, port));
                    match tokio::time::timeout(timeout, connect).await {
                        // Accepted, or refused with a reset: either way a host answered.
                        Ok(Ok(_)) => Some(started.elapsed()),
                        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                            Some(started.elapsed())
                        }
                        _ => None,
                    }
                });
            }
            while let Some(result) = attempts.join_next().await {
                if let Ok(Some(rtt)) = result {
                    attempts.abort_all();
                    return Some(rtt);
                }
            }
            None
        }
    })
    .await
}

/// Reverse look-ups for every live host, many at once, all under one deadline:
/// a host whose name is not back by then is shown without one.
async fn name_hosts(hosts: &mut [LiveHost]) {
    let limit = Arc::new(tokio::sync::Semaphore::new(NAME_LOOKUPS_AT_ONCE));
    let mut lookups = JoinSet::new();
    for (index, host) in hosts.iter().enumerate() {
        let address = host.address;
        let limit = limit.clone();
        lookups.spawn(async move {
            let _permit = limit.acquire_owned().await.ok()?;
            let entry = tokio::task::spawn_blocking(move || ffi::host_by_addr(address))
                .await
                .ok()?;
            entry.ok().map(|e| (index, e.name))
        });
    }
    let deadline = tokio::time::sleep(NAME_DEADLINE);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = &mut deadline => break,
            _ = live::wait_for_interrupt() => break,
            next = lookups.join_next() => match next {
                Some(Ok(Some((index, name)))) => hosts[index].name = Some(name),
                Some(_) => {}
                None => break,
            },
        }
    }
    lookups.abort_all();
}
