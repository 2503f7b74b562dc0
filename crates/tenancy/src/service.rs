//! Tenancy's use cases: the branch endpoints of §3.3, one method each.
//!
//! Every use case follows "decide, then persist atomically": it loads what
//! it needs through [`BranchStore`], decides the full outcome as a list of
//! [`BranchChange`]s and persists it with exactly one
//! [`BranchStore::commit_branches`]. Every method first checks the caller's
//! role (guards G-LADMIN then G-TENANT for writes, G-TENANT for reads) and
//! that the tenant is active.
//!
//! Decisions beyond the original (§11): soft-deleted branches are 404
//! (defect 40); `is_active` via update obeys the delete rules and, on
//! reactivation, the subscription and branch limit (defect 8); `is_hq=true`
//! on create or update demotes the previous headquarters in the same commit,
//! like set-hq (defect 9); `is_hq=false` on the headquarters and making an
//! inactive branch the headquarters are refused, so a tenant always keeps
//! exactly one active headquarters.

use crate::audit as branch_audit;
pub use crate::commands::{BranchUpdate, NewBranch};
use crate::error::TenancyError;
use crate::model::{Branch, Tenant, coordinate};
use crate::ports::{
    BranchChange, BranchStore, CONFLICT_BRANCH_CODE, CONFLICT_BRANCH_HQ, CONFLICT_BRANCH_LIMIT,
};
use harmony_kernel::{
    AccessError, BranchId, Clock, Page, PageRequest, Principal, StoreError, SystemRole,
    TenantPermission, TenantRole, TenantScope,
};
use std::sync::Arc;

/// Tenancy's use cases over its ports; cheap to clone and share.
#[derive(Clone)]
pub struct TenancyService {
    store: Arc<dyn BranchStore>,
    clock: Arc<dyn Clock>,
}

fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), TenancyError> {
    let n = value.chars().count();
    if n == 0 || n > max {
        return Err(TenancyError::validation(
            field,
            format!("must have 1 to {max} characters"),
        ));
    }
    Ok(())
}

/// Reads a commit failure in the light of the decision that was committed.
fn commit_error(e: StoreError, code: &str, tenant: &Tenant) -> TenancyError {
    match e {
        StoreError::Conflict(c) if c == CONFLICT_BRANCH_LIMIT => {
            TenancyError::BranchLimitReached(tenant.max_branches.raw())
        }
        StoreError::Conflict(c) if c == CONFLICT_BRANCH_CODE => {
            TenancyError::CodeExists(code.to_owned())
        }
        StoreError::Conflict(c) if c == CONFLICT_BRANCH_HQ => TenancyError::Conflict,
        other => other.into(),
    }
}

