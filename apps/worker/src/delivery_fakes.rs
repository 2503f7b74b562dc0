//! Test doubles for the delivery loop: an outbox honouring leases and retry
//! times, a settable clock, a trivial renderer and a scripted mailer.

use super::*;
use harmony_kernel::StoreError;
use harmony_kernel::ids::OutboxId;
use harmony_kernel::mail::{MailError, MailMessage, MailTemplate};
use harmony_kernel::outbox::OutboxMessage;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use time::macros::datetime;

#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) message: OutboxMessage,
    pub(super) attempts: u32,
    pub(super) delivered: bool,
    pub(super) dead: bool,
    pub(super) retry_at: OffsetDateTime,
    pub(super) leased_until: Option<OffsetDateTime>,
    pub(super) last_error: Option<String>,
}

/// An in-memory outbox honouring leases and retry times.
#[derive(Default)]
pub(super) struct FakeStore {
    pub(super) rows: Mutex<Vec<Row>>,
    pub(super) fail_claims: AtomicBool,
}

impl FakeStore {
    pub(super) fn row(&self, id: OutboxId) -> Row {
        self.rows
            .lock()
            .unwrap()
            .iter()
            .find(|r| r.message.id == id)
            .cloned()
            .unwrap()
    }
}

#[async_trait::async_trait]
impl OutboxStore for FakeStore {
    async fn enqueue(&self, messages: &[OutboxMessage]) -> Result<(), StoreError> {
        let mut rows = self.rows.lock().unwrap();
        for m in messages {
            rows.push(Row {
                message: m.clone(),
                attempts: 0,
                delivered: false,
                dead: false,
                retry_at: m.created_at,
                leased_until: None,
                last_error: None,
            });
        }
        Ok(())
    }

    async fn claim_due(
        &self,
        now: OffsetDateTime,
        lease: time::Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedMessage>, StoreError> {
        if self.fail_claims.load(Ordering::SeqCst) {
            return Err(StoreError::Corrupt("database down".to_owned()));
        }
        let mut rows = self.rows.lock().unwrap();
        let due = rows.iter_mut().filter(|r| {
            !r.delivered && !r.dead && r.retry_at <= now && r.leased_until.is_none_or(|l| l <= now)
        });
        Ok(due
            .take(limit as usize)
            .map(|r| {
                r.leased_until = Some(now + lease);
                ClaimedMessage {
                    message: r.message.clone(),
                    attempts: r.attempts,
                }
            })
            .collect())
    }

    async fn mark_delivered(&self, id: OutboxId, _at: OffsetDateTime) -> Result<(), StoreError> {
        let mut rows = self.rows.lock().unwrap();
        let row = rows.iter_mut().find(|r| r.message.id == id).unwrap();
        row.delivered = true;
        row.leased_until = None;
        Ok(())
    }

    async fn mark_failed(
        &self,
        id: OutboxId,
        error: &str,
        retry_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        let mut rows = self.rows.lock().unwrap();
        let row = rows.iter_mut().find(|r| r.message.id == id).unwrap();
        row.attempts += 1;
        row.last_error = Some(error.to_owned());
        row.leased_until = None;
        match retry_at {
            Some(at) => row.retry_at = at,
            None => row.dead = true,
        }
        Ok(())
    }

    async fn pending_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .rows
            .lock()
            .unwrap()
            .iter()
            .filter(|r| !r.delivered && !r.dead)
            .count() as u64)
    }
}

pub(super) struct FakeClock(pub(super) Mutex<OffsetDateTime>);

impl FakeClock {
    pub(super) fn advance(&self, by: time::Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for FakeClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

/// Renders `"<template>"` as subject; `{"broken": true}` is a template error.
pub(super) struct FakeRenderer;

impl MailRenderer for FakeRenderer {
    fn render(&self, job: &EmailJob, message_id: &str) -> Result<MailMessage, MailError> {
        if job.vars.get("broken").is_some() {
            return Err(MailError::Template("variable \"x\" not found".to_owned()));
        }
        Ok(MailMessage {
            to: job.to.clone(),
            subject: job.template.name().to_owned(),
            html: "<p>hi</p>".to_owned(),
            text: "hi".to_owned(),
            message_id: message_id.to_owned(),
        })
    }
}

/// Records sends; answers with scripted results, then `Ok`.
#[derive(Default)]
pub(super) struct FakeMailer {
    pub(super) script: Mutex<VecDeque<Result<(), MailError>>>,
    pub(super) calls: Mutex<Vec<MailMessage>>,
}

impl FakeMailer {
    pub(super) fn script(&self, results: impl IntoIterator<Item = Result<(), MailError>>) {
        self.script.lock().unwrap().extend(results);
    }
    pub(super) fn calls(&self) -> Vec<MailMessage> {
        self.calls.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl Mailer for FakeMailer {
    async fn send(&self, message: &MailMessage) -> Result<(), MailError> {
        self.calls.lock().unwrap().push(message.clone());
        self.script.lock().unwrap().pop_front().unwrap_or(Ok(()))
    }
}

pub(super) struct Harness {
    pub(super) store: Arc<FakeStore>,
    pub(super) mailer: Arc<FakeMailer>,
    pub(super) clock: Arc<FakeClock>,
    pub(super) worker: Arc<OutboxWorker>,
}

pub(super) fn harness(config: WorkerConfig) -> Harness {
    let store = Arc::new(FakeStore::default());
    let mailer = Arc::new(FakeMailer::default());
    let clock = Arc::new(FakeClock(Mutex::new(datetime!(2026-11-25 12:00 UTC))));
    let worker = Arc::new(OutboxWorker::new(
        store.clone(),
        Arc::new(FakeRenderer),
        mailer.clone(),
        clock.clone(),
        config,
    ));
    Harness {
        store,
        mailer,
        clock,
        worker,
    }
}

impl Harness {
    pub(super) async fn enqueue(&self, message: OutboxMessage) -> OutboxId {
        let id = message.id;
        self.store.enqueue(&[message]).await.unwrap();
        id
    }
    pub(super) async fn enqueue_mail(&self, vars: serde_json::Value) -> OutboxId {
        let job = EmailJob {
            to: "ann@example.com".to_owned(),
            template: MailTemplate::Welcome,
            vars,
        };
        self.enqueue(job.into_outbox(self.clock.now())).await
    }
    pub(super) fn report(delivered: u32, retried: u32, dead: u32) -> DeliveryReport {
        DeliveryReport {
            delivered,
            retried,
            dead,
            store_errors: 0,
            claimed: delivered + retried + dead,
        }
    }
}

pub(super) fn transport_error() -> Result<(), MailError> {
    Err(MailError::Transport("connection refused".to_owned()))
}
