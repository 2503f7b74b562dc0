//! The files context's worker jobs: deleting bytes after a commit retired
//! their record, removing a closed tenant's bytes, and sweeping unconfirmed
//! uploads.

use crate::jobs::{JobError, PeriodicJob, TopicHandler};
use harmony_files::error::FilesError;
use harmony_files::service::FilesService;
use harmony_kernel::outbox::{OutboxMessage, TOPIC_TENANT_CLOSED};
use harmony_kernel::{DomainError, ErrorKind, Principal};
use std::sync::Arc;

/// Unreachable storage is worth a retry; anything else is not.
fn job_error(e: &FilesError) -> JobError {
    match e.kind() {
        ErrorKind::Unavailable | ErrorKind::Internal => JobError::Transient(e.to_string()),
        _ => JobError::Permanent(e.to_string()),
    }
}

/// Handles `files.delete_object` and the kernel's `tenant.closed`.
pub(crate) struct FileObjectJobs(pub(crate) Arc<FilesService>);

#[async_trait::async_trait]
impl TopicHandler for FileObjectJobs {
    async fn handle(&self, message: &OutboxMessage) -> Result<(), JobError> {
        if message.topic == TOPIC_TENANT_CLOSED {
            let removed = self
                .0
                .purge_tenant_job(message)
                .await
                .map_err(|e| job_error(&e))?;
            tracing::info!(removed, "closed tenant's objects removed");
            return Ok(());
        }
        self.0
            .delete_object_job(message)
            .await
            .map_err(|e| job_error(&e))
    }
}

/// Deletes unconfirmed uploads older than `storage.pending_max_age_hours`.
pub(crate) struct SweepUnconfirmedUploads(pub(crate) Arc<FilesService>);

#[async_trait::async_trait]
impl PeriodicJob for SweepUnconfirmedUploads {
    fn name(&self) -> &'static str {
        "files_sweep_unconfirmed"
    }

    async fn run(&self) -> Result<String, String> {
        self.0
            .sweep_stale_uploads(&Principal::platform_job(), 500)
            .await
            .map(|n| format!("{n} unconfirmed uploads removed"))
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use harmony_adapters_memory::{InMemoryObjectStorage, InMemoryStore};
    use harmony_files::service::FilesConfig;
    use harmony_kernel::{OutboxId, SystemClock, TenantId};

    fn service(objects: Arc<InMemoryObjectStorage>) -> Arc<FilesService> {
        Arc::new(FilesService::new(
            Arc::new(InMemoryStore::new()),
            objects,
            Arc::new(SystemClock),
            FilesConfig::default(),
        ))
    }

    fn closed(tenant: TenantId) -> OutboxMessage {
        OutboxMessage {
            id: OutboxId::new(),
            topic: TOPIC_TENANT_CLOSED.to_owned(),
            payload: serde_json::json!({ "tenant_id": tenant }),
            created_at: time::OffsetDateTime::now_utc(),
        }
    }

    #[tokio::test]
    async fn a_closed_tenants_bytes_go_and_others_stay() {
        let objects = Arc::new(InMemoryObjectStorage::new());
        let (gone, kept) = (TenantId::new(), TenantId::new());
        for key in [
            format!("documents/{gone}/a.pdf"),
            format!("avatars/{gone}/b.png"),
            format!("tenant-logos/{gone}/c.png"),
            format!("documents/{kept}/d.pdf"),
        ] {
            objects.put(&key, b"x", None);
        }
        let jobs = FileObjectJobs(service(objects.clone()));
        jobs.handle(&closed(gone)).await.unwrap();
        assert_eq!(objects.keys(), vec![format!("documents/{kept}/d.pdf")]);
        // at-least-once: handling it again is harmless
        jobs.handle(&closed(gone)).await.unwrap();
    }

    #[tokio::test]
    async fn bad_payloads_are_permanent_and_outages_transient() {
        let objects = Arc::new(InMemoryObjectStorage::new());
        let jobs = FileObjectJobs(service(objects.clone()));
        let mut bad = closed(TenantId::new());
        bad.payload = serde_json::json!({});
        assert!(matches!(
            jobs.handle(&bad).await,
            Err(JobError::Permanent(_))
        ));
        objects.set_unavailable(true);
        let err = jobs.handle(&closed(TenantId::new())).await;
        assert!(matches!(err, Err(JobError::Transient(_))), "{err:?}");
    }

    #[tokio::test]
    async fn the_sweep_runs_as_the_platform() {
        let sweep = SweepUnconfirmedUploads(service(Arc::new(InMemoryObjectStorage::new())));
        assert_eq!(sweep.run().await.unwrap(), "0 unconfirmed uploads removed");
    }
}