impl TenancyService {
    /// Wires the service to its ports (composition root and tests).
    pub fn new(store: Arc<dyn BranchStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// G-TENANT: the scope's tenant, which must exist and be active.
    async fn active_tenant(&self, scope: &TenantScope) -> Result<Tenant, TenancyError> {
        let tenant = self
            .store
            .tenant(scope)
            .await?
            .ok_or(TenancyError::TenantNotFound)?;
        if tenant.is_active {
            Ok(tenant)
        } else {
            Err(TenancyError::TenantInactive)
        }
    }

    /// Reads: any tenant user (system users → `TenantRequired`).
    async fn reader(&self, who: &Principal) -> Result<TenantScope, TenancyError> {
        let scope = who.require_tenant(TenantPermission::BranchesView)?;
        self.active_tenant(&scope).await?;
        Ok(scope)
    }

    /// Writes: G-LADMIN (system admin, tenant owner or admin), then
    /// G-TENANT, then the §4.2 permission.
    async fn writer(
        &self,
        who: &Principal,
        permission: TenantPermission,
    ) -> Result<(TenantScope, Tenant), TenancyError> {
        let legacy_admin = who.system_role() == Some(SystemRole::Admin)
            || matches!(
                who.tenant_role(),
                Some(TenantRole::Owner | TenantRole::Admin)
            );
        if !legacy_admin {
            return Err(AccessError::AdminRequired.into());
        }
        let scope = who.require_tenant(permission)?;
        let tenant = self.active_tenant(&scope).await?;
        Ok((scope, tenant))
    }

    async fn live_branch(&self, scope: &TenantScope, id: BranchId) -> Result<Branch, TenancyError> {
        self.store
            .branch(scope, id)
            .await?
            .ok_or(TenancyError::BranchNotFound)
    }

    /// §10.5: subscription in good standing and a free branch slot.
    async fn check_growth(&self, scope: &TenantScope, tenant: &Tenant) -> Result<(), TenancyError> {
        if !tenant.subscription_status.allows_growth() {
            return Err(TenancyError::SubscriptionInactive);
        }
        let active = self.store.count_active_branches(scope).await?;
        if tenant.max_branches.is_reached_by(active) {
            return Err(TenancyError::BranchLimitReached(tenant.max_branches.raw()));
        }
        Ok(())
    }

    /// Active branches of the caller's tenant, headquarters first.
    pub async fn list_branches(
        &self,
        who: &Principal,
        search: Option<String>,
        page: PageRequest,
    ) -> Result<Page<Branch>, TenancyError> {
        let scope = self.reader(who).await?;
        let search = search.filter(|s| !s.trim().is_empty());
        Ok(self.store.list_branches(&scope, search, page).await?)
    }

    /// One live branch of the caller's tenant (others' and deleted → 404).
    pub async fn get_branch(&self, who: &Principal, id: BranchId) -> Result<Branch, TenancyError> {
        let scope = self.reader(who).await?;
        self.live_branch(&scope, id).await
    }

    /// Creates a branch: subscription, limit (checked again under the
    /// tenant lock in the commit), code uniqueness (by the database).
    pub async fn create_branch(
        &self,
        who: &Principal,
        cmd: NewBranch,
    ) -> Result<Branch, TenancyError> {
        let (scope, tenant) = self.writer(who, TenantPermission::BranchesCreate).await?;
        check_len("name", &cmd.name, 255)?;
        check_len("code", &cmd.code, 50)?;
        self.check_growth(&scope, &tenant).await?;
        let now = self.clock.now();
        let branch = Branch {
            id: BranchId::new(),
            tenant_id: tenant.id,
            name: cmd.name,
            code: cmd.code,
            is_hq: cmd.is_hq,
            address: cmd.address,
            city: cmd.city,
            province: cmd.province,
            postal_code: cmd.postal_code,
            country: cmd.country,
            phone: cmd.phone,
            email: cmd.email,
            latitude: cmd.latitude.map(coordinate),
            longitude: cmd.longitude.map(coordinate),
            timezone: cmd.timezone,
            currency: cmd.currency,
            is_active: true,
            created_at: now,
            updated_at: None,
            deleted_at: None,
            deleted_by: None,
            version: 0,
        };
        let mut changes = vec![BranchChange::ReserveBranchSlot {
            tenant_id: tenant.id,
            limit: tenant.max_branches,
        }];
        if branch.is_hq {
            changes.push(BranchChange::ClearHeadquarters {
                tenant_id: tenant.id,
                at: now,
            });
        }
        changes.push(BranchChange::InsertBranch(branch.clone()));
        changes.push(branch_audit::created(who, &branch, now));
        self.store
            .commit_branches(&changes)
            .await
            .map_err(|e| commit_error(e, &branch.code, &tenant))?;
        Ok(branch)
    }

    /// Applies the keys sent; see the module docs for `is_active`/`is_hq`.
    pub async fn update_branch(
        &self,
        who: &Principal,
        id: BranchId,
        u: BranchUpdate,
    ) -> Result<Branch, TenancyError> {
        let (scope, tenant) = self.writer(who, TenantPermission::BranchesUpdate).await?;
        let old = self.live_branch(&scope, id).await?;
        let mut next = old.clone();
        if let Some(name) = u.name {
            check_len("name", &name, 255)?;
            next.name = name;
        }
        if let Some(code) = u.code {
            check_len("code", &code, 50)?;
            next.code = code;
        }
        macro_rules! set {
            ($($f:ident),*) => { $(if let Some(v) = u.$f { next.$f = v; })* };
        }
        set!(
            address,
            city,
            province,
            postal_code,
            country,
            phone,
            email,
            timezone,
            currency
        );
        if let Some(v) = u.latitude {
            next.latitude = v.map(coordinate);
        }
        if let Some(v) = u.longitude {
            next.longitude = v.map(coordinate);
        }
        let now = self.clock.now();
        let mut changes = Vec::new();
        match u.is_active {
            Some(false) if old.is_active => {
                if old.is_hq {
                    return Err(TenancyError::CannotDeactivateHeadquarters);
                }
                let users = self
                    .store
                    .count_active_users_with_default_branch(&scope, id)
                    .await?;
                if users > 0 {
                    return Err(TenancyError::DeactivateBranchHasUsers(users));
                }
                next.is_active = false;
            }
            Some(true) if !old.is_active => {
                self.check_growth(&scope, &tenant).await?;
                changes.push(BranchChange::ReserveBranchSlot {
                    tenant_id: tenant.id,
                    limit: tenant.max_branches,
                });
                next.is_active = true;
            }
            _ => {}
        }
        match u.is_hq {
            Some(true) if !old.is_hq => {
                if !next.is_active {
                    return Err(TenancyError::InactiveHeadquarters);
                }
                changes.push(BranchChange::ClearHeadquarters {
                    tenant_id: tenant.id,
                    at: now,
                });
                next.is_hq = true;
            }
            Some(false) if old.is_hq => return Err(TenancyError::HeadquartersRequired),
            _ => {}
        }
        next.updated_at = Some(now);
        next.version = old.version + 1;
        changes.push(BranchChange::UpdateBranch {
            branch: next.clone(),
            expected_version: old.version,
        });
        changes.push(branch_audit::updated(who, &old, &next, now));
        self.store
            .commit_branches(&changes)
            .await
            .map_err(|e| commit_error(e, &next.code, &tenant))?;
        Ok(next)
    }

    /// Soft-deletes a branch: not the headquarters, not while active users
    /// have it as their default branch.
    pub async fn delete_branch(&self, who: &Principal, id: BranchId) -> Result<(), TenancyError> {
        let (scope, tenant) = self.writer(who, TenantPermission::BranchesDelete).await?;
        let old = self.live_branch(&scope, id).await?;
        if old.is_hq {
            return Err(TenancyError::CannotDeleteHeadquarters);
        }
        let users = self
            .store
            .count_active_users_with_default_branch(&scope, id)
            .await?;
        if users > 0 {
            return Err(TenancyError::BranchHasUsers(users));
        }
        let now = self.clock.now();
        let next = Branch {
            is_active: false,
            deleted_at: Some(now),
            deleted_by: Some(scope.actor()),
            updated_at: Some(now),
            version: old.version + 1,
            ..old.clone()
        };
        self.store
            .commit_branches(&[
                BranchChange::UpdateBranch {
                    branch: next,
                    expected_version: old.version,
                },
                BranchChange::Audit(branch_audit::entry(who, "branch.deleted", &old, now)),
            ])
            .await
            .map_err(|e| commit_error(e, &old.code, &tenant))
    }

    /// Makes a branch the headquarters, demoting the current one in the
    /// same commit; the current headquarters is returned unchanged.
    pub async fn set_headquarters(
        &self,
        who: &Principal,
        id: BranchId,
    ) -> Result<Branch, TenancyError> {
        let (scope, tenant) = self.writer(who, TenantPermission::BranchesUpdate).await?;
        let old = self.live_branch(&scope, id).await?;
        if old.is_hq {
            return Ok(old);
        }
        if !old.is_active {
            return Err(TenancyError::InactiveHeadquarters);
        }
        // the headquarters sorts first among the live, active branches
        let first = PageRequest { skip: 0, limit: 1 };
        let previous_hq = self
            .store
            .list_branches(&scope, None, first)
            .await?
            .items
            .into_iter()
            .find(|b| b.is_hq);
        let now = self.clock.now();
        let next = Branch {
            is_hq: true,
            updated_at: Some(now),
            version: old.version + 1,
            ..old.clone()
        };
        self.store
            .commit_branches(&[
                BranchChange::ClearHeadquarters {
                    tenant_id: tenant.id,
                    at: now,
                },
                BranchChange::UpdateBranch {
                    branch: next.clone(),
                    expected_version: old.version,
                },
                BranchChange::Audit(
                    branch_audit::entry(who, "branch.updated", &next, now)
                        .detail("action", "set_as_headquarters")
                        .detail("new_hq", next.id.to_string())
                        .detail("previous_hq", previous_hq.map(|b| b.id.to_string())),
                ),
            ])
            .await
            .map_err(|e| commit_error(e, &next.code, &tenant))?;
        Ok(next)
    }
}
