//! The admin tools' database reset (api-core §3.7 #6): every tenant and its
//! users, sessions, tokens and branches removed in one transaction; system
//! users, the outbox and the audit trail kept. The HTTP layer offers it only
//! when the deployment enables dev tools (`dev.tools`), which production
//! refuses at start-up.

use super::IdentityService;
use crate::error::IdentityError;
use crate::ports::{Change, TenantDataCounts};
use harmony_kernel::{AuditEntry, Principal, SystemPermission};

impl IdentityService {
    /// Deletes all tenant data; returns what was there (and the system
    /// users kept). Audited as `system.reset_database`.
    ///
    /// # Errors
    /// `Access` without `system.tools.access`; `Store`.
    pub async fn reset_tenant_data(
        &self,
        who: &Principal,
    ) -> Result<TenantDataCounts, IdentityError> {
        let scope = who.require_system(SystemPermission::ToolsAccess)?;
        let counts = self.store.tenant_data_counts(&scope).await?;
        let audit = AuditEntry::by(who, "system.reset_database", "system", self.clock.now())
            .detail("tenants_deleted", counts.tenants)
            .detail("branches_deleted", counts.branches)
            .detail("users_deleted", counts.users)
            .detail("super_admins_preserved", counts.system_users);
        self.store
            .commit(&[Change::DeleteAllTenants, Change::Audit(audit)])
            .await?;
        Ok(counts)
    }
}
