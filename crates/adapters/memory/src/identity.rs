//! `IdentityStore` over a mutex-guarded state that is cloned, changed and
//! swapped on every commit, so a failing change leaves nothing behind.

mod closure;

use crate::outbox::OutboxEntry;
use harmony_identity::model::{
    Email, OneTimeToken, RefreshToken, Session, TokenPurpose, User, UserKind,
};
use harmony_identity::ports::{Change, IdentityStore, TenantDataCounts, UserFilter, UserListing};
use harmony_kernel::mail::EmailJob;
use harmony_kernel::outbox::OutboxMessage;
use harmony_kernel::{
    BranchId, OperatorScope, Page, PageRequest, SessionId, StoreError, SystemRole, TenantId,
    TenantRole, TenantScope, UserId,
};
use harmony_tenancy::{Branch, Tenant};
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError};
use uuid::Uuid;

/// Everything the store holds; cloned per commit.
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    pub(crate) users: HashMap<UserId, User>,
    pub(crate) tenants: HashMap<TenantId, Tenant>,
    pub(crate) branches: HashMap<BranchId, Branch>,
    sessions: HashMap<SessionId, Session>,
    refresh_tokens: HashMap<Uuid, RefreshToken>,
    one_time_tokens: HashMap<Uuid, OneTimeToken>,
    pub(crate) outbox: Vec<OutboxEntry>,
    pub(crate) audit: crate::audit::AuditLog,
    pub(crate) platform: Option<harmony_tenancy::platform::PlatformSettings>,
    pub(crate) runtime: harmony_tenancy::platform::runtime::RuntimeSettings,
    pub(crate) files: HashMap<Uuid, harmony_files::FileRecord>,
    pub(crate) notifications: crate::notifications::NotificationTables,
}

/// One in-memory database for identity and the outbox (see the crate docs).
#[derive(Debug, Default)]
pub struct InMemoryStore {
    state: Mutex<State>,
}

fn insert_new<K: std::hash::Hash + Eq, V>(
    map: &mut HashMap<K, V>,
    key: K,
    value: V,
    what: &str,
) -> Result<(), StoreError> {
    if map.contains_key(&key) {
        return Err(StoreError::Conflict(format!("{what}.pkey")));
    }
    map.insert(key, value);
    Ok(())
}

impl State {
    fn apply(&mut self, change: &Change) -> Result<(), StoreError> {
        match change.clone() {
            Change::InsertTenant(t) => insert_new(&mut self.tenants, t.id, t, "tenants")?,
            Change::InsertBranch(b) => insert_new(&mut self.branches, b.id, b, "branches")?,
            Change::InsertUser(u) => insert_new(&mut self.users, u.id, u, "users")?,
            Change::ReserveUserSeat { tenant_id, limit } => {
                // Commits run under the store's mutex, so this count is serialised.
                let active = self
                    .users
                    .values()
                    .filter(|u| {
                        u.is_active && u.deleted_at.is_none() && u.tenant_id() == Some(tenant_id)
                    })
                    .count() as u64;
                if limit.is_reached_by(active) {
                    return Err(StoreError::Conflict("user_limit".to_owned()));
                }
            }
            Change::UpdateUser {
                mut user,
                expected_version,
            } => {
                let stored = self
                    .users
                    .get_mut(&user.id)
                    .ok_or(StoreError::StaleVersion)?;
                if stored.version != expected_version {
                    return Err(StoreError::StaleVersion);
                }
                user.version = expected_version + 1;
                *stored = user;
            }
            Change::InsertOneTimeToken(t) => {
                insert_new(&mut self.one_time_tokens, t.id, t, "one_time_tokens")?;
            }
            Change::ConsumeOneTimeToken { id, at } => {
                let t = self
                    .one_time_tokens
                    .get_mut(&id)
                    .ok_or(StoreError::StaleVersion)?;
                if t.used_at.is_some() {
                    return Err(StoreError::StaleVersion);
                }
                t.used_at = Some(at);
            }
            Change::RetireOneTimeTokens {
                user_id,
                purpose,
                at,
            } => {
                self.one_time_tokens
                    .values_mut()
                    .filter(|t| t.user_id == user_id && t.purpose == purpose && t.used_at.is_none())
                    .for_each(|t| t.used_at = Some(at));
            }
            Change::InsertSession(s) => insert_new(&mut self.sessions, s.id, s, "sessions")?,
            Change::RevokeSession { id, at } => {
                if let Some(s) = self.sessions.get_mut(&id) {
                    s.revoked_at.get_or_insert(at);
                }
            }
            Change::RevokeUserSessions { user_id, at } => self
                .sessions
                .values_mut()
                .filter(|s| s.user_id == user_id)
                .for_each(|s| {
                    s.revoked_at.get_or_insert(at);
                }),
            Change::InsertRefreshToken(t) => {
                insert_new(&mut self.refresh_tokens, t.id, t, "refresh_tokens")?;
            }
            Change::RotateRefreshToken {
                id,
                at,
                successor_id,
            } => {
                let t = self
                    .refresh_tokens
                    .get_mut(&id)
                    .ok_or(StoreError::StaleVersion)?;
                if t.rotated_at.is_some() {
                    return Err(StoreError::StaleVersion);
                }
                t.rotated_at = Some(at);
                t.successor_id = Some(successor_id);
            }
            Change::Outbox(message) => self.outbox.push(OutboxEntry::new(message)),
            Change::DeleteTenant { tenant_id } => self.delete_tenant(tenant_id)?,
            Change::DeleteAllTenants => self.delete_all_tenants()?,
            Change::Audit(entry) => self.audit.append(std::slice::from_ref(&entry)),
        }
        Ok(())
    }

