//! The notifier: how other contexts (billing, identity, usage) raise a
//! notification. [`decide`] is pure and returns the records, so a producer
//! can insert them in its own commit; [`NotificationService::notify`]
//! inserts them in a commit of their own.

use super::NotificationService;
use super::types::Target;
use crate::error::NotificationError;
use crate::model::{Notification, NotificationType, Preference, Priority, resolve};
use crate::ports::{Audience, Recipient};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

/// What to raise, before it is addressed to anyone.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// What it is about.
    pub notification_type: NotificationType,
    /// Headline.
    pub title: String,
    /// Body.
    pub message: String,
    /// How urgent.
    pub priority: Priority,
    /// Free context for the client.
    pub data: Map<String, Value>,
}

/// The notifications `draft` becomes for `recipients`: one per recipient
/// whose preferences (looked up in `preferences`, everyone's rows mixed)
/// allow in-app delivery, or one per recipient when `honour_preferences` is
/// false (admin `user:` sends). `tenant_id` is stamped on every record when
/// given, else left empty (as the original does for broadcasts).
pub fn decide(
    draft: &Draft,
    recipients: &[Recipient],
    preferences: &[Preference],
    honour_preferences: bool,
    tenant_id: Option<harmony_kernel::TenantId>,
    now: OffsetDateTime,
) -> Vec<Notification> {
    recipients
        .iter()
        .filter(|r| {
            if !honour_preferences {
                return true;
            }
            let own: Vec<Preference> = preferences
                .iter()
                .filter(|p| p.user_id == r.user_id)
                .cloned()
                .collect();
            resolve(&own, draft.notification_type).in_app
        })
        .map(|r| Notification {
            id: Uuid::now_v7(),
            user_id: r.user_id,
            tenant_id,
            notification_type: draft.notification_type,
            title: draft.title.clone(),
            message: draft.message.clone(),
            priority: draft.priority,
            data: draft.data.clone(),
            is_read: false,
            read_at: None,
            is_active: true,
            deleted_at: None,
            created_at: now,
            channels_sent: vec!["in_app".to_owned()],
        })
        .collect()
}

impl NotificationService {
    /// The records `draft` becomes for `target`, not yet stored: a producer
    /// puts them in its own commit. `user:` bypasses preferences (a direct
    /// message); the others honour them. `tenant:` stamps the tenant.
    ///
    /// # Errors
    /// 404 `User not found` for an unknown `user:` id.
    pub async fn prepare(
        &self,
        target: Target,
        draft: &Draft,
    ) -> Result<Vec<Notification>, NotificationError> {
        let now = self.clock.now();
        let (recipients, honour, tenant_id) = match target {
            Target::User(id) => {
                let user = self
                    .directory
                    .find_user(id)
                    .await?
                    .ok_or(NotificationError::UserNotFound)?;
                (vec![user], false, None)
            }
            Target::All => (self.directory.recipients(Audience::All).await?, true, None),
            Target::AllTenants => (
                self.directory.recipients(Audience::AllTenants).await?,
                true,
                None,
            ),
            Target::Tenant(t) => (
                self.directory.recipients(Audience::Tenant(t)).await?,
                true,
                Some(t),
            ),
        };
        let preferences = if honour && !recipients.is_empty() {
            let ids: Vec<_> = recipients.iter().map(|r| r.user_id).collect();
            self.store.preferences(&ids).await?
        } else {
            Vec::new()
        };
        Ok(decide(
            draft,
            &recipients,
            &preferences,
            honour,
            tenant_id,
            now,
        ))
    }

    /// [`Self::prepare`] and insert in a commit of their own; returns the
    /// records created.
    ///
    /// # Errors
    /// As [`Self::prepare`], and storage failures.
    pub async fn notify(
        &self,
        target: Target,
        draft: &Draft,
    ) -> Result<Vec<Notification>, NotificationError> {
        let records = self.prepare(target, draft).await?;
        if !records.is_empty() {
            self.store.insert(&records).await?;
        }
        Ok(records)
    }
}
