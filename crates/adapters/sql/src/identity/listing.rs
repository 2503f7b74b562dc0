//! The user listings: filters, case-insensitive search, paging, and the
//! names of each user's branch and tenant.

use crate::entity::{branches, tenants, users};
use crate::error::store_err;
use crate::map::user::user_from_row;
use crate::timestamps;
use harmony_identity::ports::{UserFilter, UserListing};
use harmony_kernel::{BranchId, Page, PageRequest, StoreError, TenantId};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Where a listing looks: one tenant, or everything (admin).
#[derive(Clone, Copy)]
pub(crate) enum Reach {
    Tenant(TenantId),
    All,
}

fn like_pattern(search: &str) -> String {
    let mut p = String::from("%");
    for c in search.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

fn search_condition(search: &str, reach: Reach) -> Condition {
    let pattern = like_pattern(search);
    let mut cols = vec![users::Column::Email, users::Column::FullName];
    if matches!(reach, Reach::Tenant(_)) {
        cols.extend([users::Column::FirstName, users::Column::LastName]);
    }
    cols.into_iter().fold(Condition::any(), |cond, c| {
        let lowered: Expr = Func::lower(Expr::col((users::Entity, c))).into();
        cond.add(lowered.like(LikeExpr::new(pattern.clone()).escape('\\')))
    })
}

fn condition(filter: &UserFilter, reach: Reach) -> Condition {
    let mut cond = Condition::all()
        .add(users::Column::IsActive.eq(true))
        .add(users::Column::DeletedAt.is_null());
    if let Reach::Tenant(t) = reach {
        cond = cond.add(users::Column::TenantId.eq(t.into_uuid()));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        cond = cond.add(search_condition(search, reach));
    }
    if let Some(role) = filter.tenant_role {
        cond = cond.add(users::Column::TenantRole.eq(role.as_str()));
    }
    if let Some(role) = filter.system_role {
        cond = cond.add(users::Column::SystemRole.eq(role.as_str()));
    }
    if let Some(b) = filter.branch_id {
        cond = cond.add(users::Column::DefaultBranchId.eq(b.into_uuid()));
    }
    if let Some(t) = filter.tenant_id {
        cond = cond.add(users::Column::TenantId.eq(t.into_uuid()));
    }
    cond
}

/// One page of active users matching `filter`, newest first, with the total.
pub(crate) async fn list(
    db: &DatabaseConnection,
    reach: Reach,
    filter: &UserFilter,
    page: PageRequest,
) -> Result<Page<UserListing>, StoreError> {
    let query = users::Entity::find().filter(condition(filter, reach));
    let total = query.clone().count(db).await.map_err(store_err)?;
    let rows = query
        .order_by(
            timestamps::col(db.get_database_backend(), users::Column::CreatedAt),
            Order::Desc,
        )
        .order_by(users::Column::Id, Order::Desc)
        .offset(page.skip)
        .limit(page.limit)
        .all(db)
        .await
        .map_err(store_err)?;
    let users = rows
        .into_iter()
        .map(user_from_row)
        .collect::<Result<Vec<_>, _>>()?;

    let branch_ids: HashSet<Uuid> = users
        .iter()
        .filter_map(|u| u.default_branch_id.map(BranchId::into_uuid))
        .collect();
    let branches: HashMap<Uuid, branches::Model> = branches::Entity::find()
        .filter(branches::Column::Id.is_in(branch_ids))
        .all(db)
        .await
        .map_err(store_err)?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let tenants: HashMap<Uuid, tenants::Model> = if matches!(reach, Reach::All) {
        let ids: HashSet<Uuid> = users
            .iter()
            .filter_map(|u| u.tenant_id().map(TenantId::into_uuid))
            .collect();
        tenants::Entity::find()
            .filter(tenants::Column::Id.is_in(ids))
            .all(db)
            .await
            .map_err(store_err)?
            .into_iter()
            .map(|t| (t.id, t))
            .collect()
    } else {
        HashMap::new()
    };

    let items = users
        .into_iter()
        .map(|user| {
            let branch = user
                .default_branch_id
                .and_then(|b| branches.get(&b.into_uuid()));
            let tenant = user.tenant_id().and_then(|t| tenants.get(&t.into_uuid()));
            UserListing {
                branch_name: branch.map(|b| b.name.clone()),
                branch_code: branch.map(|b| b.code.clone()),
                tenant_name: tenant.map(|t| t.name.clone()),
                tenant_subdomain: tenant.map(|t| t.subdomain.clone()),
                user,
            }
        })
        .collect();
    Ok(Page { items, total })
}

/// Active users of one tenant.
pub(crate) async fn count_active<C: ConnectionTrait>(
    db: &C,
    t: TenantId,
) -> Result<u64, StoreError> {
    users::Entity::find()
        .filter(condition(&UserFilter::default(), Reach::Tenant(t)))
        .count(db)
        .await
        .map_err(store_err)
}