    /// The unique rules of the schema: live e-mail, subdomain, one active owner.
    fn check_unique(&self) -> Result<(), StoreError> {
        let mut emails = HashSet::new();
        let mut owners = HashSet::new();
        for u in self.users.values() {
            if u.deleted_at.is_none() && !emails.insert(u.email.as_str()) {
                return Err(StoreError::Conflict("users.email".to_owned()));
            }
            if let UserKind::Tenant {
                tenant_id,
                role: TenantRole::Owner,
            } = u.kind
                && u.is_active
                && !owners.insert(tenant_id)
            {
                return Err(StoreError::Conflict("unique_tenant_owner".to_owned()));
            }
        }
        let mut subdomains = HashSet::new();
        if !self
            .tenants
            .values()
            .all(|t| subdomains.insert(t.subdomain.as_str()))
        {
            return Err(StoreError::Conflict("tenants.subdomain".to_owned()));
        }
        Ok(())
    }

    fn listing(&self, user: &User, with_tenant: bool) -> UserListing {
        let branch = user.default_branch_id.and_then(|b| self.branches.get(&b));
        let tenant = user
            .tenant_id()
            .and_then(|t| self.tenants.get(&t))
            .filter(|_| with_tenant);
        UserListing {
            user: user.clone(),
            branch_name: branch.map(|b| b.name.clone()),
            branch_code: branch.map(|b| b.code.clone()),
            tenant_name: tenant.map(|t| t.name.clone()),
            tenant_subdomain: tenant.map(|t| t.subdomain.clone()),
        }
    }

    fn page(
        &self,
        mut users: Vec<&User>,
        page: PageRequest,
        with_tenant: bool,
    ) -> Page<UserListing> {
        users.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        let total = users.len() as u64;
        let skip = usize::try_from(page.skip).unwrap_or(usize::MAX);
        let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
        let items = users
            .into_iter()
            .skip(skip)
            .take(limit)
            .map(|u| self.listing(u, with_tenant));
        Page {
            items: items.collect(),
            total,
        }
    }
}

fn contains(hay: Option<&str>, needle: &str) -> bool {
    hay.is_some_and(|h| h.to_lowercase().contains(needle))
}

fn matches(u: &User, f: &UserFilter, admin: bool) -> bool {
    let search = f.search.as_deref().map(str::to_lowercase);
    let search_ok = search.as_deref().is_none_or(|s| {
        contains(Some(u.email.as_str()), s)
            || contains(u.full_name.as_deref(), s)
            || (!admin
                && (contains(u.first_name.as_deref(), s) || contains(u.last_name.as_deref(), s)))
    });
    search_ok
        && f.tenant_role.is_none_or(|r| u.tenant_role() == Some(r))
        && f.system_role.is_none_or(|r| u.system_role() == Some(r))
        && f.branch_id.is_none_or(|b| u.default_branch_id == Some(b))
        && f.tenant_id.is_none_or(|t| u.tenant_id() == Some(t))
}

