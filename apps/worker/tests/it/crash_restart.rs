//! Killing `harmony-worker` while the SMTP server is down and restarting both
//! delivers every queued mail exactly once.

use crate::smtp_sink::{SmtpSink, Unresponsive, header};
use crate::support::{
    Deadline, TestDb, WorkerProcess, enqueue_emails, free_port, message_id, with_db,
};
use harmony_kernel::outbox::{OutboxMessage, OutboxStore};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Mails queued before the outage.
const MAILS: usize = 5;
/// Failed attempts every mail must have seen before the worker is killed.
const FAILED_ATTEMPTS: i32 = 2;
/// Short lease and back-off (the `worker.*` knobs), so the test takes seconds.
const LEASE_SECONDS: u64 = 2;
const BASE_BACKOFF_MS: u64 = 200;
const POLL_INTERVAL_MS: u64 = 100;

/// Where the restarted worker delivers to.
enum Server {
    /// The in-test sink, on the port that was down.
    Local(SmtpSink),
    /// The CI sink (`HARMONY_TEST_SMTP_URL`), storing `.eml` files.
    Ci {
        host: String,
        port: u16,
        maildir: PathBuf,
    },
}

impl Server {
    /// The CI sink when both variables are set, else the in-test sink on `port`.
    async fn start(port: u16) -> Self {
        if let (Ok(url), Ok(maildir)) = (
            std::env::var("HARMONY_TEST_SMTP_URL"),
            std::env::var("HARMONY_TEST_SMTP_MAILDIR"),
        ) {
            let (host, port) = plain_smtp_host_port(&url);
            eprintln!("SMTP: the CI sink at {host}:{port}, maildir {maildir}");
            Self::Ci {
                host,
                port,
                maildir: PathBuf::from(maildir),
            }
        } else {
            let sink = SmtpSink::start(port).await;
            eprintln!("SMTP: in-test sink on 127.0.0.1:{}", sink.port());
            Self::Local(sink)
        }
    }

    fn host_port(&self) -> (String, u16) {
        match self {
            Self::Local(sink) => ("127.0.0.1".to_owned(), sink.port()),
            Self::Ci { host, port, .. } => (host.clone(), *port),
        }
    }

    /// How often each of `expected` Message-IDs arrived, plus how many other
    /// messages arrived (only countable for the in-test sink).
    fn deliveries(&self, expected: &[String]) -> (BTreeMap<String, usize>, usize) {
        match self {
            Self::Local(sink) => {
                let mut counts: BTreeMap<String, usize> =
                    expected.iter().map(|id| (id.clone(), 0)).collect();
                let mut others = 0;
                for message in sink.received() {
                    match message.message_id.and_then(|id| counts.get_mut(&id)) {
                        Some(count) => *count += 1,
                        None => others += 1,
                    }
                }
                (counts, others)
            }
            Self::Ci { maildir, .. } => (ci_deliveries(maildir, expected), 0),
        }
    }
}

/// `smtp://host:port` (plain SMTP, no credentials) → host and port.
fn plain_smtp_host_port(url: &str) -> (String, u16) {
    let rest = url
        .strip_prefix("smtp://")
        .unwrap_or_else(|| panic!("HARMONY_TEST_SMTP_URL must be smtp://host:port, got {url}"));
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    assert!(
        !authority.contains('@'),
        "HARMONY_TEST_SMTP_URL: credentials are not supported here"
    );
    match authority.rsplit_once(':') {
        Some((host, port)) => (host.to_owned(), port.parse().expect("port of the SMTP URL")),
        None => (authority.to_owned(), 25),
    }
}

