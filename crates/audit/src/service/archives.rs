//! Clearing and archiving the trail, and the archive files (§3.8, 5–9 and
//! 11–13). An archive deletes rows only after the file it wrote was read
//! back and holds exactly them.

use super::AuditService;
use crate::archive::{self, ArchiveHeader};
use crate::error::AuditError;
use crate::model::{ArchiveDir, TenantFilter};
use harmony_kernel::{AuditEntry, Principal, StoreError, TenantId};
use time::{Duration, OffsetDateTime};

/// How far back the default cutoff of an archive lies.
pub const DEFAULT_RETENTION: Duration = Duration::days(90);

/// Attempts at a free file name within one second.
const NAME_ATTEMPTS: u32 = 20;

/// What an archive run did (`ArchiveResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveOutcome {
    /// Records moved to the file.
    pub archived: u64,
    /// The cutoff used.
    pub before_date: OffsetDateTime,
    /// The file written: name and size; `None` when nothing was old enough.
    pub file: Option<(String, u64)>,
}

/// One archive file as listed (`ArchiveInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveListing {
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// File modification time.
    pub modified_at: OffsetDateTime,
    /// What the file says about itself.
    pub summary: archive::ArchiveSummary,
}

impl AuditService {
    /// Endpoint 5: hard-deletes every record (dev tools only), then records
    /// `system.audit_logs_cleared`. Returns how many were deleted.
    ///
    /// # Errors
    /// 403 without `system.audit.manage` or with dev tools off; storage failures.
    pub async fn clear(&self, who: &Principal) -> Result<u64, AuditError> {
        Self::require_manage(who)?;
        if !self.dev_tools {
            return Err(AuditError::ClearNeedsDevTools);
        }
        let deleted = self.store.delete_all().await?;
        let entry = AuditEntry::by(
            who,
            "system.audit_logs_cleared",
            "audit_log",
            self.clock.now(),
        )
        .tenant(None)
        .detail("records_deleted", deleted);
        self.store.append(&[entry]).await?;
        Ok(deleted)
    }

    /// Endpoint 6: moves every record (any tenant) older than `before`
    /// (default now − 90 days) into a platform archive file.
    ///
    /// # Errors
    /// 403 without `system.audit.manage`; [`AuditError::ArchiveUnverified`]
    /// (nothing deleted); storage failures.
    pub async fn archive(
        &self,
        who: &Principal,
        archived_by: &str,
        before: Option<OffsetDateTime>,
    ) -> Result<ArchiveOutcome, AuditError> {
        Self::require_manage(who)?;
        self.archive_into(who, archived_by, ArchiveDir::Platform, None, before)
            .await
    }

    /// Endpoint 11: moves the caller's tenant's records older than `before`
    /// into the tenant's archive directory. `tenant_name` goes into the file.
    ///
    /// # Errors
    /// Guard refusals ([`Self::tenant_archive_scope`]); as [`Self::archive`].
    pub async fn archive_tenant(
        &self,
        who: &Principal,
        archived_by: &str,
        tenant_name: &str,
        before: Option<OffsetDateTime>,
    ) -> Result<ArchiveOutcome, AuditError> {
        let tenant = self.tenant_archive_scope(who)?;
        let dir = ArchiveDir::Tenant(tenant);
        self.archive_into(who, archived_by, dir, Some((tenant, tenant_name)), before)
            .await
    }

    async fn archive_into(
        &self,
        who: &Principal,
        archived_by: &str,
        dir: ArchiveDir,
        tenant: Option<(TenantId, &str)>,
        before: Option<OffsetDateTime>,
    ) -> Result<ArchiveOutcome, AuditError> {
        let now = self.clock.now();
        let cutoff = before.unwrap_or(now - DEFAULT_RETENTION);
        let filter = tenant.map_or(TenantFilter::All, |(t, _)| TenantFilter::One(t));
        let records = self.store.older_than(cutoff, filter).await?;
        if records.is_empty() {
            return Ok(ArchiveOutcome {
                archived: 0,
                before_date: cutoff,
                file: None,
            });
        }
        let header = ArchiveHeader {
            archived_at: now,
            archived_by,
            before_date: cutoff,
            tenant,
        };
        let bytes = archive::document(header, &records)?;
        let name = self.put_new(&dir, now, &bytes).await?;
        let ids: Vec<_> = records.iter().map(|r| r.entry.id).collect();
        let back = self
            .archives
            .get(&dir, &name)
            .await?
            .ok_or_else(|| AuditError::ArchiveUnverified("the file is gone".to_owned()))?;
        archive::verify_document(&back, &ids)?;
        self.store.delete_ids(&ids).await?;
        let size = bytes.len() as u64;
        let entry = AuditEntry::by(who, "system.audit_logs_archived", "audit_log", now)
            .tenant(tenant.map(|(t, _)| t))
            .detail("records_archived", ids.len())
            .detail("before_date", archive::iso_naive(cutoff))
            .detail("archive_file", name.as_str())
            .detail("file_size_bytes", size);
        self.store.append(&[entry]).await?;
        Ok(ArchiveOutcome {
            archived: ids.len() as u64,
            before_date: cutoff,
            file: Some((name, size)),
        })
    }

