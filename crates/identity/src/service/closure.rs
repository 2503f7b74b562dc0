//! Account closure (§10.3, defect 37): the owner deletes the whole tenant.

use super::IdentityService;
use crate::error::IdentityError;
use crate::ports::Change;
use harmony_kernel::outbox::{OutboxMessage, TOPIC_TENANT_CLOSED};
use harmony_kernel::{AccessError, AuditEntry, OutboxId, Principal, TenantRole};
use harmony_tenancy::Tenant;
use secrecy::SecretString;

/// The phrase the owner must type to close the account, exactly.
pub const CLOSURE_PHRASE: &str = "DELETE MY ACCOUNT";

impl IdentityService {
    /// Closes the caller's tenant (`DELETE /tenant-settings/account`): owner
    /// only, the phrase must be exactly [`CLOSURE_PHRASE`] and the password
    /// must match. Then the tenant, its branches, users, sessions and tokens
    /// are hard-deleted in ONE commit, so every token of the tenant stops
    /// working at once and its subdomain and e-mails are free again. Outbox
    /// messages stay; stored files (S3 objects) are not deleted yet.
    ///
    /// Checks run guard first (owner, active tenant), then the phrase (422),
    /// then the password (400), so non-owners learn nothing from the body.
    ///
    /// # Errors
    /// `Access(TenantRequired | OwnerRequired)`, `TenantNotFound`,
    /// `TenantInactive`, `Validation` on `confirmation_phrase`,
    /// `IncorrectPassword`, `Conflict` when a concurrent closure won.
    pub async fn close_account(
        &self,
        who: &Principal,
        confirmation_phrase: &str,
        password: &SecretString,
    ) -> Result<Tenant, IdentityError> {
        Self::refuse_impersonation(who)?;
        let scope = who.require_owner()?;
        let tenant = self.active_tenant(&scope).await?;
        let owner = self
            .store
            .tenant_user(&scope, who.user_id())
            .await?
            .filter(|u| u.is_usable() && u.tenant_role() == Some(TenantRole::Owner))
            // ownership was transferred after this request was authenticated
            .ok_or(AccessError::OwnerRequired)?;
        if confirmation_phrase != CLOSURE_PHRASE {
            return Err(IdentityError::Validation {
                field: "confirmation_phrase",
                message: format!("Confirmation phrase must be exactly '{CLOSURE_PHRASE}'"),
            });
        }
        if !self.password_matches(password, &owner).await {
            return Err(IdentityError::IncorrectPassword);
        }
        let audit = AuditEntry::by(who, "tenant.deleted", "tenant", self.clock.now())
            .resource_id(tenant.id)
            .detail("tenant_name", tenant.name.as_str())
            .detail("owner_email", owner.email.as_str())
            .detail("action", "account_closure");
        // the trail outlives the tenant: audit rows have no foreign key to it
        // bytes outside the database (files) are removed by their context
        let closed = OutboxMessage {
            id: OutboxId::new(),
            topic: TOPIC_TENANT_CLOSED.to_owned(),
            payload: serde_json::json!({ "tenant_id": tenant.id }),
            created_at: self.clock.now(),
        };
        let changes = [
            Change::DeleteTenant {
                tenant_id: tenant.id,
            },
            Change::Outbox(closed),
            Change::Audit(audit),
        ];
        self.store.commit(&changes).await?;
        Ok(tenant)
    }
}
