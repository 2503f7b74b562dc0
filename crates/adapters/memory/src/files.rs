//! `FileStore` over the same state as `IdentityStore`, so a storage
//! reservation changes the very tenant row registration created and an
//! avatar change the very user row, atomically with the file records.

use crate::identity::{InMemoryStore, State};
use harmony_files::model::{FileCategory, FileRecord, FileStatus};
use harmony_files::ports::{CONFLICT_STORAGE_QUOTA, FileChange, FileFilter, FileStore};
use harmony_kernel::{OperatorScope, Page, PageRequest, StoreError, TenantId, TenantScope, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

impl State {
    fn apply_file(&mut self, change: &FileChange) -> Result<(), StoreError> {
        match change.clone() {
            FileChange::Insert(f) => {
                if self.files.contains_key(&f.id) {
                    return Err(StoreError::Conflict("files.pkey".to_owned()));
                }
                if self.files.values().any(|o| o.storage_key == f.storage_key) {
                    return Err(StoreError::Conflict("files.storage_key".to_owned()));
                }
                self.files.insert(f.id, f);
            }
            FileChange::Update {
                file,
                expected_version,
            } => {
                let stored = self
                    .files
                    .get_mut(&file.id)
                    .filter(|s| s.tenant_id == file.tenant_id)
                    .ok_or(StoreError::StaleVersion)?;
                if stored.version != expected_version {
                    return Err(StoreError::StaleVersion);
                }
                *stored = file;
            }
            FileChange::Delete { tenant_id, id } => {
                if self
                    .files
                    .get(&id)
                    .is_some_and(|f| f.tenant_id == tenant_id)
                {
                    self.files.remove(&id);
                }
            }
            FileChange::ReserveStorage {
                tenant_id,
                bytes,
                limit_bytes,
            } => {
                // Commits run under the store's mutex: the read-check-write is serialised.
                let tenant = self
                    .tenants
                    .get_mut(&tenant_id)
                    .ok_or_else(|| StoreError::Corrupt(format!("no tenant {tenant_id}")))?;
                let next = tenant.storage_used_bytes.saturating_add(bytes);
                if limit_bytes.is_some_and(|limit| next > limit) {
                    return Err(StoreError::Conflict(CONFLICT_STORAGE_QUOTA.to_owned()));
                }
                tenant.storage_used_bytes = next;
            }
            FileChange::ReleaseStorage { tenant_id, bytes } => {
                if let Some(t) = self.tenants.get_mut(&tenant_id) {
                    t.storage_used_bytes = t.storage_used_bytes.saturating_sub(bytes).max(0);
                }
            }
            FileChange::SetTenantLogo { tenant_id, url } => {
                if let Some(t) = self.tenants.get_mut(&tenant_id) {
                    t.logo_url = url;
                }
            }
            FileChange::SetUserAvatar {
                tenant_id,
                user_id,
                url,
            } => {
                if let Some(u) = self
                    .users
                    .get_mut(&user_id)
                    .filter(|u| u.tenant_id() == Some(tenant_id))
                {
                    u.avatar_url = url;
                }
            }
            FileChange::Outbox(message) => {
                self.outbox.push(crate::outbox::OutboxEntry::new(message));
            }
            FileChange::Audit(entry) => self.audit.append(std::slice::from_ref(&entry)),
        }
        Ok(())
    }

    fn active_files_of(&self, tenant_id: TenantId) -> impl Iterator<Item = &FileRecord> {
        self.files
            .values()
            .filter(move |f| f.tenant_id == tenant_id && f.status == FileStatus::Active)
    }
}

fn newest_first(files: &mut [FileRecord]) {
    files.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
}

fn matches(f: &FileRecord, filter: &FileFilter) -> bool {
    filter.category.is_none_or(|c| f.category == c)
        && filter
            .resource_type
            .as_deref()
            .is_none_or(|r| f.resource_type.as_deref() == Some(r))
        && filter.resource_id.is_none_or(|r| f.resource_id == Some(r))
}

impl InMemoryStore {
    /// Every file record of a tenant, any status (tests).
    pub fn files_of_tenant(&self, tenant_id: TenantId) -> Vec<FileRecord> {
        let mut files: Vec<FileRecord> = self
            .lock()
            .files
            .values()
            .filter(|f| f.tenant_id == tenant_id)
            .cloned()
            .collect();
        newest_first(&mut files);
        files
    }
}

#[async_trait::async_trait]
impl FileStore for InMemoryStore {
    async fn commit_files(&self, changes: &[FileChange]) -> Result<(), StoreError> {
        let mut guard = self.lock();
        let mut next = guard.clone();
        for change in changes {
            next.apply_file(change)?;
        }
        *guard = next;
        Ok(())
    }

    async fn file(&self, scope: &TenantScope, id: Uuid) -> Result<Option<FileRecord>, StoreError> {
        Ok(self
            .lock()
            .files
            .get(&id)
            .filter(|f| f.tenant_id == scope.tenant_id())
            .cloned())
    }

    async fn file_by_key(
        &self,
        scope: &TenantScope,
        key: &str,
    ) -> Result<Option<FileRecord>, StoreError> {
        Ok(self
            .lock()
            .files
            .values()
            .find(|f| f.tenant_id == scope.tenant_id() && f.storage_key == key)
            .cloned())
    }

    async fn list_files(
        &self,
        scope: &TenantScope,
        filter: &FileFilter,
        page: PageRequest,
    ) -> Result<Page<FileRecord>, StoreError> {
        let mut files: Vec<FileRecord> = self
            .lock()
            .active_files_of(scope.tenant_id())
            .filter(|f| matches(f, filter))
            .cloned()
            .collect();
        newest_first(&mut files);
        let total = files.len() as u64;
        let skip = usize::try_from(page.skip).unwrap_or(usize::MAX);
        let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
        Ok(Page {
            items: files.into_iter().skip(skip).take(limit).collect(),
            total,
        })
    }

    async fn files_of_resource(
        &self,
        scope: &TenantScope,
        category: FileCategory,
        resource_type: &str,
        resource_id: Uuid,
    ) -> Result<Vec<FileRecord>, StoreError> {
        let filter = FileFilter {
            category: Some(category),
            resource_type: Some(resource_type.to_owned()),
            resource_id: Some(resource_id),
        };
        let mut files: Vec<FileRecord> = self
            .lock()
            .active_files_of(scope.tenant_id())
            .filter(|f| matches(f, &filter))
            .cloned()
            .collect();
        newest_first(&mut files);
        Ok(files)
    }

    async fn storage_usage(&self, scope: &TenantScope) -> Result<(i64, i64, u64), StoreError> {
        let state = self.lock();
        let count = state.active_files_of(scope.tenant_id()).count() as u64;
        let (used, max) = state
            .tenants
            .get(&scope.tenant_id())
            .map_or((0, 0), |t| (t.storage_used_bytes, t.max_storage_gb.raw()));
        Ok((used, max, count))
    }

    async fn any_active_file(
        &self,
        _scope: &OperatorScope,
        id: Uuid,
    ) -> Result<Option<FileRecord>, StoreError> {
        Ok(self
            .lock()
            .files
            .get(&id)
            .filter(|f| f.status == FileStatus::Active)
            .cloned())
    }

    async fn stale_pending(
        &self,
        _scope: &OperatorScope,
        before: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<FileRecord>, StoreError> {
        let mut files: Vec<FileRecord> = self
            .lock()
            .files
            .values()
            .filter(|f| f.status == FileStatus::Pending && f.created_at < before)
            .cloned()
            .collect();
        files.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        files.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(files)
    }

    async fn recompute_storage(
        &self,
        _scope: &OperatorScope,
    ) -> Result<Vec<(TenantId, i64, i64)>, StoreError> {
        let mut state = self.lock();
        let mut sums: std::collections::HashMap<TenantId, i64> = std::collections::HashMap::new();
        for f in state
            .files
            .values()
            .filter(|f| f.status == FileStatus::Active)
        {
            *sums.entry(f.tenant_id).or_default() += f.size_bytes;
        }
        let mut changed = Vec::new();
        for t in state.tenants.values_mut() {
            let actual = sums.get(&t.id).copied().unwrap_or(0);
            if t.storage_used_bytes != actual {
                changed.push((t.id, t.storage_used_bytes, actual));
                t.storage_used_bytes = actual;
            }
        }
        Ok(changed)
    }

    async fn tenant_active(&self, scope: &TenantScope) -> Result<Option<bool>, StoreError> {
        Ok(self
            .lock()
            .tenants
            .get(&scope.tenant_id())
            .filter(|t| t.deleted_at.is_none())
            .map(|t| t.is_active))
    }

    async fn user_in_tenant(
        &self,
        scope: &TenantScope,
        user_id: UserId,
    ) -> Result<bool, StoreError> {
        Ok(self
            .lock()
            .users
            .get(&user_id)
            .is_some_and(|u| u.deleted_at.is_none() && u.tenant_id() == Some(scope.tenant_id())))
    }
}
