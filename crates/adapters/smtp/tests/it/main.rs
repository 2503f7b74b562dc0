//! Integration tests of the mail adapters: `.eml` files on disk and real SMTP.
//!
//! The SMTP delivery test needs a sink (`eval "$(bash .ci/smtp-sink/start.sh)"`)
//! exporting `HARMONY_TEST_SMTP_URL` and `HARMONY_TEST_SMTP_MAILDIR`; without
//! them it is skipped with a note.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test by panicking"
)]

use harmony_adapters_smtp::{
    FileMailer, HandlebarsRenderer, MailBranding, SmtpMailer, SmtpSettings, SmtpTls,
};
use harmony_kernel::mail::{EmailJob, MailError, MailMessage, MailRenderer, MailTemplate, Mailer};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A Message-ID no other test run uses.
fn unique_message_id(tag: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!("<it-{tag}-{nanos}-{}@harmony>", std::process::id())
}

/// The sink's and the `FileMailer`'s file-name form of a Message-ID.
fn file_key(message_id: &str) -> String {
    message_id
        .trim_matches(|c| c == '<' || c == '>')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A rendered password-reset mail with a token and characters to escape.
fn rendered(message_id: &str) -> MailMessage {
    let renderer = HandlebarsRenderer::new(MailBranding::local()).unwrap();
    let job = EmailJob {
        to: "Ann Lee <ann@example.com>".to_owned(),
        template: MailTemplate::PasswordReset,
        vars: serde_json::json!({
            "user_name": "Ann <Lee> & Co",
            "reset_url": "http://localhost:3000/reset-password?token=abcDEF123",
            "expires_in_minutes": 60,
        }),
    };
    renderer.render(&job, message_id).unwrap()
}

fn eml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "eml"));
    files.sort();
    files
}

/// Checks the RFC 5322 shape: headers, a blank line, a two-part alternative.
fn assert_parseable_eml(raw: &str, message_id: &str) {
    let (headers, body) = raw.split_once("\r\n\r\n").expect("header/body separator");
    for header in ["From: ", "To: ", "Subject: ", "Date: ", "MIME-Version: 1.0"] {
        assert!(
            headers.contains(header),
            "missing {header:?} in:\n{headers}"
        );
    }
    assert!(
        headers.contains(&format!("Message-ID: {message_id}")),
        "{headers}"
    );
    assert!(
        headers.contains("Subject: Reset Your Password"),
        "{headers}"
    );
    let boundary = headers
        .split("boundary=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("multipart boundary");
    assert!(headers.contains("multipart/alternative"));
    assert_eq!(
        body.matches(&format!("--{boundary}\r\n")).count(),
        2,
        "two parts"
    );
    assert!(
        body.contains(&format!("--{boundary}--")),
        "closing boundary"
    );
    assert!(body.contains("text/plain"));
    assert!(body.contains("text/html"));
}

#[tokio::test]
async fn file_mailer_writes_one_parseable_eml_per_message_id() {
    let dir = tempfile::tempdir().unwrap();
    let mail_dir = dir.path().join("nested/mail");
    let mailer = FileMailer::new(&mail_dir, MailBranding::local());
    let id = unique_message_id("file");
    let message = rendered(&id);

    mailer.send(&message).await.unwrap();
    let files = eml_files(&mail_dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert!(name.ends_with(&format!("-{}.eml", file_key(&id))), "{name}");
    let raw = std::fs::read_to_string(&files[0]).unwrap();
    assert_parseable_eml(&raw, &id);

    // A retried delivery replaces the file instead of adding one.
    mailer.send(&message).await.unwrap();
    assert_eq!(eml_files(&mail_dir), files);

    let other = unique_message_id("file2");
    mailer.send(&rendered(&other)).await.unwrap();
    let files = eml_files(&mail_dir);
    assert_eq!(files.len(), 2);
    assert!(
        files[1]
            .to_str()
            .unwrap()
            .ends_with(&format!("{}.eml", file_key(&other)))
    );
}

#[tokio::test]
async fn smtp_mailer_delivers_to_a_real_server() {
    let (Ok(url), Ok(maildir)) = (
        std::env::var("HARMONY_TEST_SMTP_URL"),
        std::env::var("HARMONY_TEST_SMTP_MAILDIR"),
    ) else {
        eprintln!(
            "note: HARMONY_TEST_SMTP_URL / HARMONY_TEST_SMTP_MAILDIR not set; skipping the \
             real SMTP test (start the sink: eval \"$(bash .ci/smtp-sink/start.sh)\")"
        );
        return;
    };
    let mailer = SmtpMailer::from_url(&url, MailBranding::local()).unwrap();
    let id = unique_message_id("smtp");
    mailer.send(&rendered(&id)).await.unwrap();

    let path = Path::new(&maildir).join(format!("{}.eml", file_key(&id)));
    let deadline = Instant::now() + Duration::from_secs(5);
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} not delivered within 5 s",
            path.display()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let raw = std::fs::read_to_string(&path).unwrap();
    // The sink stores what went over the wire; lettre uses CRLF line ends.
    assert_parseable_eml(&raw, &id);
    assert!(raw.contains("ann@example.com"));
}

#[tokio::test]
async fn smtp_down_is_a_transient_transport_error() {
    // Reserve a free port, then close it: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let settings = SmtpSettings {
        host: "127.0.0.1".to_owned(),
        port,
        username: None,
        password: None,
        tls: SmtpTls::None,
        timeout: Duration::from_secs(2),
    };
    let mailer = SmtpMailer::new(&settings, MailBranding::local()).unwrap();
    let err = mailer
        .send(&rendered(&unique_message_id("down")))
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::Transport(_)), "{err:?}");
    assert!(err.is_transient());

    let mailer =
        SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}"), MailBranding::local()).unwrap();
    let err = mailer
        .send(&rendered(&unique_message_id("down2")))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
}

/// A scripted SMTP server that refuses every recipient with `code`.
async fn refusing_server(code: &'static str) -> u16 {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (read, mut write) = socket.into_split();
            let mut lines = BufReader::new(read).lines();
            write.write_all(b"220 refuser ESMTP\r\n").await.ok();
            while let Ok(Some(line)) = lines.next_line().await {
                let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                let reply = match verb.as_str() {
                    "EHLO" | "HELO" => "250 refuser".to_owned(),
                    "RCPT" => format!("{code} refused"),
                    "QUIT" => "221 bye".to_owned(),
                    _ => "250 ok".to_owned(),
                };
                write
                    .write_all(format!("{reply}\r\n").as_bytes())
                    .await
                    .ok();
                if verb == "QUIT" {
                    break;
                }
            }
        }
    });
    port
}

#[tokio::test]
async fn smtp_5xx_is_rejected_and_4xx_is_transient() {
    for (code, permanent) in [("550", true), ("451", false)] {
        let port = refusing_server(code).await;
        let settings = SmtpSettings {
            host: "127.0.0.1".to_owned(),
            port,
            username: None,
            password: None,
            tls: SmtpTls::None,
            timeout: Duration::from_secs(2),
        };
        let mailer = SmtpMailer::new(&settings, MailBranding::local()).unwrap();
        let err = mailer
            .send(&rendered(&unique_message_id("refused")))
            .await
            .unwrap_err();
        if permanent {
            assert!(matches!(err, MailError::Rejected(_)), "{code}: {err:?}");
        } else {
            assert!(matches!(err, MailError::Transport(_)), "{code}: {err:?}");
        }
        assert!(err.to_string().contains(code), "{err}");
    }
}
