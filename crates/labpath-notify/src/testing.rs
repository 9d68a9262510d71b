//! An SMTP sink for tests (the `testing` feature): a server on
//! `127.0.0.1:0` that speaks enough SMTP for `lettre` (greeting, EHLO or
//! HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT) and keeps every message
//! it accepts, envelope and data. A test starts it, gives its port to the
//! mailer (in this process, or to a server binary it runs), then reads what
//! arrived; `refuse_with` makes it answer every message with an error code,
//! as a failing mail server would.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use labpath_notify::mailer::{Email, Mailer, MailerConfig};
//!
//! let (addr, sink) = labpath_notify::testing::start().await.unwrap();
//! let mailer = Mailer::new(&MailerConfig::new("127.0.0.1", addr.port(), "labpath@agency.example")).unwrap();
//! let email = Email {
//!     to: vec!["maria@example.org".to_owned()],
//!     subject: "labpath reminder: call LFS".to_owned(),
//!     body: "Call LFS about form 2.".to_owned(),
//!     message_id: None,
//! };
//! mailer.send(&email).await.unwrap();
//! let got = sink.messages();
//! assert_eq!(got[0].to, ["maria@example.org"]);
//! assert_eq!(got[0].subject().as_deref(), Some("labpath reminder: call LFS"));
//! assert!(got[0].text().contains("Call LFS about form 2."));
//! # });
//! ```

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// A message the sink accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The envelope sender (`MAIL FROM`).
    pub from: String,
    /// The envelope recipients (`RCPT TO`), in order.
    pub to: Vec<String>,
    /// The message as sent after `DATA`, dots unstuffed, lines ending in CRLF.
    pub data: String,
}

impl Received {
    /// The headers and the body.
    fn parts(&self) -> (&str, &str) {
        self.data.split_once("\r\n\r\n").unwrap_or((&self.data, ""))
    }

    /// A header's value, unfolded (`None` when absent).
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = self.parts();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.split("\r\n").find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }

    /// The `Subject` header.
    pub fn subject(&self) -> Option<String> {
        self.header("Subject")
    }

    /// The body as text: quoted-printable decoded when it is so encoded.
    pub fn text(&self) -> String {
        let (_, body) = self.parts();
        let quoted = self
            .header("Content-Transfer-Encoding")
            .is_some_and(|e| e.eq_ignore_ascii_case("quoted-printable"));
        if quoted {
            decode_quoted_printable(body)
        } else {
            body.to_owned()
        }
    }
}

/// Decodes quoted-printable text (RFC 2045 §6.7): `=XX` bytes and `=` at a
/// line's end (a soft break).
fn decode_quoted_printable(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'=' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let rest = &bytes[i + 1..];
        if rest.starts_with(b"\r\n") {
            i += 3;
        } else if rest.starts_with(b"\n") {
            i += 2;
        } else if let Some(b) = rest
            .get(..2)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(b'=');
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Debug, Default)]
struct State {
    messages: Vec<Received>,
    refusal: Option<(u16, String)>,
    refused: Vec<Received>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// Counts accepted messages, for `wait_for`.
    count: watch::Sender<usize>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking test thread leaves the lists as they were: still readable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running sink; dropping it stops it.
#[derive(Debug)]
pub struct Sink {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: JoinHandle<()>,
}

/// Starts a sink on a free port of 127.0.0.1, on the current tokio runtime.
/// The port is bound before this returns: a client may connect at once.
pub async fn start() -> std::io::Result<(SocketAddr, Sink)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared {
        state: Mutex::new(State::default()),
        count: watch::Sender::new(0),
    });
    let server = tokio::spawn(serve(listener, Arc::clone(&shared)));
    Ok((
        addr,
        Sink {
            addr,
            shared,
            server,
        },
    ))
}

impl Sink {
    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The messages accepted so far, in order of arrival.
    pub fn messages(&self) -> Vec<Received> {
        self.shared.state().messages.clone()
    }

    /// How many messages were refused so far.
    pub fn refused(&self) -> usize {
        self.shared.state().refused.len()
    }

    /// The messages refused so far, as they were sent, in order of arrival.
    pub fn refused_messages(&self) -> Vec<Received> {
        self.shared.state().refused.clone()
    }

