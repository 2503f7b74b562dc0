//! sea-orm entities, one module per table. Timestamps use the `time` crate.

pub mod audit_chain_heads;
pub mod audit_logs;
pub mod branches;
pub mod files;
pub mod notification_preferences;
pub mod notifications;
pub mod one_time_tokens;
pub mod outbox;
pub mod platform_settings;
pub mod refresh_tokens;
pub mod runtime_settings;
pub mod sessions;
pub mod subscription_tiers;
pub mod tenants;
pub mod users;
