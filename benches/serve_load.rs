//! `corridor serve` under load (issue 16): the release binary as its own process on the
//! built-in network, 64 keep-alive connections asking `/v1/route` for hub pairs as fast
//! as they are answered. Reports throughput, p50/p99 latency, errors, and the server's
//! resident memory after 1,000 and after 100,000 requests; then the same light load with
//! heavy requests alongside (a 100 × 100 matrix and a 1,000-draw sweep, each in a loop)
//! to show the light ones are not starved.
//!
//! Not a criterion benchmark: a load generator measures a server from outside, over many
//! concurrent requests. `cargo bench -p corridor-benches --bench serve_load`
//! (`SERVE_LOAD_REQUESTS` sets the measured count, default 100,000).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

const CONNECTIONS: usize = 64;

fn binary() -> PathBuf {
    corridor_benches::release_binary()
}

/// The server process and the address it printed.
fn start() -> (Child, SocketAddr) {
    let mut child = Command::new(binary())
        .args(["serve", "--addr", "127.0.0.1:0", "--threads", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .parse()
        .unwrap();
    (child, addr)
}

/// Resident memory of a process, MiB.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Hub pairs that have a route, in a fixed pseudo-random order.
fn pairs() -> Vec<(String, String)> {
    let engine = corridor::Engine::builtin();
    let network = engine.network();
    let hubs: Vec<String> = network
        .places()
        .iter()
        .filter(|p| p.kind.is_hub())
        .map(|p| p.id.to_string())
        .collect();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut pairs = Vec::new();
    while pairs.len() < 500 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let a = &hubs[(state % hubs.len() as u64) as usize];
        let b = &hubs[((state >> 32) % hubs.len() as u64) as usize];
        if a != b && engine.route(&corridor::RouteRequest::new(a, b)).is_ok() {
            pairs.push((a.clone(), b.clone()));
        }
    }
    pairs
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    errors: usize,
    statuses: std::collections::BTreeMap<u16, usize>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.latencies_us.extend(other.latencies_us);
        self.errors += other.errors;
        for (k, v) in other.statuses {
            *self.statuses.entry(k).or_insert(0) += v;
        }
    }

    fn percentile(&mut self, p: f64) -> f64 {
        self.latencies_us.sort_unstable();
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies_us.len() - 1) as f64 * p).round() as usize;
        f64::from(self.latencies_us[i]) / 1000.0
    }
}

/// One keep-alive connection sending requests until `budget` is spent; `make` gives the
/// request for the n-th send.
async fn client(
    addr: SocketAddr,
    budget: Arc<AtomicUsize>,
    make: Arc<dyn Fn(usize) -> hyper::Request<Full<Bytes>> + Send + Sync>,
) -> Tally {
    let mut tally = Tally::default();
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (mut sender, connection) = http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    loop {
        let n = budget.fetch_sub(1, Ordering::Relaxed);
        if n == 0 || n > usize::MAX / 2 {
            break;
        }
        let started = Instant::now();
        let ok = async {
            sender.ready().await.ok()?;
            let response = sender.send_request(make(n)).await.ok()?;
            let status = response.status().as_u16();
            response.into_body().collect().await.ok()?;
            Some(status)
        }
        .await;
        let us = started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
        match ok {
            Some(status) => {
                *tally.statuses.entry(status).or_insert(0) += 1;
                if status == 200 {
                    tally.latencies_us.push(us);
                } else {
                    tally.errors += 1;
                }
            }
            None => {
                tally.errors += 1;
                break;
            }
        }
    }
    tally
}

async fn load(
    addr: SocketAddr,
    connections: usize,
    requests: usize,
    make: Arc<dyn Fn(usize) -> hyper::Request<Full<Bytes>> + Send + Sync>,
) -> (Tally, Duration) {
    let budget = Arc::new(AtomicUsize::new(requests));
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|_| tokio::spawn(client(addr, budget.clone(), make.clone())))
        .collect();
    let mut tally = Tally::default();
    for task in tasks {
        tally.merge(task.await.unwrap());
    }
    (tally, started.elapsed())
}

