//! [`IdentityStore`] for [`SqlStore`].

mod commit;
mod listing;

use crate::entity::{branches, one_time_tokens as ott, refresh_tokens as rt, sessions};
use crate::entity::{tenants, users};
use crate::error::store_err;
use crate::map::tenancy::{branch_from_row, tenant_from_row};
use crate::map::tokens::{one_time_from_row, refresh_from_row, session_from_row};
use crate::map::user::user_from_row;
use crate::store::SqlStore;
use harmony_identity::model::{Email, OneTimeToken, RefreshToken, Session, TokenPurpose, User};
use harmony_identity::ports::{Change, IdentityStore, TenantDataCounts, UserFilter, UserListing};
use harmony_kernel::{
    BranchId, OperatorScope, Page, PageRequest, SessionId, StoreError, SystemRole, TenantId,
    TenantScope, UserId,
};
use harmony_tenancy::{Branch, Tenant};
use listing::Reach;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

#[async_trait::async_trait]
impl IdentityStore for SqlStore {
    async fn commit(&self, changes: &[Change]) -> Result<(), StoreError> {
        commit::commit(self.connection(), changes).await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let row = users::Entity::find_by_id(id.into_uuid())
            .one(self.connection())
            .await
            .map_err(store_err)?;
        row.map(user_from_row).transpose()
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let row = users::Entity::find()
            .filter(users::Column::Email.eq(email.as_str()))
            .filter(users::Column::DeletedAt.is_null())
            .one(self.connection())
            .await
            .map_err(store_err)?;
        row.map(user_from_row).transpose()
    }

    async fn tenant_user(
        &self,
        scope: &TenantScope,
        id: UserId,
    ) -> Result<Option<User>, StoreError> {
        let row = users::Entity::find()
            .filter(users::Column::Id.eq(id.into_uuid()))
            .filter(users::Column::TenantId.eq(scope.tenant_id().into_uuid()))
            .one(self.connection())
            .await
            .map_err(store_err)?;
        row.map(user_from_row).transpose()
    }

    async fn list_tenant_users(
        &self,
        scope: &TenantScope,
        filter: &UserFilter,
        page: PageRequest,
    ) -> Result<Page<UserListing>, StoreError> {
        listing::list(
            self.connection(),
            Reach::Tenant(scope.tenant_id()),
            filter,
            page,
        )
        .await
    }

    async fn list_all_users(
        &self,
        _scope: &OperatorScope,
        filter: &UserFilter,
        page: PageRequest,
    ) -> Result<Page<UserListing>, StoreError> {
        listing::list(self.connection(), Reach::All, filter, page).await
    }

    async fn count_active_users(&self, scope: &TenantScope) -> Result<u64, StoreError> {
        listing::count_active(self.connection(), scope.tenant_id()).await
    }

    async fn system_admin_exists(&self) -> Result<bool, StoreError> {
        let n = users::Entity::find()
            .filter(users::Column::SystemRole.eq(SystemRole::Admin.as_str()))
            .filter(users::Column::DeletedAt.is_null())
            .count(self.connection())
            .await
            .map_err(store_err)?;
        Ok(n > 0)
    }

    async fn tenant_data_counts(
        &self,
        _scope: &OperatorScope,
    ) -> Result<TenantDataCounts, StoreError> {
        let db = self.connection();
        let tenant_users = users::Entity::find()
            .filter(users::Column::TenantId.is_not_null())
            .count(db)
            .await
            .map_err(store_err)?;
        let all_users = users::Entity::find().count(db).await.map_err(store_err)?;
        Ok(TenantDataCounts {
            tenants: tenants::Entity::find().count(db).await.map_err(store_err)?,
            branches: branches::Entity::find()
                .count(db)
                .await
                .map_err(store_err)?,
            users: tenant_users,
            system_users: all_users - tenant_users,
        })
    }

    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        let row = tenants::Entity::find_by_id(id.into_uuid())
            .one(self.connection())
            .await
            .map_err(store_err)?;
        row.map(tenant_from_row).transpose()
    }

    async fn tenant_by_subdomain(&self, subdomain: &str) -> Result<Option<Tenant>, StoreError> {
        let row = tenants::Entity::find()
            .filter(tenants::Column::Subdomain.eq(subdomain))
            .one(self.connection())
            .await
            .map_err(store_err)?;
        row.map(tenant_from_row).transpose()
    }

    async fn tenant_branch(
        &self,
        scope: &TenantScope,
        id: BranchId,
    ) -> Result<Option<Branch>, StoreError> {
        let row = branches::Entity::find()
            .filter(branches::Column::Id.eq(id.into_uuid()))
            .filter(branches::Column::TenantId.eq(scope.tenant_id().into_uuid()))
            .one(self.connection())
            .await
            .map_err(store_err)?;
        Ok(row.map(branch_from_row))
    }

    async fn session(&self, id: SessionId) -> Result<Option<Session>, StoreError> {
        let row = sessions::Entity::find_by_id(id.into_uuid())
            .one(self.connection())
            .await
            .map_err(store_err)?;
        Ok(row.as_ref().map(session_from_row))
    }

    async fn refresh_token(&self, id: Uuid) -> Result<Option<RefreshToken>, StoreError> {
        let row = rt::Entity::find_by_id(id)
            .one(self.connection())
            .await
            .map_err(store_err)?;
        Ok(row.map(refresh_from_row))
    }

    async fn one_time_token(
        &self,
        purpose: TokenPurpose,
        digest: &str,
    ) -> Result<Option<OneTimeToken>, StoreError> {
        let row = ott::Entity::find()
            .filter(ott::Column::Purpose.eq(purpose.as_str()))
            .filter(ott::Column::TokenDigest.eq(digest))
            .one(self.connection())
            .await
            .map_err(store_err)?;
        row.map(one_time_from_row).transpose()
    }
}
