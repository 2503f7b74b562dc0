//! `Change::DeleteTenant`: the in-memory twin of the SQL cascade.

use super::State;
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
}
