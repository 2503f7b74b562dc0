//! `BranchStore` over the same state as `IdentityStore`, so branches created
//! by registration are the ones tenancy's use cases see.

use crate::identity::{InMemoryStore, State};
use harmony_identity::model::UserKind;
use harmony_kernel::{BranchId, Page, PageRequest, StoreError, TenantScope};
use harmony_tenancy::ports::{
    BranchChange, BranchStore, CONFLICT_BRANCH_CODE, CONFLICT_BRANCH_HQ, CONFLICT_BRANCH_LIMIT,
};
use harmony_tenancy::{Branch, Tenant};
use std::collections::HashSet;

impl State {
    fn apply_branch(&mut self, change: &BranchChange) -> Result<(), StoreError> {
        match change.clone() {
            BranchChange::ReserveBranchSlot { tenant_id, limit } => {
                // Commits run under the store's mutex, so this count is serialised.
                let active = self
                    .branches
                    .values()
                    .filter(|b| b.tenant_id == tenant_id && b.is_counted())
                    .count() as u64;
                if limit.is_reached_by(active) {
                    return Err(StoreError::Conflict(CONFLICT_BRANCH_LIMIT.to_owned()));
                }
            }
            BranchChange::InsertBranch(b) => {
                if self.branches.contains_key(&b.id) {
                    return Err(StoreError::Conflict("branches.pkey".to_owned()));
                }
                self.branches.insert(b.id, b);
            }
            BranchChange::UpdateBranch {
                branch,
                expected_version,
            } => {
                let stored = self
                    .branches
                    .get_mut(&branch.id)
                    .filter(|s| s.tenant_id == branch.tenant_id)
                    .ok_or(StoreError::StaleVersion)?;
                if stored.version != expected_version {
                    return Err(StoreError::StaleVersion);
                }
                *stored = branch;
            }
            BranchChange::ClearHeadquarters { tenant_id, at } => {
                for b in self.branches.values_mut() {
                    if b.tenant_id == tenant_id && b.is_hq && b.is_active {
                        b.is_hq = false;
                        b.version += 1;
                        b.updated_at = Some(at);
                    }
                }
            }
            BranchChange::Audit(entry) => self.audit.append(std::slice::from_ref(&entry)),
        }
        self.check_branch_rules()
    }

    /// The schema's unique rules: `(tenant_id, code)` over every row, one
    /// active headquarters per tenant.
    fn check_branch_rules(&self) -> Result<(), StoreError> {
        let mut codes = HashSet::new();
        let mut hqs = HashSet::new();
        for b in self.branches.values() {
            if !codes.insert((b.tenant_id, b.code.as_str())) {
                return Err(StoreError::Conflict(CONFLICT_BRANCH_CODE.to_owned()));
            }
            if b.is_hq && b.is_active && !hqs.insert(b.tenant_id) {
                return Err(StoreError::Conflict(CONFLICT_BRANCH_HQ.to_owned()));
            }
        }
        Ok(())
    }
}

fn contains(hay: Option<&str>, needle: &str) -> bool {
    hay.is_some_and(|h| h.to_lowercase().contains(needle))
}

#[async_trait::async_trait]
impl BranchStore for InMemoryStore {
    async fn commit_branches(&self, changes: &[BranchChange]) -> Result<(), StoreError> {
        let mut guard = self.lock();
        let mut next = guard.clone();
        for change in changes {
            next.apply_branch(change)?;
        }
        *guard = next;
        Ok(())
    }

    async fn tenant(&self, scope: &TenantScope) -> Result<Option<Tenant>, StoreError> {
        Ok(self.lock().tenants.get(&scope.tenant_id()).cloned())
    }

    async fn branch(
        &self,
        scope: &TenantScope,
        id: BranchId,
    ) -> Result<Option<Branch>, StoreError> {
        Ok(self
            .lock()
            .branches
            .get(&id)
            .filter(|b| b.tenant_id == scope.tenant_id() && b.is_live())
            .cloned())
    }

    async fn list_branches(
        &self,
        scope: &TenantScope,
        search: Option<String>,
        page: PageRequest,
    ) -> Result<Page<Branch>, StoreError> {
        let needle = search
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        let mut found: Vec<Branch> = self
            .lock()
            .branches
            .values()
            .filter(|b| b.tenant_id == scope.tenant_id() && b.is_counted())
            .filter(|b| {
                needle.as_deref().is_none_or(|n| {
                    contains(Some(&b.name), n)
                        || contains(Some(&b.code), n)
                        || contains(b.city.as_deref(), n)
                })
            })
            .cloned()
            .collect();
        found.sort_by(|a, b| {
            (b.is_hq, b.created_at, b.id.into_uuid()).cmp(&(
                a.is_hq,
                a.created_at,
                a.id.into_uuid(),
            ))
        });
        let total = found.len() as u64;
        let skip = usize::try_from(page.skip).unwrap_or(usize::MAX);
        let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
        Ok(Page {
            items: found.into_iter().skip(skip).take(limit).collect(),
            total,
        })
    }

    async fn count_active_branches(&self, scope: &TenantScope) -> Result<u64, StoreError> {
        Ok(self
            .lock()
            .branches
            .values()
            .filter(|b| b.tenant_id == scope.tenant_id() && b.is_counted())
            .count() as u64)
    }

    async fn count_active_users_with_default_branch(
        &self,
        scope: &TenantScope,
        id: BranchId,
    ) -> Result<u64, StoreError> {
        Ok(self
            .lock()
            .users
            .values()
            .filter(|u| {
                matches!(u.kind, UserKind::Tenant { tenant_id, .. } if tenant_id == scope.tenant_id())
                    && u.default_branch_id == Some(id)
                    && u.is_active
                    && u.deleted_at.is_none()
            })
            .count() as u64)
    }
}
