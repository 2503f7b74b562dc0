//! The notification catalogue (§9.1), the records and the preference rule
//! (§9.2), all pure.

use harmony_kernel::{TenantId, UserId};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

/// The `notification_type` of a preference row that applies to every type.
pub const WILDCARD: &str = "*";

macro_rules! types {
    ($($variant:ident => $text:literal, $cat:ident;)+) => {
        /// What a notification is about. An enum, not free strings, so a
        /// producer cannot invent a type the client does not know (ADR 0009).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum NotificationType { $(#[doc = $text] $variant),+ }

        impl NotificationType {
            /// Every type, in the contract's declaration order (§9.1): the
            /// order of `/notifications/types`.
            pub const ALL: [Self; 18] = [$(Self::$variant),+];

            /// The stored and serialised value, e.g. `billing.upgrade_approved`.
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            /// The category: the part before the first dot.
            pub const fn category(self) -> Category {
                match self { $(Self::$variant => Category::$cat),+ }
            }
        }
    };
}

types! {
    SystemAnnouncement => "system.announcement", System;
    SystemMaintenance => "system.maintenance", System;
    BillingUpgradeApproved => "billing.upgrade_approved", Billing;
    BillingUpgradeRejected => "billing.upgrade_rejected", Billing;
    BillingPaymentReceived => "billing.payment_received", Billing;
    BillingSubscriptionExpiring => "billing.subscription_expiring", Billing;
    BillingSubscriptionExpired => "billing.subscription_expired", Billing;
    UserInvited => "user.invited", User;
    UserJoined => "user.joined", User;
    UserRoleChanged => "user.role_changed", User;
    UserRemoved => "user.removed", User;
    TenantSettingsChanged => "tenant.settings_changed", Tenant;
    TenantBranchCreated => "tenant.branch_created", Tenant;
    TenantBranchDeleted => "tenant.branch_deleted", Tenant;
    UsageQuotaWarning => "usage.quota_warning", Usage;
    UsageQuotaExceeded => "usage.quota_exceeded", Usage;
    SecurityLoginNewDevice => "security.login_new_device", Security;
    SecurityPasswordChanged => "security.password_changed", Security;
}

impl NotificationType {
    /// The type with this stored value; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The display name of §3.10: the original's constant name
    /// (`BILLING_UPGRADE_APPROVED`) with `_` → space, title-cased
    /// (`Billing Upgrade Approved`). Derived from the value, whose dots and
    /// underscores are exactly the constant's underscores.
    pub fn name(self) -> String {
        self.as_str()
            .split(['.', '_'])
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_uppercase().chain(chars).collect::<String>()
                })
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl std::fmt::Display for NotificationType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The six groups of types; the client groups its settings page by them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Platform announcements and maintenance.
    System,
    /// Subscription and payment events.
    Billing,
    /// Team membership ("Team" in the client).
    User,
    /// Organisation changes ("Organization" in the client).
    Tenant,
    /// Quota warnings.
    Usage,
    /// Sign-in and password events.
    Security,
}

impl Category {
    /// Every category, in declaration order (the order of admin `/types`).
    pub const ALL: [Self; 6] = [
        Self::System,
        Self::Billing,
        Self::User,
        Self::Tenant,
        Self::Usage,
        Self::Security,
    ];

    /// The prefix of its types' values, e.g. `billing`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Billing => "billing",
            Self::User => "user",
            Self::Tenant => "tenant",
            Self::Usage => "usage",
            Self::Security => "security",
        }
    }

    /// The name the client shows (§9.1).
    pub const fn display_name(self) -> &'static str {
        match self {
            Self::System => "System",
            Self::Billing => "Billing",
            Self::User => "Team",
            Self::Tenant => "Organization",
            Self::Usage => "Usage",
            Self::Security => "Security",
        }
    }

    /// The key of admin `/types`' `categories` object (§3.10 A3), which
    /// title-cases the prefix rather than using the client's names.
    pub const fn admin_key(self) -> &'static str {
        match self {
            Self::System => "System",
            Self::Billing => "Billing",
            Self::User => "User",
            Self::Tenant => "Tenant",
            Self::Usage => "Usage",
            Self::Security => "Security",
        }
    }

    /// Its types in declaration order.
    pub fn types(self) -> impl Iterator<Item = NotificationType> {
        NotificationType::ALL
            .into_iter()
            .filter(move |t| t.category() == self)
    }
}

/// How urgent a notification is; the client styles by it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Priority {
    /// Informational.
    Low,
    /// The default.
    #[default]
    Normal,
    /// Needs attention soon.
    High,
    /// Needs attention now.
    Urgent,
}