impl InMemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every outbox message ever committed, in order (tests).
    pub fn outbox_messages(&self) -> Vec<OutboxMessage> {
        self.lock()
            .outbox
            .iter()
            .map(|e| e.message.clone())
            .collect()
    }

    /// The e-mail jobs among the outbox messages, in order (tests).
    pub fn email_jobs(&self) -> Vec<EmailJob> {
        self.outbox_messages()
            .into_iter()
            .filter_map(|m| serde_json::from_value(m.payload).ok())
            .collect()
    }

    /// Every session of a user (tests).
    pub fn sessions_of(&self, user_id: UserId) -> Vec<Session> {
        self.lock()
            .sessions
            .values()
            .filter(|s| s.user_id == user_id)
            .cloned()
            .collect()
    }

    /// Changes a tenant in place, e.g. to deactivate it or lower its limits;
    /// tenancy's use cases own this in production. Returns false if unknown.
    pub fn update_tenant(&self, id: TenantId, f: impl FnOnce(&mut Tenant)) -> bool {
        self.lock().tenants.get_mut(&id).map(f).is_some()
    }
}

#[async_trait::async_trait]
impl IdentityStore for InMemoryStore {
    async fn commit(&self, changes: &[Change]) -> Result<(), StoreError> {
        let mut guard = self.lock();
        let mut next = guard.clone();
        for change in changes {
            next.apply(change)?;
        }
        next.check_unique()?;
        *guard = next;
        Ok(())
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        Ok(self.lock().users.get(&id).cloned())
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let state = self.lock();
        Ok(state
            .users
            .values()
            .find(|u| u.deleted_at.is_none() && &u.email == email)
            .cloned())
    }

    async fn tenant_user(
        &self,
        scope: &TenantScope,
        id: UserId,
    ) -> Result<Option<User>, StoreError> {
        let state = self.lock();
        Ok(state
            .users
            .get(&id)
            .filter(|u| u.tenant_id() == Some(scope.tenant_id()))
            .cloned())
    }

    async fn list_tenant_users(
        &self,
        scope: &TenantScope,
        filter: &UserFilter,
        page: PageRequest,
    ) -> Result<Page<UserListing>, StoreError> {
        let state = self.lock();
        let users = state
            .users
            .values()
            .filter(|u| u.is_active && u.deleted_at.is_none())
            .filter(|u| u.tenant_id() == Some(scope.tenant_id()) && matches(u, filter, false))
            .collect();
        Ok(state.page(users, page, false))
    }

    async fn list_all_users(
        &self,
        _scope: &OperatorScope,
        filter: &UserFilter,
        page: PageRequest,
    ) -> Result<Page<UserListing>, StoreError> {
        let state = self.lock();
        let users = state
            .users
            .values()
            .filter(|u| u.is_active && u.deleted_at.is_none() && matches(u, filter, true))
            .collect();
        Ok(state.page(users, page, true))
    }

    async fn count_active_users(&self, scope: &TenantScope) -> Result<u64, StoreError> {
        let state = self.lock();
        let active = |u: &&User| {
            u.is_active && u.deleted_at.is_none() && u.tenant_id() == Some(scope.tenant_id())
        };
        Ok(state.users.values().filter(active).count() as u64)
    }

    async fn system_admin_exists(&self) -> Result<bool, StoreError> {
        let state = self.lock();
        Ok(state
            .users
            .values()
            .any(|u| u.deleted_at.is_none() && u.system_role() == Some(SystemRole::Admin)))
    }

    async fn tenant_data_counts(
        &self,
        _scope: &OperatorScope,
    ) -> Result<TenantDataCounts, StoreError> {
        Ok(self.lock().tenant_data_counts())
    }

    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        Ok(self.lock().tenants.get(&id).cloned())
    }

    async fn tenant_by_subdomain(&self, subdomain: &str) -> Result<Option<Tenant>, StoreError> {
        Ok(self
            .lock()
            .tenants
            .values()
            .find(|t| t.subdomain == subdomain)
            .cloned())
    }

    async fn tenant_branch(
        &self,
        scope: &TenantScope,
        id: BranchId,
    ) -> Result<Option<Branch>, StoreError> {
        let state = self.lock();
        Ok(state
            .branches
            .get(&id)
            .filter(|b| b.tenant_id == scope.tenant_id())
            .cloned())
    }

    async fn session(&self, id: SessionId) -> Result<Option<Session>, StoreError> {
        Ok(self.lock().sessions.get(&id).cloned())
    }

    async fn refresh_token(&self, id: Uuid) -> Result<Option<RefreshToken>, StoreError> {
        Ok(self.lock().refresh_tokens.get(&id).cloned())
    }

    async fn one_time_token(
        &self,
        purpose: TokenPurpose,
        digest: &str,
    ) -> Result<Option<OneTimeToken>, StoreError> {
        let state = self.lock();
        Ok(state
            .one_time_tokens
            .values()
            .find(|t| t.purpose == purpose && t.token_digest == digest)
            .cloned())
    }
}
