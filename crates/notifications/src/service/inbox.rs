//! The user endpoints (§3.10 #1–#12). The inbox owner is always the
//! verified caller; no method takes a user id from the request.

use super::NotificationService;
use super::types::{ListQuery, MAX_MARK_IDS, MAX_PAGE_SIZE, NotificationList, TypeInfo};
use crate::error::NotificationError;
use crate::model::{Notification, NotificationType, Preference, PreferenceUpdate, WILDCARD};
use crate::ports::NotificationFilter;
use harmony_kernel::{PageRequest, Principal};
use uuid::Uuid;

/// A preference may name a known type or the wildcard (defect 39).
///
/// # Errors
/// [`NotificationError::UnknownType`] for anything else.
pub fn validate_preference_type(value: &str) -> Result<(), NotificationError> {
    if value == WILDCARD || NotificationType::parse(value).is_some() {
        Ok(())
    } else {
        Err(NotificationError::UnknownType(value.to_owned()))
    }
}

impl NotificationService {
    /// #1: the caller's active notifications, newest first, filtered and paged.
    ///
    /// # Errors
    /// Validation for page < 1 or page_size outside 1–100.
    pub async fn list(
        &self,
        who: &Principal,
        query: &ListQuery,
    ) -> Result<NotificationList, NotificationError> {
        if query.page < 1 {
            return Err(NotificationError::Invalid("page must be at least 1"));
        }
        if !(1..=MAX_PAGE_SIZE).contains(&query.page_size) {
            return Err(NotificationError::Invalid("page_size must be 1 to 100"));
        }
        let owner = who.user_id();
        let filter = NotificationFilter {
            unread_only: query.unread_only,
            notification_type: query.notification_type.clone(),
        };
        let request = PageRequest {
            skip: (query.page - 1).saturating_mul(query.page_size),
            limit: query.page_size,
        };
        let page = self.store.list(owner, &filter, request).await?;
        let unread_count = self.store.unread_count(owner).await?;
        Ok(NotificationList {
            notifications: page.items,
            total: page.total,
            unread_count,
            page: query.page,
            page_size: query.page_size,
            total_pages: page.total.div_ceil(query.page_size).max(1),
        })
    }

    /// #2: the caller's unread active notifications.
    pub async fn unread_count(&self, who: &Principal) -> Result<u64, NotificationError> {
        Ok(self.store.unread_count(who.user_id()).await?)
    }

    /// #3 (public): every type in declaration order.
    pub fn types() -> Vec<TypeInfo> {
        NotificationType::ALL
            .into_iter()
            .map(TypeInfo::from)
            .collect()
    }

    /// #4: one of the caller's active notifications.
    ///
    /// # Errors
    /// 404 `Notification not found`, also for other users' ids.
    pub async fn get(&self, who: &Principal, id: Uuid) -> Result<Notification, NotificationError> {
        self.store
            .get(who.user_id(), id)
            .await?
            .ok_or(NotificationError::NotFound)
    }

    /// #5: marks the listed ids read (only the caller's active unread ones
    /// count).
    ///
    /// # Errors
    /// Validation for an empty list or more than 100 ids.
    pub async fn mark_read(&self, who: &Principal, ids: &[Uuid]) -> Result<u64, NotificationError> {
        if ids.is_empty() || ids.len() > MAX_MARK_IDS {
            return Err(NotificationError::Invalid(
                "notification_ids must hold 1 to 100 ids",
            ));
        }
        let now = self.clock.now();
        Ok(self.store.mark_read(who.user_id(), ids, now).await?)
    }

    /// #6: marks all the caller's unread notifications read, optionally of
    /// one type value.
    pub async fn mark_all_read(
        &self,
        who: &Principal,
        notification_type: Option<String>,
    ) -> Result<u64, NotificationError> {
        let now = self.clock.now();
        Ok(self
            .store
            .mark_all_read(who.user_id(), notification_type, now)
            .await?)
    }

    /// #7: soft-deletes one of the caller's notifications.
    ///
    /// # Errors
    /// 404 `Notification not found`.
    pub async fn delete(&self, who: &Principal, id: Uuid) -> Result<(), NotificationError> {
        let now = self.clock.now();
        if self.store.soft_delete(who.user_id(), id, now).await? {
            Ok(())
        } else {
            Err(NotificationError::NotFound)
        }
    }

    /// #8: soft-deletes all the caller's READ notifications.
    pub async fn delete_read(&self, who: &Principal) -> Result<u64, NotificationError> {
        let now = self.clock.now();
        Ok(self.store.soft_delete_read(who.user_id(), now).await?)
    }

    /// #9: the caller's active preference rows.
    pub async fn preferences(&self, who: &Principal) -> Result<Vec<Preference>, NotificationError> {
        Ok(self.store.preferences(&[who.user_id()]).await?)
    }

    /// #10: upserts one preference of the caller.
    ///
    /// # Errors
    /// Validation for a type that is neither known nor `*`.
    pub async fn set_preference(
        &self,
        who: &Principal,
        update: &PreferenceUpdate,
    ) -> Result<Preference, NotificationError> {
        validate_preference_type(&update.notification_type)?;
        Ok(self.store.upsert_preference(who.user_id(), update).await?)
    }

    /// #11: upserts several, in order. Every type is validated before the
    /// first write, so an unknown type changes nothing.
    ///
    /// # Errors
    /// Validation as for #10.
    pub async fn set_preferences(
        &self,
        who: &Principal,
        updates: &[PreferenceUpdate],
    ) -> Result<Vec<Preference>, NotificationError> {
        for u in updates {
            validate_preference_type(&u.notification_type)?;
        }
        let mut out = Vec::with_capacity(updates.len());
        for u in updates {
            out.push(self.store.upsert_preference(who.user_id(), u).await?);
        }
        Ok(out)
    }

    /// #12: hard-deletes all the caller's preference rows.
    pub async fn reset_preferences(&self, who: &Principal) -> Result<u64, NotificationError> {
        Ok(self.store.reset_preferences(who.user_id()).await?)
    }
}