    /// From now on, answers each message's data with `code` and `text`
    /// (e.g. 554 for a permanent refusal, 451 for "try again later") and
    /// keeps it among the refused, not the accepted.
    pub fn refuse_with(&self, code: u16, text: &str) {
        self.shared.state().refusal = Some((code, text.to_owned()));
    }

    /// From now on, accepts messages again.
    pub fn accept(&self) {
        self.shared.state().refusal = None;
    }

    /// Waits until at least `n` messages were accepted, or `within` has
    /// passed; returns the messages accepted by then.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let mut count = self.shared.count.subscribe();
        let _ = tokio::time::timeout(within, count.wait_for(|c| *c >= n)).await;
        self.messages()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Accepts connections until the sink is dropped (which aborts this task
/// and, with it, every connection's task).
async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    connections.spawn(session(stream, Arc::clone(&shared)));
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// One SMTP session. A broken connection just ends it.
async fn session(stream: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 labpath-test-sink ESMTP\r\n").await?;
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    while let Some(line) = next_line(&mut lines).await? {
        let upper = line.to_ascii_uppercase();
        let reply: String = if upper.starts_with("EHLO") {
            "250-labpath-test-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n".to_owned()
        } else if upper.starts_with("HELO") {
            "250 labpath-test-sink\r\n".to_owned()
        } else if upper.starts_with("MAIL FROM:") {
            from = Some(path(&line["MAIL FROM:".len()..]));
            to.clear();
            "250 OK\r\n".to_owned()
        } else if upper.starts_with("RCPT TO:") {
            if from.is_none() {
                "503 MAIL FROM first\r\n".to_owned()
            } else {
                to.push(path(&line["RCPT TO:".len()..]));
                "250 OK\r\n".to_owned()
            }
        } else if upper == "DATA" {
            if to.is_empty() {
                "503 RCPT TO first\r\n".to_owned()
            } else {
                write
                    .write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let data = read_data(&mut lines).await?;
                let envelope = (from.take().unwrap_or_default(), std::mem::take(&mut to));
                deliver(&shared, envelope, data)
            }
        } else if upper == "RSET" {
            from = None;
            to.clear();
            "250 OK\r\n".to_owned()
        } else if upper == "NOOP" {
            "250 OK\r\n".to_owned()
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            "502 command not implemented\r\n".to_owned()
        };
        write.write_all(reply.as_bytes()).await?;
    }
    Ok(())
}

/// Keeps or refuses a message; the final reply to its data.
fn deliver(shared: &Shared, (from, to): (String, Vec<String>), data: String) -> String {
    let mut state = shared.state();
    if let Some((code, text)) = &state.refusal {
        let reply = format!("{code} {text}\r\n");
        state.refused.push(Received { from, to, data });
        return reply;
    }
    state.messages.push(Received { from, to, data });
    let n = state.messages.len();
    drop(state);
    shared.count.send_replace(n);
    format!("250 OK: queued as {n}\r\n")
}

/// A line without its line ending; `None` at the end of the stream.
async fn next_line<R: AsyncBufReadExt + Unpin>(r: &mut R) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    if r.read_until(b'\n', &mut buf).await? == 0 {
        return Ok(None);
    }
    let line = String::from_utf8_lossy(&buf);
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_owned()))
}

/// The message after `DATA`, up to the line with a lone dot.
async fn read_data<R: AsyncBufReadExt + Unpin>(r: &mut R) -> std::io::Result<String> {
    let mut data = String::new();
    while let Some(line) = next_line(r).await? {
        if line == "." {
            return Ok(data);
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
        data.push_str("\r\n");
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "the connection closed inside DATA",
    ))
}

/// The address in `<a@b.example> SIZE=123`.
fn path(arg: &str) -> String {
    let arg = arg.trim();
    match (arg.find('<'), arg.find('>')) {
        (Some(open), Some(close)) if open < close => arg[open + 1..close].to_owned(),
        _ => arg.split_whitespace().next().unwrap_or("").to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_is_decoded() {
        assert_eq!(
            decode_quoted_printable("caf=C3=A9 au =\r\nlait =3D 2"),
            "café au lait = 2"
        );
    }

    #[test]
    fn an_envelope_path_is_read_with_or_without_brackets() {
        assert_eq!(path(" <a@b.example> SIZE=10"), "a@b.example");
        assert_eq!(path("a@b.example"), "a@b.example");
        assert_eq!(path("<>"), "");
    }
}
