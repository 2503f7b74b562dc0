//! The audit use cases (§3.8 plus verify and export), with their permission
//! checks and tenant scoping.
//!
//! Reading (list, statistics, actions, resources, get, verify, export):
//! system users with `system.audit.view` (admins and — a deviation from the
//! contract, which refuses them — operators) see every tenant and may filter
//! by one; tenant owners and admins (`tenant.audit.view`) see only their own
//! tenant whatever they ask for; members get 403 `Permission 'audit.view'
//! required` (the contract's legacy guard text). Managing (clear, archive,
//! archive files) needs `system.audit.manage`; clearing and deleting archive
//! files also need `dev_tools`.

mod archives;

pub use archives::{ArchiveListing, ArchiveOutcome};

use crate::chain::{ChainReport, verify_chain};
use crate::error::AuditError;
use crate::export::MAX_EXPORT_ROWS;
use crate::model::{AuditFilter, AuditRecord, AuditStatistics, TenantFilter};
use crate::ports::{ArchiveStore, AuditStore};
use harmony_kernel::{
    AccessError, AuditStatus, Clock, LegacyPermission, Page, PageRequest, Principal,
    SystemPermission, TenantId, TenantPermission, UserId,
};
use std::sync::Arc;
use time::OffsetDateTime;
use uuid::Uuid;

/// The list filters a caller asks for; `tenant_id` counts only for system users.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only this tenant (system users; ignored for tenant users).
    pub tenant_id: Option<TenantId>,
    /// Exact action.
    pub action: Option<String>,
    /// Exact resource.
    pub resource: Option<String>,
    /// Exact status.
    pub status: Option<AuditStatus>,
    /// Exact acting user.
    pub user_id: Option<UserId>,
    /// `created_at >= start_date`.
    pub start_date: Option<OffsetDateTime>,
    /// `created_at <= end_date`.
    pub end_date: Option<OffsetDateTime>,
    /// Case-insensitive substring of the request id or the IP address.
    pub search: Option<String>,
}

/// Which chain a system user verifies (tenant users always verify their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyTarget {
    /// The platform chain (records without a tenant).
    Platform,
    /// One tenant's chain.
    Tenant(TenantId),
}

/// The audit use cases; one instance per process, shared by handlers.
pub struct AuditService {
    store: Arc<dyn AuditStore>,
    archives: Arc<dyn ArchiveStore>,
    clock: Arc<dyn Clock>,
    dev_tools: bool,
}

impl std::fmt::Debug for AuditService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditService")
            .field("dev_tools", &self.dev_tools)
            .finish_non_exhaustive()
    }
}

/// G-LPERM(audit.view)'s refusal text.
const fn legacy_refusal() -> AccessError {
    AccessError::MissingPermission(LegacyPermission::AuditView.as_str())
}

impl AuditService {
    /// Wires the service. `dev_tools` (setting `dev.tools`) allows clearing
    /// the trail and deleting archive files; keep it off in production.
    pub fn new(
        store: Arc<dyn AuditStore>,
        archives: Arc<dyn ArchiveStore>,
        clock: Arc<dyn Clock>,
        dev_tools: bool,
    ) -> Self {
        Self {
            store,
            archives,
            clock,
            dev_tools,
        }
    }

    /// The tenants `who` may read: everything (optionally one tenant) for
    /// system users with `system.audit.view`, the own tenant for tenant
    /// users with `tenant.audit.view`.
    ///
    /// # Errors
    /// 403 for everybody else.
    pub fn read_scope(
        &self,
        who: &Principal,
        requested: Option<TenantId>,
    ) -> Result<TenantFilter, AuditError> {
        if who.system_role().is_some() {
            who.require_system(SystemPermission::AuditView)
                .map_err(|_| legacy_refusal())?;
            Ok(requested.map_or(TenantFilter::All, TenantFilter::One))
        } else {
            let scope = who
                .require_tenant(TenantPermission::AuditView)
                .map_err(|_| legacy_refusal())?;
            Ok(TenantFilter::One(scope.tenant_id()))
        }
    }

    /// Guard of the platform management endpoints (G-SUPER in the
    /// contract): `system.audit.manage`.
    fn require_manage(who: &Principal) -> Result<(), AuditError> {
        who.require_system(SystemPermission::AuditManage)
            .map(|_| ())
            .map_err(|_| AuditError::Access(AccessError::SuperAdminRequired))
    }

