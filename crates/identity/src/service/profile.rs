//! A system user's own profile (roadmap P1-6): platform staff have no tenant,
//! so the tenant user endpoints never served them; these use cases do.

use super::users::{apply_fields, sent_fields};
use super::{IdentityService, UserUpdate, about_user, updated};
use crate::error::IdentityError;
use crate::model::{PersonName, User};
use harmony_kernel::{AuditEntry, Principal};

/// The fields a system user may change about themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileUpdate {
    /// Given name (`Some(None)` clears it).
    pub first_name: Option<Option<PersonName>>,
    /// Family name.
    pub last_name: Option<Option<PersonName>>,
    /// Phone.
    pub phone: Option<Option<String>>,
}

impl IdentityService {
    /// The calling system user's account.
    ///
    /// # Errors
    /// `Access(SystemRequired)` for tenant users.
    pub async fn system_profile(&self, who: &Principal) -> Result<User, IdentityError> {
        who.operator_scope()?;
        self.me(who).await
    }

    /// Updates the calling system user's own names and phone; audited as
    /// `user.updated` on the platform trail.
    ///
    /// # Errors
    /// `Access(SystemRequired)` for tenant users; `Conflict` on a concurrent edit.
    pub async fn update_system_profile(
        &self,
        who: &Principal,
        update: ProfileUpdate,
    ) -> Result<User, IdentityError> {
        who.operator_scope()?;
        let mut user = self.me(who).await?;
        let update = UserUpdate {
            first_name: update.first_name,
            last_name: update.last_name,
            phone: update.phone,
            ..UserUpdate::default()
        };
        let fields = sent_fields(&update);
        apply_fields(&mut user, update);
        let now = self.clock.now();
        let audit = about_user(AuditEntry::by(who, "user.updated", "user", now), &user)
            .detail("updated_fields", fields)
            .detail("updated_by", "self");
        self.store
            .commit(&[updated(&mut user, now), super::Change::Audit(audit)])
            .await?;
        Ok(user)
    }
}
