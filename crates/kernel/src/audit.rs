//! Audit entries: what every context writes, in the same transaction as the
//! change it describes, so that a completed change always has its record and
//! a failed audit write undoes the change.
//!
//! Domain services build an [`AuditEntry`] with [`AuditEntry::by`] (an
//! authenticated caller) or [`AuditEntry::anonymous`] (login, password reset)
//! and put it in their commit; stores append it to the tenant's hash chain
//! (see the `harmony-audit` crate). Details must never hold a secret: no
//! password, token, hash or key, only names, ids and e-mail addresses.

use crate::ids::{TenantId, UserId};
use crate::principal::Principal;
use time::OffsetDateTime;
use uuid::Uuid;

/// Where a request came from; captured once per request by the HTTP layer
/// and carried by the [`Principal`] (or passed explicitly by anonymous use
/// cases), so audit entries need no access to the transport.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The client IP as the trusted-proxy rules resolved it.
    pub ip: Option<String>,
    /// The `User-Agent` header, cut to 512 characters.
    pub user_agent: Option<String>,
    /// The request id (`X-Request-ID`) the response carries too.
    pub request_id: Option<String>,
}

/// Whether the audited action succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditStatus {
    /// The action took effect.
    Success,
    /// The action was refused (e.g. a wrong password).
    Failure,
}

impl AuditStatus {
    /// The contract's wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
        }
    }
    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "success" => Some(Self::Success),
            "failure" => Some(Self::Failure),
            _ => None,
        }
    }
}

/// One audited action, as a use case decides it (before it is chained).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Unique id of the record.
    pub id: Uuid,
    /// The tenant whose trail this belongs to; `None` for platform actions.
    pub tenant_id: Option<TenantId>,
    /// Who acted (the impersonated user during impersonation); `None` when
    /// nobody was authenticated (failed login).
    pub user_id: Option<UserId>,
    /// The system admin really acting during an impersonation.
    pub impersonator_id: Option<UserId>,
    /// Catalogue name, e.g. `user.created` (api-core §8).
    pub action: String,
    /// Kind of thing acted on, e.g. `user`.
    pub resource: String,
    /// Id of the thing acted on.
    pub resource_id: Option<String>,
    /// Action-specific facts; never secrets.
    pub details: serde_json::Map<String, serde_json::Value>,
    /// Success or failure.
    pub status: AuditStatus,
    /// Where the request came from.
    pub origin: Origin,
    /// When it happened.
    pub at: OffsetDateTime,
}

impl AuditEntry {
    /// An action of an authenticated caller: actor, impersonator and origin
    /// come from the principal; the tenant defaults to the caller's.
    pub fn by(who: &Principal, action: &str, resource: &str, at: OffsetDateTime) -> Self {
        Self {
            id: Uuid::new_v4(),
            tenant_id: who.tenant_id(),
            user_id: Some(who.user_id()),
            impersonator_id: who.impersonator(),
            action: action.to_owned(),
            resource: resource.to_owned(),
            resource_id: None,
            details: serde_json::Map::new(),
            status: AuditStatus::Success,
            origin: who.origin().clone(),
            at,
        }
    }

    /// An action without an authenticated caller (login, password reset,
    /// registration) or of the platform itself (worker jobs).
    pub fn anonymous(origin: &Origin, action: &str, resource: &str, at: OffsetDateTime) -> Self {
        Self {
            id: Uuid::new_v4(),
            tenant_id: None,
            user_id: None,
            impersonator_id: None,
            action: action.to_owned(),
            resource: resource.to_owned(),
            resource_id: None,
            details: serde_json::Map::new(),
            status: AuditStatus::Success,
            origin: origin.clone(),
            at,
        }
    }

    /// Sets the tenant whose trail the entry joins.
    #[must_use]
    pub fn tenant(mut self, tenant: Option<TenantId>) -> Self {
        self.tenant_id = tenant;
        self
    }

    /// Sets the acting user.
    #[must_use]
    pub fn user(mut self, user: Option<UserId>) -> Self {
        self.user_id = user;
        self
    }

    /// Sets the id of the thing acted on.
    #[must_use]
    #[expect(
        clippy::needless_pass_by_value,
        reason = "ids are small Copy values; by value keeps the builder chains short"
    )]
    pub fn resource_id(mut self, id: impl ToString) -> Self {
        self.resource_id = Some(id.to_string());
        self
    }

    /// Adds one detail. Callers pass names, ids and addresses, never secrets.
    #[must_use]
    pub fn detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }

    /// Marks the action as refused.
    #[must_use]
    pub const fn failed(mut self) -> Self {
        self.status = AuditStatus::Failure;
        self
    }
}

/// The names of the fields an update sends (`(name, sent)` pairs, in
/// order), for the `updated_fields` detail of `*.updated` entries.
pub fn sent_fields<const N: usize>(fields: [(&'static str, bool); N]) -> Vec<&'static str> {
    fields
        .into_iter()
        .filter_map(|(name, sent)| sent.then_some(name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::principal::{SystemRole, TenantRole};

    #[test]
    fn entries_by_a_tenant_user_join_their_tenants_trail() {
        let t = TenantId::new();
        let u = UserId::new();
        let origin = Origin {
            ip: Some("10.0.0.1".into()),
            user_agent: Some("curl".into()),
            request_id: Some("r1".into()),
        };
        let who = Principal::verified_tenant_user(u, None, t, TenantRole::Admin)
            .with_origin(origin.clone());
        let e = AuditEntry::by(&who, "branch.created", "branch", OffsetDateTime::UNIX_EPOCH)
            .resource_id("b1")
            .detail("code", "HQ");
        assert_eq!(e.tenant_id, Some(t));
        assert_eq!(e.user_id, Some(u));
        assert_eq!(e.origin, origin);
        assert_eq!(e.details["code"], "HQ");
        assert_eq!(e.status, AuditStatus::Success);
    }

    #[test]
    fn sent_fields_keeps_the_sent_names_in_order() {
        assert_eq!(
            sent_fields([("a", true), ("b", false), ("c", true)]),
            ["a", "c"]
        );
    }

    #[test]
    fn entries_by_system_users_are_platform_entries_unless_told() {
        let who = Principal::verified_system_user(UserId::new(), None, SystemRole::Admin);
        let t = TenantId::new();
        let e = AuditEntry::by(&who, "tenant.updated", "tenant", OffsetDateTime::UNIX_EPOCH);
        assert_eq!(e.tenant_id, None);
        assert_eq!(e.tenant(Some(t)).tenant_id, Some(t));
    }
}
