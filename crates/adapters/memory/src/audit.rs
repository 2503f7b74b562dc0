//! The audit trail in memory: [`AuditLog`] lives in the store's shared state
//! (so identity and tenancy commits can append in the same swap as their
//! change), plus [`InMemoryArchiveStore`] for archive files.

use crate::identity::InMemoryStore;
use harmony_audit::chain::extend_chain;
use harmony_audit::{
    ArchiveDir, ArchiveFileInfo, ArchiveStore, AuditFilter, AuditRecord, AuditStatistics,
    AuditStore, GENESIS_HASH, TenantFilter,
};
use harmony_kernel::{AuditEntry, Page, PageRequest, StoreError, TenantId};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, PoisonError};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// The records and the head (`seq`, hash) of every chain ever appended to.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuditLog {
    records: Vec<AuditRecord>,
    heads: HashMap<Option<TenantId>, (i64, String)>,
}

impl AuditLog {
    /// Chains and stores entries; runs under the store's mutex, which
    /// serialises appends as the SQL adapter's head lock does.
    pub(crate) fn append(&mut self, entries: &[AuditEntry]) {
        for e in entries {
            let (seq, hash) = self
                .heads
                .get(&e.tenant_id)
                .cloned()
                .unwrap_or_else(|| (0, GENESIS_HASH.to_owned()));
            let records = extend_chain(seq, &hash, std::slice::from_ref(e));
            for r in records {
                self.heads
                    .insert(r.entry.tenant_id, (r.seq, r.hash.clone()));
                self.records.push(r);
            }
        }
    }

    /// Matching records, newest first (`at` desc, then `seq` desc).
    fn matching(&self, filter: &AuditFilter) -> Vec<AuditRecord> {
        let mut found: Vec<AuditRecord> = self
            .records
            .iter()
            .filter(|r| filter.matches(r))
            .cloned()
            .collect();
        found.sort_by_key(|r| std::cmp::Reverse((r.entry.at, r.seq)));
        found
    }

    fn statistics(&self, tenant: TenantFilter, now: OffsetDateTime) -> AuditStatistics {
        let rows: Vec<&AuditEntry> = self
            .records
            .iter()
            .map(|r| &r.entry)
            .filter(|e| tenant.admits(e.tenant_id))
            .collect();
        let since = now - Duration::hours(24);
        let recent = |action: &str| {
            rows.iter()
                .filter(|e| e.action == action && e.at >= since)
                .count() as u64
        };
        let mut by_action: BTreeMap<&str, u64> = BTreeMap::new();
        let mut by_status: BTreeMap<&str, u64> = BTreeMap::new();
        for e in &rows {
            *by_action.entry(e.action.as_str()).or_default() += 1;
            *by_status.entry(e.status.as_str()).or_default() += 1;
        }
        let users: BTreeSet<_> = rows.iter().filter_map(|e| e.user_id).collect();
        let mut top: Vec<(String, u64)> = by_action
            .iter()
            .map(|(a, n)| ((*a).to_owned(), *n))
            .collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        top.truncate(10);
        AuditStatistics {
            total_logs: rows.len() as u64,
            total_users: users.len() as u64,
            total_actions: by_action.len() as u64,
            failed_logins_24h: recent("auth.login_failed"),
            successful_logins_24h: recent("auth.login"),
            logs_24h: rows.iter().filter(|e| e.at >= since).count() as u64,
            actions_by_type: top,
            actions_by_status: by_status
                .into_iter()
                .map(|(s, n)| (s.to_owned(), n))
                .collect(),
        }
    }

    fn distinct(&self, tenant: TenantFilter, pick: fn(&AuditEntry) -> &str) -> Vec<String> {
        let set: BTreeSet<&str> = self
            .records
            .iter()
            .filter(|r| tenant.admits(r.entry.tenant_id))
            .map(|r| pick(&r.entry))
            .collect();
        set.into_iter().map(str::to_owned).collect()
    }
}

#[async_trait::async_trait]
impl AuditStore for InMemoryStore {
    async fn append(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        self.lock().audit.append(entries);
        Ok(())
    }

