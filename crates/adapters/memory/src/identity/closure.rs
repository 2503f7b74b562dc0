//! `Change::DeleteTenant` and `Change::DeleteAllTenants`: the in-memory twin
//! of the SQL cascade, and the counts the database reset reports.

use super::State;
use harmony_identity::ports::TenantDataCounts;
use harmony_kernel::{StoreError, TenantId};

impl State {
    /// Removes the tenant, its branches and users, and the users' sessions,
    /// refresh and one-time tokens; outbox messages stay.
    pub(super) fn delete_tenant(&mut self, tenant_id: TenantId) -> Result<(), StoreError> {
        if self.tenants.remove(&tenant_id).is_none() {
            return Err(StoreError::StaleVersion);
        }
        self.branches.retain(|_, b| b.tenant_id != tenant_id);
        self.users.retain(|_, u| u.tenant_id() != Some(tenant_id));
        let users = &self.users;
        self.sessions.retain(|_, s| users.contains_key(&s.user_id));
        self.refresh_tokens
            .retain(|_, t| users.contains_key(&t.user_id));
        self.one_time_tokens
            .retain(|_, t| users.contains_key(&t.user_id));
        Ok(())
    }

    /// Removes every tenant as [`State::delete_tenant`] does.
    pub(super) fn delete_all_tenants(&mut self) -> Result<(), StoreError> {
        let ids: Vec<TenantId> = self.tenants.keys().copied().collect();
        ids.into_iter().try_for_each(|id| self.delete_tenant(id))
    }

    /// What a reset would remove, and the system users it keeps.
    pub(super) fn tenant_data_counts(&self) -> TenantDataCounts {
        let tenant_users = self
            .users
            .values()
            .filter(|u| u.tenant_id().is_some())
            .count();
        TenantDataCounts {
            tenants: self.tenants.len() as u64,
            branches: self.branches.len() as u64,
            users: tenant_users as u64,
            system_users: (self.users.len() - tenant_users) as u64,
        }
    }
}