/// The CI sink's file name for a Message-ID (the rule of `.ci/smtp-sink/sink.py`).
fn file_key(message_id: &str) -> String {
    message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Deliveries to the CI sink. It stores one file per Message-ID (a duplicate
/// would overwrite it), so duplicates are counted from the "stored <key>"
/// lines of its log (`<maildir>/../sink.log`) when that log is readable.
fn ci_deliveries(maildir: &Path, expected: &[String]) -> BTreeMap<String, usize> {
    let log = maildir
        .parent()
        .and_then(|dir| std::fs::read_to_string(dir.join("sink.log")).ok());
    if log.is_none() {
        eprintln!("note: the CI sink's log is not readable; duplicates cannot be counted");
    }
    expected
        .iter()
        .map(|id| {
            let key = file_key(id);
            let path = maildir.join(format!("{key}.eml"));
            let stored = std::fs::read_to_string(&path)
                .ok()
                .filter(|raw| header(raw, "message-id").as_deref() == Some(id.as_str()));
            let count = match (&stored, &log) {
                (None, _) => 0,
                (Some(_), None) => 1,
                (Some(_), Some(log)) => {
                    let marker = format!("stored {key} ");
                    log.lines().filter(|l| l.starts_with(&marker)).count()
                }
            };
            (id.clone(), count)
        })
        .collect()
}

/// The worker's whole configuration, set explicitly (development defaults
/// otherwise; `config/test.toml` would disable mail).
fn worker_env(db: &TestDb, smtp_host: &str, smtp_port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("HARMONY_ENV", "development".to_owned()),
        ("HARMONY__DATABASE__URL", db.url.clone()),
        ("HARMONY__MAIL__TRANSPORT", "smtp".to_owned()),
        ("HARMONY__MAIL__SMTP__HOST", smtp_host.to_owned()),
        ("HARMONY__MAIL__SMTP__PORT", smtp_port.to_string()),
        ("HARMONY__MAIL__SMTP__TLS", "none".to_owned()),
        ("HARMONY__MAIL__SMTP__TIMEOUT_SECONDS", "5".to_owned()),
        (
            "HARMONY__WORKER__POLL_INTERVAL_MS",
            POLL_INTERVAL_MS.to_string(),
        ),
        ("HARMONY__WORKER__BATCH_SIZE", "20".to_owned()),
        // High enough that no mail goes dead during the outage.
        ("HARMONY__WORKER__MAX_ATTEMPTS", "50".to_owned()),
        ("HARMONY__WORKER__LEASE_SECONDS", LEASE_SECONDS.to_string()),
        (
            "HARMONY__WORKER__BASE_BACKOFF_MS",
            BASE_BACKOFF_MS.to_string(),
        ),
        (
            "HARMONY__LOG__LEVEL",
            "info,harmony_worker=debug".to_owned(),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_worker_while_smtp_is_down_and_restarting_both_delivers_every_mail_exactly_once()
 {
    with_db(|db| async move { scenario(&db).await }).await;
}

async fn scenario(db: &TestDb) {
    let started = Instant::now();
    let queued = enqueue_emails(&db.store, MAILS).await;
    let down_port = free_port();
    crash_during_outage(db, down_port, started).await;
    let server = restart_and_drain(db, down_port, started).await;
    assert_delivered_exactly_once(db, &server, &queued).await;
}

/// Runs the worker against an SMTP port that is down until every mail has
/// failed, then kills it while it holds leases.
async fn crash_during_outage(db: &TestDb, down_port: u16, started: Instant) {
    // 1. SMTP is down: nothing listens on the port the worker is pointed at,
    //    so every mail fails (connection refused) and is scheduled again.
    let mut first = WorkerProcess::spawn(
        "worker-1",
        db.dir.path(),
        &worker_env(db, "127.0.0.1", down_port),
    );
    let deadline = Deadline::after("every mail to fail twice", Duration::from_secs(20));
    loop {
        first.assert_running();
        let attempts: Vec<i32> = db.rows().await.iter().map(|r| r.attempts).collect();
        if attempts.len() == MAILS && attempts.iter().all(|&a| a >= FAILED_ATTEMPTS) {
            break;
        }
        deadline
            .tick(|| format!("attempts {attempts:?}; log:\n{}", first.log_text()))
            .await;
    }

    // 2. The server is still down, but now hangs instead of refusing: the
    //    worker claims the due mails (a lease) and waits inside a send. Kill
    //    it right there, without any chance to clean up, so it leaves live
    //    leases behind.
    let hanging = Unresponsive::start(down_port).await;
    let deadline = Deadline::after("the worker to hold a lease", Duration::from_secs(20));
    loop {
        first.assert_running();
        let rows = db.rows().await;
        if rows.iter().any(|r| r.locked_until.is_some()) {
            break;
        }
        deadline
            .tick(|| format!("rows {rows:?}; log:\n{}", first.log_text()))
            .await;
    }
    let status = first.kill();
    drop(hanging);
    eprintln!(
        "worker-1 killed ({status}) after {:?}; its log:\n{}",
        started.elapsed(),
        first.log_text()
    );
    let rows = db.rows().await;
    let leased = rows.iter().filter(|r| r.locked_until.is_some()).count();
    eprintln!("the killed worker left {leased} of {MAILS} mails leased");
    assert!(leased > 0);
    for row in rows {
        assert!(
            row.delivered_at.is_none(),
            "delivered while SMTP was down: {row:?}"
        );
        assert!(row.dead_at.is_none(), "gave up during the outage: {row:?}");
        assert!(row.last_error.is_some(), "failure not recorded: {row:?}");
    }
    assert_eq!(db.store.pending_count().await.unwrap(), MAILS as u64);
}

/// Brings SMTP up, restarts the worker and waits until the outbox is empty.
async fn restart_and_drain(db: &TestDb, down_port: u16, started: Instant) -> Server {
    // 3. SMTP comes up (on the same port, unless CI's sink is used) and the
    //    worker is restarted with otherwise identical settings. Leased mails
    //    are only retried once the dead worker's lease has expired.
    let server = Server::start(down_port).await;
    let (host, port) = server.host_port();
    let mut second = WorkerProcess::spawn("worker-2", db.dir.path(), &worker_env(db, &host, port));
    let restarted = Instant::now();
    let deadline = Deadline::after(
        "every mail to be delivered after the restart",
        Duration::from_secs(30),
    );
    loop {
        second.assert_running();
        let pending = db.store.pending_count().await;
        if matches!(pending, Ok(0)) {
            break;
        }
        deadline
            .tick(|| format!("pending: {pending:?}; log:\n{}", second.log_text()))
            .await;
    }
    let delivered_after = restarted.elapsed();
    // A few more rounds, so a duplicate delivery would have time to show.
    tokio::time::sleep(Duration::from_millis(5 * POLL_INTERVAL_MS)).await;
    second.assert_running();
    second.kill();
    eprintln!(
        "all {MAILS} mails delivered {delivered_after:?} after the restart \
         ({:?} in total); worker-2 log:\n{}",
        started.elapsed(),
        second.log_text()
    );
    server
}

/// Each mail reached the server exactly once and is recorded as delivered.
async fn assert_delivered_exactly_once(db: &TestDb, server: &Server, queued: &[OutboxMessage]) {
    let expected: Vec<String> = queued.iter().map(message_id).collect();
    // 4. Exactly once: each Message-ID arrived once, nothing else arrived,
    //    and the outbox records every mail as delivered after the failures.
    let (counts, others) = server.deliveries(&expected);
    let wrong: Vec<_> = counts.iter().filter(|(_, n)| **n != 1).collect();
    assert!(
        wrong.is_empty(),
        "not delivered exactly once (Message-ID, count): {wrong:?}"
    );
    assert_eq!(others, 0, "unexpected extra messages at the sink");
    if let Server::Local(sink) = server {
        let received = sink.received();
        assert_eq!(received.len(), MAILS);
        for message in queued {
            let id = message_id(message);
            let to = message.payload["to"].as_str().unwrap();
            let got = received
                .iter()
                .find(|r| r.message_id.as_deref() == Some(id.as_str()))
                .unwrap();
            assert_eq!(got.rcpt_to, [to], "recipient of {id}");
        }
    }
    let rows = db.rows().await;
    assert_eq!(rows.len(), MAILS);
    for row in rows {
        assert!(row.delivered_at.is_some(), "not marked delivered: {row:?}");
        assert!(row.dead_at.is_none(), "dead: {row:?}");
        assert!(row.attempts >= FAILED_ATTEMPTS, "failures lost: {row:?}");
        assert!(row.locked_until.is_none(), "lease left behind: {row:?}");
    }
}