    async fn list(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditRecord>, StoreError> {
        let found = self.lock().audit.matching(filter);
        let total = found.len() as u64;
        let items = found
            .into_iter()
            .skip(usize::try_from(page.skip).unwrap_or(usize::MAX))
            .take(usize::try_from(page.limit).unwrap_or(usize::MAX))
            .collect();
        Ok(Page { items, total })
    }

    async fn get(&self, tenant: TenantFilter, id: Uuid) -> Result<Option<AuditRecord>, StoreError> {
        Ok(self
            .lock()
            .audit
            .records
            .iter()
            .find(|r| r.entry.id == id && tenant.admits(r.entry.tenant_id))
            .cloned())
    }

    async fn statistics(
        &self,
        tenant: TenantFilter,
        now: OffsetDateTime,
    ) -> Result<AuditStatistics, StoreError> {
        Ok(self.lock().audit.statistics(tenant, now))
    }

    async fn actions(&self, tenant: TenantFilter) -> Result<Vec<String>, StoreError> {
        Ok(self.lock().audit.distinct(tenant, |e| &e.action))
    }

    async fn resources(&self, tenant: TenantFilter) -> Result<Vec<String>, StoreError> {
        Ok(self.lock().audit.distinct(tenant, |e| &e.resource))
    }

    async fn chain(&self, tenant: Option<TenantId>) -> Result<Vec<AuditRecord>, StoreError> {
        let mut chain: Vec<AuditRecord> = self
            .lock()
            .audit
            .records
            .iter()
            .filter(|r| r.entry.tenant_id == tenant)
            .cloned()
            .collect();
        chain.sort_by_key(|r| r.seq);
        Ok(chain)
    }

    async fn delete_all(&self) -> Result<u64, StoreError> {
        let mut state = self.lock();
        let n = state.audit.records.len() as u64;
        state.audit.records.clear();
        Ok(n)
    }

    async fn older_than(
        &self,
        cutoff: OffsetDateTime,
        tenant: TenantFilter,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let mut found: Vec<AuditRecord> = self
            .lock()
            .audit
            .records
            .iter()
            .filter(|r| r.entry.at < cutoff && tenant.admits(r.entry.tenant_id))
            .cloned()
            .collect();
        found.sort_by_key(|r| (r.entry.at, r.seq));
        Ok(found)
    }

    async fn delete_ids(&self, ids: &[Uuid]) -> Result<u64, StoreError> {
        let wanted: BTreeSet<&Uuid> = ids.iter().collect();
        let mut state = self.lock();
        let before = state.audit.records.len();
        state
            .audit
            .records
            .retain(|r| !wanted.contains(&r.entry.id));
        Ok((before - state.audit.records.len()) as u64)
    }
}

/// Files by directory and name: bytes and modification time.
type Files = BTreeMap<(ArchiveDir, String), (Vec<u8>, OffsetDateTime)>;

/// Archive files in memory, for tests and examples.
#[derive(Debug, Default)]
pub struct InMemoryArchiveStore {
    files: Mutex<Files>,
}

impl InMemoryArchiveStore {
    /// No files.
    pub fn new() -> Self {
        Self::default()
    }

    fn files(&self) -> std::sync::MutexGuard<'_, Files> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Replaces a file's bytes (tests that simulate a corrupted write).
    pub fn overwrite(&self, dir: ArchiveDir, name: &str, bytes: Vec<u8>) {
        self.files()
            .insert((dir, name.to_owned()), (bytes, OffsetDateTime::now_utc()));
    }
}

#[async_trait::async_trait]
impl ArchiveStore for InMemoryArchiveStore {
    async fn put(&self, dir: &ArchiveDir, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let mut files = self.files();
        let key = (*dir, name.to_owned());
        if files.contains_key(&key) {
            return Err(StoreError::Conflict(format!("archive {name} exists")));
        }
        files.insert(key, (bytes.to_vec(), OffsetDateTime::now_utc()));
        Ok(())
    }

    async fn list(&self, dir: &ArchiveDir) -> Result<Vec<ArchiveFileInfo>, StoreError> {
        Ok(self
            .files()
            .iter()
            .filter(|((d, name), _)| {
                d == dir
                    && std::path::Path::new(name)
                        .extension()
                        .is_some_and(|x| x == "json")
            })
            .map(|((_, name), (bytes, at))| ArchiveFileInfo {
                name: name.clone(),
                size_bytes: bytes.len() as u64,
                modified_at: *at,
            })
            .collect())
    }

    async fn get(&self, dir: &ArchiveDir, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .files()
            .get(&(*dir, name.to_owned()))
            .map(|(b, _)| b.clone()))
    }

    async fn delete(&self, dir: &ArchiveDir, name: &str) -> Result<bool, StoreError> {
        Ok(self.files().remove(&(*dir, name.to_owned())).is_some())
    }
}
