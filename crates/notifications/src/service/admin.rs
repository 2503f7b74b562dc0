//! The platform endpoints (§3.10 A1–A3), all G-SUPER.

use super::NotificationService;
use super::notifier::Draft;
use super::types::{AdminSend, Catalogue, SendOutcome, Target, TypeInfo, validate_send};
use crate::error::NotificationError;
use crate::model::{Category, NotificationType, Priority};
use crate::ports::NotificationStats;
use harmony_kernel::{AccessError, Principal, SystemPermission, TenantId};

/// G-SUPER: only system admins. `system.users.update` is held by admins
/// only and fits "write into every user's inbox"; the refusal keeps the
/// contract's G-SUPER text.
fn super_admin(who: &Principal) -> Result<(), NotificationError> {
    who.require_system(SystemPermission::UsersUpdate)
        .map(|_| ())
        .map_err(|_| AccessError::SuperAdminRequired.into())
}

impl NotificationService {
    /// A1: an announcement (`system.announcement`) to a target. Counts only
    /// the notifications created; no e-mail, no audit (as the contract).
    ///
    /// # Errors
    /// 403 for non-admins; 422 for lengths; 400 for the target grammar;
    /// 404 `User not found` for an unknown `user:` id (defect 39).
    pub async fn send(
        &self,
        who: &Principal,
        send: AdminSend,
    ) -> Result<SendOutcome, NotificationError> {
        super_admin(who)?;
        validate_send(&send)?;
        let target = Target::parse(&send.target)?;
        let draft = Draft {
            notification_type: NotificationType::SystemAnnouncement,
            title: send.title,
            message: send.message,
            priority: send.priority,
            data: send.data.unwrap_or_default(),
        };
        let created = self.notify(target, &draft).await?;
        Ok(SendOutcome {
            notifications_sent: created.len() as u64,
            target: send.target,
        })
    }

    /// A2: counters of active notifications, global (with `by_type`) or of
    /// one tenant's users.
    ///
    /// # Errors
    /// 403 for non-admins.
    pub async fn stats(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
    ) -> Result<NotificationStats, NotificationError> {
        super_admin(who)?;
        Ok(self.store.stats(tenant).await?)
    }

    /// A3: the types grouped by category, and the priorities.
    ///
    /// # Errors
    /// 403 for non-admins.
    pub fn catalogue(who: &Principal) -> Result<Catalogue, NotificationError> {
        super_admin(who)?;
        Ok(Catalogue {
            categories: Category::ALL
                .into_iter()
                .map(|c| (c, c.types().map(TypeInfo::from).collect()))
                .collect(),
            priorities: Priority::ALL.to_vec(),
        })
    }
}