    /// Writes under the first free name of this second.
    async fn put_new(
        &self,
        dir: &ArchiveDir,
        now: OffsetDateTime,
        bytes: &[u8],
    ) -> Result<String, AuditError> {
        for attempt in 1..=NAME_ATTEMPTS {
            let name = archive::file_name(now, attempt);
            match self.archives.put(dir, &name, bytes).await {
                Ok(()) => return Ok(name),
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Err(AuditError::ArchiveUnverified(
            "no free archive file name".to_owned(),
        ))
    }

    async fn listing(&self, dir: ArchiveDir) -> Result<Vec<ArchiveListing>, AuditError> {
        let mut files = self.archives.list(&dir).await?;
        files.sort_by(|a, b| b.name.cmp(&a.name));
        let mut out = Vec::with_capacity(files.len());
        for f in files {
            let bytes = self.archives.get(&dir, &f.name).await?.unwrap_or_default();
            out.push(ArchiveListing {
                summary: archive::summary(&bytes),
                name: f.name,
                size_bytes: f.size_bytes,
                modified_at: f.modified_at,
            });
        }
        Ok(out)
    }

    async fn download(&self, dir: ArchiveDir, name: &str) -> Result<Vec<u8>, AuditError> {
        archive::validate_filename(name)?;
        self.archives
            .get(&dir, name)
            .await?
            .ok_or(AuditError::ArchiveNotFound)
    }

    /// Endpoint 7: platform archive files, newest name first.
    ///
    /// # Errors
    /// 403 without `system.audit.manage`; storage failures.
    pub async fn list_archives(&self, who: &Principal) -> Result<Vec<ArchiveListing>, AuditError> {
        Self::require_manage(who)?;
        self.listing(ArchiveDir::Platform).await
    }

    /// Endpoint 8: one platform archive file's bytes.
    ///
    /// # Errors
    /// 403; 400 `Invalid filename`; 404 `Archive file not found`.
    pub async fn download_archive(
        &self,
        who: &Principal,
        name: &str,
    ) -> Result<Vec<u8>, AuditError> {
        Self::require_manage(who)?;
        self.download(ArchiveDir::Platform, name).await
    }

    /// Endpoint 9: deletes a platform archive file (dev tools only) and
    /// records `system.archive_file_deleted`.
    ///
    /// # Errors
    /// 403 (also with dev tools off); 400; 404.
    pub async fn delete_archive(&self, who: &Principal, name: &str) -> Result<(), AuditError> {
        Self::require_manage(who)?;
        if !self.dev_tools {
            return Err(AuditError::DeleteArchiveNeedsDevTools);
        }
        archive::validate_filename(name)?;
        if !self.archives.delete(&ArchiveDir::Platform, name).await? {
            return Err(AuditError::ArchiveNotFound);
        }
        let entry = AuditEntry::by(
            who,
            "system.archive_file_deleted",
            "audit_archive",
            self.clock.now(),
        )
        .tenant(None)
        .detail("filename", name);
        self.store.append(&[entry]).await?;
        Ok(())
    }

    /// Endpoint 12: the caller's tenant's archive files, newest name first.
    ///
    /// # Errors
    /// Guard refusals; storage failures.
    pub async fn list_tenant_archives(
        &self,
        who: &Principal,
    ) -> Result<Vec<ArchiveListing>, AuditError> {
        let tenant = self.tenant_archive_scope(who)?;
        self.listing(ArchiveDir::Tenant(tenant)).await
    }

    /// Endpoint 13: one of the caller's tenant's archive files.
    ///
    /// # Errors
    /// Guard refusals; 400; 404.
    pub async fn download_tenant_archive(
        &self,
        who: &Principal,
        name: &str,
    ) -> Result<Vec<u8>, AuditError> {
        let tenant = self.tenant_archive_scope(who)?;
        self.download(ArchiveDir::Tenant(tenant), name).await
    }
}
