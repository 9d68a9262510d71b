//! Audit packs are written to disk and streamed, in heavy-work turns, so
//! their size does not become the server's memory: ten downloads at once
//! of a 200 MB pack (ten certificates near the 20 MiB limit) keep a real
//! `labpath serve` process under 300 MB of resident memory at its peak.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

/// Certificates in the pack, and the size of each: just under the
/// attachment limit, 200 MB in all.
const CERTIFICATES: usize = 10;
const CERTIFICATE_BYTES: usize = 20 * 1000 * 1000;
/// Downloads at once.
const DOWNLOADS: usize = 10;
/// The most resident memory the server may reach.
const MAX_RSS_KIB: u64 = 300 * 1024;

fn labpath(data: &Path, args: &[&str]) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_labpath"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .expect("labpath runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A PDF of `bytes` bytes whose content does not compress (as a scanned
/// certificate's does not), different for each `n`.
fn certificate(n: usize, bytes: usize) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(n as u64);
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.extend((0..bytes - 16).map(|_| rng.u8(..)));
    pdf.extend_from_slice(b"\n%%EOF\n");
    pdf
}

/// The peak resident memory of a process, in KiB (`VmHWM`).
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}

/// `labpath serve` in local mode on a free loopback port: the process and
/// its address.
async fn serve(data: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_labpath"))
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("labpath serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("labpath serve says where it listens within 30 s")
        .unwrap()
        .unwrap_or_default();
    let Some((_, url)) = line.split_once("http://") else {
        panic!("labpath serve printed {line:?}");
    };
    (child, url.trim_end_matches('/').to_owned())
}

/// Downloads `path` over HTTP/1.1, reading the answer as it comes: its
/// status line and how many bytes came in all.
async fn download(addr: &str, path: &str) -> (String, usize) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut first = Vec::new();
    let mut total = 0;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = stream.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        if first.len() < 64 {
            first.extend_from_slice(&buf[..n.min(64)]);
        }
        total += n;
    }
    let status = String::from_utf8_lossy(&first)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    (status, total)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_downloads_of_a_200_mb_audit_pack_keep_the_server_under_300_mb() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let profile = dir.path().join("teacher.toml");
    std::fs::write(
        &profile,
        "[person]\nname = \"MLS who now teaches\"\ncitizenship = [\"US\"]\n\n[[credential]]\nid = \"ascp-mls\"\nearned = 2015-06-30\nexpires = 2027-06-30\n",
    )
    .unwrap();
    labpath(
        &data,
        &[
            "person",
            "add",
            "Teacher",
            "--profile",
            profile.to_str().unwrap(),
        ],
    );
    let mut csv = String::from("title,date,unit,amount,categories,certificate\n");
    for n in 0..CERTIFICATES {
        let name = format!("certificate-{n}.pdf");
        std::fs::write(dir.path().join(&name), certificate(n, CERTIFICATE_BYTES)).unwrap();
        csv.push_str(&format!(
            "Blood bank update {n},2026-02-{:02},contact_hours,1,blood_banking,{name}\n",
            n + 1
        ));
    }
    let transcript = dir.path().join("transcript.csv");
    std::fs::write(&transcript, csv).unwrap();
    labpath(
        &data,
        &[
            "ce",
            "import",
            "--person",
            "1",
            transcript.to_str().unwrap(),
        ],
    );

    let (server, addr) = serve(&data).await;
    let pid = server.id().unwrap();
    let before = peak_rss_kib(pid);
    let path = "/api/people/1/ce/audit-pack?credential=ascp-mls&as_of=2026-06-01";
    let started = Instant::now();
    let downloads: Vec<_> = (0..DOWNLOADS)
        .map(|_| {
            let addr = addr.clone();
            tokio::spawn(async move { download(&addr, path).await })
        })
        .collect();
    for d in downloads {
        let (status, bytes) = d.await.unwrap();
        assert!(status.contains(" 200 "), "{status}");
        assert!(
            bytes > CERTIFICATES * CERTIFICATE_BYTES,
            "a whole pack came: {bytes} bytes"
        );
    }
    let peak = peak_rss_kib(pid);
    eprintln!(
        "{DOWNLOADS} downloads of a {} MB audit pack in {:?}: server peak RSS {} MiB (idle {} MiB)",
        CERTIFICATES * CERTIFICATE_BYTES / 1_000_000,
        started.elapsed(),
        peak / 1024,
        before / 1024
    );
    assert!(
        peak < MAX_RSS_KIB,
        "the server reached {} MiB of resident memory",
        peak / 1024
    );
}
