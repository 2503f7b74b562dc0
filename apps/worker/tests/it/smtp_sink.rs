//! A minimal SMTP server for tests: accepts every message (no TLS, no auth)
//! and records it, so a test can count deliveries by `Message-ID`.
//!
//! It speaks just enough SMTP for lettre: greeting, `EHLO`/`HELO`,
//! `MAIL`, `RCPT`, `DATA` (dot-terminated, dot-unstuffed), `RSET`, `NOOP`,
//! `QUIT`. Dropping the sink stops it and every open session.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// One message as the sink received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// The `Message-ID` header's value, e.g. `<id@harmony>`.
    pub message_id: Option<String>,
    /// The envelope recipients (`RCPT TO` arguments).
    pub rcpt_to: Vec<String>,
}

type Inbox = Arc<Mutex<Vec<Received>>>;

/// A running sink; stops when dropped.
pub struct SmtpSink {
    addr: SocketAddr,
    inbox: Inbox,
    task: JoinHandle<()>,
}

impl SmtpSink {
    /// Listens on `127.0.0.1:port`, retrying for up to 5 s while the port is
    /// still held (e.g. by a process that is being reaped).
    pub async fn start(port: u16) -> Self {
        let deadline = Instant::now() + Duration::from_secs(5);
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", port)).await {
                Ok(listener) => break listener,
                Err(e) => {
                    assert!(
                        Instant::now() < deadline,
                        "cannot listen on port {port}: {e}"
                    );
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        };
        let addr = listener.local_addr().expect("sink address");
        let inbox = Inbox::default();
        let task = tokio::spawn(serve(listener, inbox.clone()));
        Self { addr, inbox, task }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every message received so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.inbox
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts the sessions.
        self.task.abort();
    }
}

async fn serve(listener: TcpListener, inbox: Inbox) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    sessions.spawn(session(stream, inbox.clone()));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    }
}

/// One SMTP conversation; ends at `QUIT`, EOF or an I/O error.
async fn session(stream: TcpStream, inbox: Inbox) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer.write_all(b"220 harmony-test-sink ESMTP\r\n").await?;
    let mut rcpt_to = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line);
        let command = command.trim_end();
        let verb = command
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-harmony-test-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" => b"250 harmony-test-sink\r\n",
            "MAIL" | "RSET" => {
                rcpt_to.clear();
                b"250 OK\r\n"
            }
            "RCPT" => {
                rcpt_to.push(argument(command));
                b"250 OK\r\n"
            }
            "DATA" => {
                writer
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let data = read_data(&mut reader).await?;
                let received = Received {
                    message_id: header(&data, "message-id"),
                    rcpt_to: std::mem::take(&mut rcpt_to),
                };
                // Recorded before the reply: the sender may mark the message
                // delivered as soon as it reads the 250.
                inbox
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(received);
                b"250 OK: queued\r\n"
            }
            "NOOP" => b"250 OK\r\n",
            "QUIT" => {
                writer.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 Command not implemented\r\n",
        };
        writer.write_all(reply).await?;
    }
}

/// `RCPT TO:<a@b> X=Y` → `a@b`.
fn argument(command: &str) -> String {
    let value = command.split_once(':').map_or("", |(_, v)| v).trim();
    let value = value.split(' ').next().unwrap_or_default();
    value
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned()
}

/// Reads the message up to the line `.`, undoing dot-stuffing.
async fn read_data(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> std::io::Result<String> {
    let mut data = String::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let text = String::from_utf8_lossy(&line);
        if text.trim_end_matches(['\r', '\n']) == "." {
            return Ok(data);
        }
        data.push_str(text.strip_prefix('.').unwrap_or(&text));
    }
}

/// The (unfolded) value of the first header `name` (lower case) of a message.
pub fn header(message: &str, name: &str) -> Option<String> {
    let mut found: Option<String> = None;
    for line in message.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break; // end of the header section
        }
        if line.starts_with([' ', '\t']) {
            if let Some(value) = found.as_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if found.is_some() {
            break;
        }
        if let Some((key, value)) = line.split_once(':')
            && key.trim().eq_ignore_ascii_case(name)
        {
            found = Some(value.trim().to_owned());
        }
    }
    found
}

/// A server that is "down" in the nastier way: it accepts connections but
/// never says a word, so a sender hangs until its timeout. Stops when dropped.
pub struct Unresponsive {
    task: JoinHandle<()>,
}

impl Unresponsive {
    /// Listens on `127.0.0.1:port` and holds every connection silently.
    pub async fn start(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap_or_else(|e| panic!("cannot listen on port {port}: {e}"));
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        Self { task }
    }
}

impl Drop for Unresponsive {
    fn drop(&mut self) {
        self.task.abort();
    }
}