    /// Guard of the tenant archive endpoints (G-LPERM(audit.view) then
    /// G-TENANT): the caller's tenant. The HTTP layer checks that the tenant
    /// is active after this.
    ///
    /// # Errors
    /// 403 `Permission 'audit.view' required` for members and operators,
    /// 403 `Tenant access required…` for system admins.
    pub fn tenant_archive_scope(&self, who: &Principal) -> Result<TenantId, AuditError> {
        match who.system_role() {
            Some(_) if who.require_system(SystemPermission::AuditManage).is_ok() => {
                Err(AccessError::TenantRequired.into())
            }
            Some(_) => Err(legacy_refusal().into()),
            None => Ok(who
                .require_tenant(TenantPermission::AuditView)
                .map_err(|_| legacy_refusal())?
                .tenant_id()),
        }
    }

    fn filter(&self, who: &Principal, q: AuditQuery) -> Result<AuditFilter, AuditError> {
        Ok(AuditFilter {
            tenant: self.read_scope(who, q.tenant_id)?,
            action: q.action,
            resource: q.resource,
            status: q.status,
            user_id: q.user_id,
            start: q.start_date,
            end: q.end_date,
            search: q.search.filter(|s| !s.is_empty()),
        })
    }

    /// Endpoint 1: records newest first.
    ///
    /// # Errors
    /// Guard refusals; storage failures.
    pub async fn list(
        &self,
        who: &Principal,
        query: AuditQuery,
        page: PageRequest,
    ) -> Result<Page<AuditRecord>, AuditError> {
        let filter = self.filter(who, query)?;
        Ok(self.store.list(&filter, page).await?)
    }

    /// Endpoint 10: one record in the caller's scope (others' → 404).
    ///
    /// # Errors
    /// [`AuditError::NotFound`]; guard refusals; storage failures.
    pub async fn get(&self, who: &Principal, id: Uuid) -> Result<AuditRecord, AuditError> {
        let scope = self.read_scope(who, None)?;
        self.store.get(scope, id).await?.ok_or(AuditError::NotFound)
    }

    /// Endpoint 2.
    ///
    /// # Errors
    /// Guard refusals; storage failures.
    pub async fn statistics(
        &self,
        who: &Principal,
        tenant_id: Option<TenantId>,
    ) -> Result<AuditStatistics, AuditError> {
        let scope = self.read_scope(who, tenant_id)?;
        Ok(self.store.statistics(scope, self.clock.now()).await?)
    }

    /// Endpoint 3: distinct actions, ascending.
    ///
    /// # Errors
    /// Guard refusals; storage failures.
    pub async fn actions(
        &self,
        who: &Principal,
        tenant_id: Option<TenantId>,
    ) -> Result<Vec<String>, AuditError> {
        let scope = self.read_scope(who, tenant_id)?;
        Ok(self.store.actions(scope).await?)
    }

    /// Endpoint 4: distinct resources, ascending.
    ///
    /// # Errors
    /// Guard refusals; storage failures.
    pub async fn resources(
        &self,
        who: &Principal,
        tenant_id: Option<TenantId>,
    ) -> Result<Vec<String>, AuditError> {
        let scope = self.read_scope(who, tenant_id)?;
        Ok(self.store.resources(scope).await?)
    }

    /// Verifies one chain: a tenant user's own; for system users the
    /// `target` (default: the platform chain). Returns the chain's tenant
    /// (`None` = platform) and the report.
    ///
    /// # Errors
    /// Guard refusals; storage failures.
    pub async fn verify(
        &self,
        who: &Principal,
        target: Option<VerifyTarget>,
    ) -> Result<(Option<TenantId>, ChainReport), AuditError> {
        let requested = match target {
            Some(VerifyTarget::Tenant(t)) => Some(t),
            _ => None,
        };
        let chain = match self.read_scope(who, requested)? {
            TenantFilter::One(t) => Some(t),
            TenantFilter::All => None,
        };
        let records = self.store.chain(chain).await?;
        Ok((chain, verify_chain(&records)))
    }

    /// The list's records for export: same filters and scope, newest first,
    /// at most [`MAX_EXPORT_ROWS`].
    ///
    /// # Errors
    /// Guard refusals; storage failures.
    pub async fn export(
        &self,
        who: &Principal,
        query: AuditQuery,
    ) -> Result<Vec<AuditRecord>, AuditError> {
        let filter = self.filter(who, query)?;
        let page = PageRequest {
            skip: 0,
            limit: MAX_EXPORT_ROWS,
        };
        Ok(self.store.list(&filter, page).await?.items)
    }

    /// Appends entries on their own transaction (the service's own records;
    /// domain contexts append inside their commits instead).
    ///
    /// # Errors
    /// Storage failures.
    pub async fn record(&self, entries: &[harmony_kernel::AuditEntry]) -> Result<(), AuditError> {
        Ok(self.store.append(entries).await?)
    }
}
