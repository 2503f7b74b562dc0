//! Request and response shapes of §3.10 as domain types; the HTTP layer
//! only (de)serialises them.

use crate::error::NotificationError;
use crate::model::{Category, Notification, NotificationType, Priority};
use harmony_kernel::{TenantId, UserId};
use serde_json::{Map, Value};
use uuid::Uuid;

/// Largest page of the inbox list.
pub const MAX_PAGE_SIZE: u64 = 100;
/// Most ids one mark-read may carry.
pub const MAX_MARK_IDS: usize = 100;
/// Longest admin title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest admin message, in characters.
pub const MAX_MESSAGE: usize = 2000;

/// Query of the inbox list (§3.10 #1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// 1-based page.
    pub page: u64,
    /// 1–100.
    pub page_size: u64,
    /// Only unread ones.
    pub unread_only: bool,
    /// Only this type value.
    pub notification_type: Option<String>,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            page: 1,
            page_size: 20,
            unread_only: false,
            notification_type: None,
        }
    }
}

/// The inbox envelope (§1.9, notifications row).
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationList {
    /// This page, newest first.
    pub notifications: Vec<Notification>,
    /// Matching the filters.
    pub total: u64,
    /// All unread of the caller, ignoring filters.
    pub unread_count: u64,
    /// As asked.
    pub page: u64,
    /// As asked.
    pub page_size: u64,
    /// `ceil(total / page_size)`, 1 when empty (the contract's quirk).
    pub total_pages: u64,
}

/// One entry of `/types` (and, without `category`, of admin `/types`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeInfo {
    /// The type.
    pub notification_type: NotificationType,
    /// Its category prefix.
    pub category: &'static str,
    /// Its display name (`Billing Upgrade Approved`).
    pub name: String,
}

impl From<NotificationType> for TypeInfo {
    fn from(t: NotificationType) -> Self {
        Self {
            notification_type: t,
            category: t.category().as_str(),
            name: t.name(),
        }
    }
}

/// Admin `/types` (§3.10 A3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    /// Per category (in declaration order, keyed by `Category::admin_key`).
    pub categories: Vec<(Category, Vec<TypeInfo>)>,
    /// Lowest first.
    pub priorities: Vec<Priority>,
}

/// Body of admin send (§3.10 A1).
#[derive(Debug, Clone, PartialEq)]
pub struct AdminSend {
    /// 1–200 characters.
    pub title: String,
    /// 1–2000 characters.
    pub message: String,
    /// Defaults to normal.
    pub priority: Priority,
    /// `all`, `all_tenants`, `tenant:<id>` or `user:<id>`.
    pub target: String,
    /// Free context; `{}` when absent.
    pub data: Option<Map<String, Value>>,
}

/// Answer of admin send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendOutcome {
    /// Notifications created (suppressed recipients are not counted).
    pub notifications_sent: u64,
    /// The target as sent.
    pub target: String,
}

/// The parsed send target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Every active user.
    All,
    /// Every active tenant user.
    AllTenants,
    /// The active users of one tenant.
    Tenant(TenantId),
    /// One user, bypassing preferences.
    User(UserId),
}

impl Target {
    /// Parses the grammar after trimming and lower-casing.
    ///
    /// # Errors
    /// 400 `Invalid tenant ID format`, `Invalid user ID format`, or the
    /// grammar's message.
    pub fn parse(raw: &str) -> Result<Self, NotificationError> {
        let target = raw.trim().to_lowercase();
        match target.as_str() {
            "all" => Ok(Self::All),
            "all_tenants" => Ok(Self::AllTenants),
            _ => {
                if let Some(id) = target.strip_prefix("tenant:") {
                    Uuid::parse_str(id.trim())
                        .map(|u| Self::Tenant(TenantId::from_uuid(u)))
                        .map_err(|_| NotificationError::InvalidTenantId)
                } else if let Some(id) = target.strip_prefix("user:") {
                    Uuid::parse_str(id.trim())
                        .map(|u| Self::User(UserId::from_uuid(u)))
                        .map_err(|_| NotificationError::InvalidUserId)
                } else {
                    Err(NotificationError::InvalidTarget)
                }
            }
        }
    }
}

/// Checks admin send's lengths (characters, not bytes).
///
/// # Errors
/// [`NotificationError::Invalid`] naming the field.
pub fn validate_send(send: &AdminSend) -> Result<(), NotificationError> {
    let title = send.title.chars().count();
    if title == 0 || title > MAX_TITLE {
        return Err(NotificationError::Invalid(
            "title must be 1 to 200 characters",
        ));
    }
    let message = send.message.chars().count();
    if message == 0 || message > MAX_MESSAGE {
        return Err(NotificationError::Invalid(
            "message must be 1 to 2000 characters",
        ));
    }
    Ok(())
}