impl Priority {
    /// Every priority, lowest first (admin `/types`' `priorities`).
    pub const ALL: [Self; 4] = [Self::Low, Self::Normal, Self::High, Self::Urgent];

    /// The stored value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }

    /// The priority with this stored value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// One notification in one user's inbox. Soft-deleted ones keep their row
/// (`is_active = false`) and are invisible to every user read and count.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// Identity.
    pub id: Uuid,
    /// Whose inbox.
    pub user_id: UserId,
    /// Set when it was raised for a tenant (admin stats, cascades).
    pub tenant_id: Option<TenantId>,
    /// What it is about.
    pub notification_type: NotificationType,
    /// Headline, 1–200 characters.
    pub title: String,
    /// Body, 1–2000 characters.
    pub message: String,
    /// How urgent.
    pub priority: Priority,
    /// Free context for the client (links, ids); `{}` when none.
    pub data: Map<String, Value>,
    /// Whether the user has read it.
    pub is_read: bool,
    /// When it was marked read.
    pub read_at: Option<OffsetDateTime>,
    /// `false` once the user deleted it.
    pub is_active: bool,
    /// When the user deleted it.
    pub deleted_at: Option<OffsetDateTime>,
    /// When it was raised; lists are newest first.
    pub created_at: OffsetDateTime,
    /// Channels it went out on; always `["in_app"]` until e-mail exists.
    pub channels_sent: Vec<String>,
}

/// A user's delivery choice for one type, or for every type (`*`).
///
/// `notification_type` stays a string: rows written by the original may hold
/// any text. New writes are validated (a known type or `*`, defect 39).
#[allow(clippy::struct_excessive_bools)] // the four flags are the columns of §5.8
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preference {
    /// Whose choice.
    pub user_id: UserId,
    /// A type's value or [`WILDCARD`].
    pub notification_type: String,
    /// `false` suppresses the notification entirely.
    pub in_app_enabled: bool,
    /// Whether e-mail may be sent (stored; no e-mail channel yet).
    pub email_enabled: bool,
    /// Whether e-mail should be batched (stored only).
    pub email_digest: bool,
    /// Inactive rows are ignored by reads and by [`resolve`].
    pub is_active: bool,
}

/// The body of PUT preference: unspecified flags keep their value on update
/// and take the defaults (in-app on, e-mail on, digest off) on create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferenceUpdate {
    /// A type's value or [`WILDCARD`] (validated by the service).
    pub notification_type: String,
    /// New in-app flag, if given.
    pub in_app_enabled: Option<bool>,
    /// New e-mail flag, if given.
    pub email_enabled: Option<bool>,
    /// New digest flag, if given.
    pub email_digest: Option<bool>,
}

impl PreferenceUpdate {
    /// The row an upsert creates when none matches (§9.2 defaults).
    pub fn create_for(&self, user_id: UserId) -> Preference {
        Preference {
            user_id,
            notification_type: self.notification_type.clone(),
            in_app_enabled: self.in_app_enabled.unwrap_or(true),
            email_enabled: self.email_enabled.unwrap_or(true),
            email_digest: self.email_digest.unwrap_or(false),
            is_active: true,
        }
    }

    /// Applies the given flags to a matching row (active or not, whose
    /// `is_active` it leaves alone, as the original does).
    pub fn apply_to(&self, row: &mut Preference) {
        if let Some(v) = self.in_app_enabled {
            row.in_app_enabled = v;
        }
        if let Some(v) = self.email_enabled {
            row.email_enabled = v;
        }
        if let Some(v) = self.email_digest {
            row.email_digest = v;
        }
    }
}

/// Where a notification of one type may go for one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// Create the in-app notification.
    pub in_app: bool,
    /// E-mail would be allowed (no channel yet).
    pub email: bool,
}

/// The §9.2 rule over one user's rows: the active row of exactly this type,
/// else the active `*` row, else none. No row delivers in-app and sends no
/// e-mail; a row decides each channel by its own flag (in-app off means the
/// notification is not created; e-mail only when the row enables it).
pub fn resolve(preferences: &[Preference], notification_type: NotificationType) -> Delivery {
    let active = |key: &str| {
        preferences
            .iter()
            .find(|p| p.is_active && p.notification_type == key)
    };
    match active(notification_type.as_str()).or_else(|| active(WILDCARD)) {
        Some(p) => Delivery {
            in_app: p.in_app_enabled,
            email: p.email_enabled,
        },
        None => Delivery {
            in_app: true,
            email: false,
        },
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