fn get(uri: String) -> hyper::Request<Full<Bytes>> {
    hyper::Request::get(uri)
        .header("host", "bench")
        .body(Full::new(Bytes::new()))
        .unwrap()
}

fn report(name: &str, tally: &mut Tally, elapsed: Duration) {
    let done = tally.latencies_us.len();
    println!(
        "{name}: {done} answered in {:.2} s = {:.0} req/s; p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms; errors {}; statuses {:?}",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64(),
        tally.percentile(0.5),
        tally.percentile(0.99),
        tally.percentile(1.0),
        tally.errors,
        tally.statuses
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing to run.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let measured: usize = std::env::var("SERVE_LOAD_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let pairs = Arc::new(pairs());
    let (mut server, addr) = start();
    let pid = server.id();
    println!(
        "server pid {pid} on {addr}; {CONNECTIONS} connections; 2 cores shared by client and server"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let route = {
        let pairs = pairs.clone();
        Arc::new(move |n: usize| {
            let (a, b) = &pairs[n % pairs.len()];
            get(format!("/v1/route?from={a}&to={b}"))
        }) as Arc<dyn Fn(usize) -> hyper::Request<Full<Bytes>> + Send + Sync>
    };
    runtime.block_on(async {
        let (mut warm, elapsed) = load(addr, CONNECTIONS, 1_000, route.clone()).await;
        report("warm-up, route", &mut warm, elapsed);
        let after_1k = rss_mib(pid);
        let (mut tally, elapsed) = load(addr, CONNECTIONS, measured, route.clone()).await;
        report("route", &mut tally, elapsed);
        let mut memory = vec![after_1k, rss_mib(pid)];
        // More rounds: memory that keeps growing would show here.
        let rounds: usize = std::env::var("SERVE_LOAD_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(3);
        for round in 2..=rounds {
            let (mut again, elapsed) = load(addr, CONNECTIONS, measured, route.clone()).await;
            report(&format!("route, round {round}"), &mut again, elapsed);
            memory.push(rss_mib(pid));
        }
        let memory: Vec<String> = memory.iter().map(|m| format!("{m:.1}")).collect();
        println!(
            "server memory (VmRSS, MiB) after 1,000 requests, then after each round of {measured}: {}",
            memory.join(", ")
        );

        // Heavy requests alongside the light ones.
        let hubs: Vec<String> = pairs
            .iter()
            .map(|(a, _)| a.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .take(100)
            .collect();
        let matrix_body = serde_json::json!({ "from": hubs, "to": hubs }).to_string();
        let heavy_done = Arc::new(AtomicUsize::new(0));
        let matrix = {
            let body = matrix_body.clone();
            Arc::new(move |_| {
                hyper::Request::post("/v1/matrix")
                    .header("host", "bench")
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from(body.clone())))
                    .unwrap()
            }) as Arc<dyn Fn(usize) -> hyper::Request<Full<Bytes>> + Send + Sync>
        };
        let sweep =
            Arc::new(|_| get("/v1/sweep?from=xian&to=duisburg&samples=1000&seed=7".to_owned()))
                as Arc<dyn Fn(usize) -> hyper::Request<Full<Bytes>> + Send + Sync>;
        let stop = Arc::new(AtomicUsize::new(usize::MAX / 4));
        let heavy: Vec<_> = [matrix, sweep]
            .into_iter()
            .map(|make| {
                let stop = stop.clone();
                let done = heavy_done.clone();
                tokio::spawn(async move {
                    let tally = client(addr, stop, make).await;
                    done.fetch_add(tally.latencies_us.len(), Ordering::Relaxed);
                    tally
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(200)).await;
        let light = measured / 5;
        let (mut tally, elapsed) = load(addr, CONNECTIONS, light, route.clone()).await;
        report(
            "route with matrix 100x100 and sweep 1,000 draws looping alongside",
            &mut tally,
            elapsed,
        );
        stop.store(0, Ordering::Relaxed);
        let mut names = ["matrix 100x100", "sweep 1,000 draws"].into_iter();
        for task in heavy {
            let mut tally = task.await.unwrap();
            report(names.next().unwrap_or("heavy"), &mut tally, elapsed);
        }
    });
    let _ = server.kill();
    let _ = server.wait();
}
