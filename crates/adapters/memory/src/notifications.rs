//! `NotificationStore` and `RecipientDirectory` over the same state as
//! `IdentityStore`, so broadcasts see exactly the users identity committed
//! and tenant stats join the very user rows.

use crate::identity::{InMemoryStore, State};
use harmony_identity::model::UserKind;
use harmony_kernel::{Page, PageRequest, StoreError, TenantId, UserId};
use harmony_notifications::model::{Notification, Preference, PreferenceUpdate};
use harmony_notifications::ports::{
    Audience, NotificationFilter, NotificationStats, NotificationStore, Recipient,
    RecipientDirectory,
};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// The two notification tables.
#[derive(Debug, Clone, Default)]
pub(crate) struct NotificationTables {
    rows: HashMap<Uuid, Notification>,
    /// Keyed by (user, type): the unique index of §5.8.
    preferences: HashMap<(UserId, String), Preference>,
}

fn live_of(state: &State, owner: UserId) -> impl Iterator<Item = &Notification> {
    state
        .notifications
        .rows
        .values()
        .filter(move |n| n.user_id == owner && n.is_active)
}

fn mark(n: &mut Notification, now: OffsetDateTime) {
    n.is_read = true;
    n.read_at = Some(now);
}

#[async_trait::async_trait]
impl NotificationStore for InMemoryStore {
    async fn insert(&self, notifications: &[Notification]) -> Result<(), StoreError> {
        let mut state = self.lock();
        let rows = &mut state.notifications.rows;
        let mut seen = std::collections::HashSet::new();
        if notifications
            .iter()
            .any(|n| rows.contains_key(&n.id) || !seen.insert(n.id))
        {
            return Err(StoreError::Conflict("notifications.pkey".to_owned()));
        }
        for n in notifications {
            rows.insert(n.id, n.clone());
        }
        Ok(())
    }

    async fn list(
        &self,
        owner: UserId,
        filter: &NotificationFilter,
        page: PageRequest,
    ) -> Result<Page<Notification>, StoreError> {
        let state = self.lock();
        let mut rows: Vec<_> = live_of(&state, owner)
            .filter(|n| !filter.unread_only || !n.is_read)
            .filter(|n| {
                filter
                    .notification_type
                    .as_deref()
                    .is_none_or(|t| n.notification_type.as_str() == t)
            })
            .cloned()
            .collect();
        rows.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        let total = rows.len() as u64;
        let skip = usize::try_from(page.skip).unwrap_or(usize::MAX);
        let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
        let items = rows.into_iter().skip(skip).take(limit).collect();
        Ok(Page { items, total })
    }

    async fn unread_count(&self, owner: UserId) -> Result<u64, StoreError> {
        let state = self.lock();
        Ok(live_of(&state, owner).filter(|n| !n.is_read).count() as u64)
    }

    async fn get(&self, owner: UserId, id: Uuid) -> Result<Option<Notification>, StoreError> {
        let state = self.lock();
        Ok(live_of(&state, owner).find(|n| n.id == id).cloned())
    }

    async fn mark_read(
        &self,
        owner: UserId,
        ids: &[Uuid],
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut state = self.lock();
        let mut count = 0;
        for n in state.notifications.rows.values_mut() {
            if n.user_id == owner && n.is_active && !n.is_read && ids.contains(&n.id) {
                mark(n, now);
                count += 1;
            }
        }
        Ok(count)
    }

    async fn mark_all_read(
        &self,
        owner: UserId,
        notification_type: Option<String>,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut state = self.lock();
        let mut count = 0;
        for n in state.notifications.rows.values_mut() {
            let type_ok = notification_type
                .as_deref()
                .is_none_or(|t| n.notification_type.as_str() == t);
            if n.user_id == owner && n.is_active && !n.is_read && type_ok {
                mark(n, now);
                count += 1;
            }
        }
        Ok(count)
    }

    async fn soft_delete(
        &self,
        owner: UserId,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut state = self.lock();
        match state.notifications.rows.get_mut(&id) {
            Some(n) if n.user_id == owner && n.is_active => {
                n.is_active = false;
                n.deleted_at = Some(now);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn soft_delete_read(
        &self,
        owner: UserId,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut state = self.lock();
        let mut count = 0;
        for n in state.notifications.rows.values_mut() {
            if n.user_id == owner && n.is_active && n.is_read {
                n.is_active = false;
                n.deleted_at = Some(now);
                count += 1;
            }
        }
        Ok(count)
    }

    async fn preferences(&self, users: &[UserId]) -> Result<Vec<Preference>, StoreError> {
        let state = self.lock();
        Ok(state
            .notifications
            .preferences
            .values()
            .filter(|p| p.is_active && users.contains(&p.user_id))
            .cloned()
            .collect())
    }

    async fn upsert_preference(
        &self,
        owner: UserId,
        update: &PreferenceUpdate,
    ) -> Result<Preference, StoreError> {
        let mut state = self.lock();
        let row = state
            .notifications
            .preferences
            .entry((owner, update.notification_type.clone()))
            .and_modify(|row| update.apply_to(row))
            .or_insert_with(|| update.create_for(owner));
        Ok(row.clone())
    }

    async fn reset_preferences(&self, owner: UserId) -> Result<u64, StoreError> {
        let mut state = self.lock();
        let prefs = &mut state.notifications.preferences;
        let before = prefs.len();
        prefs.retain(|(user, _), _| *user != owner);
        Ok((before - prefs.len()) as u64)
    }

    async fn stats(&self, tenant: Option<TenantId>) -> Result<NotificationStats, StoreError> {
        let state = self.lock();
        let in_scope = |n: &&Notification| match tenant {
            None => true,
            Some(t) => state
                .users
                .get(&n.user_id)
                .is_some_and(|u| u.tenant_id() == Some(t)),
        };
        let mut out = NotificationStats::default();
        for n in state
            .notifications
            .rows
            .values()
            .filter(|n| n.is_active)
            .filter(in_scope)
        {
            out.total += 1;
            if n.is_read {
                out.read += 1;
            } else {
                out.unread += 1;
            }
            if tenant.is_none() {
                *out.by_type
                    .entry(n.notification_type.as_str().to_owned())
                    .or_default() += 1;
            }
        }
        Ok(out)
    }
}

#[async_trait::async_trait]
impl RecipientDirectory for InMemoryStore {
    async fn recipients(&self, audience: Audience) -> Result<Vec<Recipient>, StoreError> {
        let state = self.lock();
        Ok(state
            .users
            .values()
            .filter(|u| u.is_active && u.deleted_at.is_none())
            .filter(|u| match audience {
                Audience::All => true,
                Audience::AllTenants => matches!(u.kind, UserKind::Tenant { .. }),
                Audience::Tenant(t) => u.tenant_id() == Some(t),
            })
            .map(|u| Recipient {
                user_id: u.id,
                tenant_id: u.tenant_id(),
            })
            .collect())
    }

    async fn find_user(&self, user_id: UserId) -> Result<Option<Recipient>, StoreError> {
        let state = self.lock();
        Ok(state
            .users
            .get(&user_id)
            .filter(|u| u.deleted_at.is_none())
            .map(|u| Recipient {
                user_id: u.id,
                tenant_id: u.tenant_id(),
            }))
    }
}
