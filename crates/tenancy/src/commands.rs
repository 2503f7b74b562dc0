//! The branch commands as the API hands them to [`crate::TenancyService`],
//! already parsed, with the contract's defaults applied.

use rust_decimal::Decimal;

/// `POST /branches` (`BranchCreate`) after the contract's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBranch {
    /// Display name, 1–255 characters.
    pub name: String,
    /// Code, 1–50 characters, unique within the tenant.
    pub code: String,
    /// Become the headquarters (demotes the current one).
    pub is_hq: bool,
    /// Street address.
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Province.
    pub province: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country (contract default "Indonesia").
    pub country: String,
    /// Phone.
    pub phone: Option<String>,
    /// Contact e-mail (not validated, per contract).
    pub email: Option<String>,
    /// Latitude.
    pub latitude: Option<Decimal>,
    /// Longitude.
    pub longitude: Option<Decimal>,
    /// Time zone (contract default "Asia/Jakarta").
    pub timezone: String,
    /// Currency (contract default "IDR").
    pub currency: String,
}

/// `PUT /branches/{id}` (`BranchUpdate`): `None` leaves a field unchanged;
/// for nullable fields `Some(None)` clears it.
#[allow(clippy::option_option, reason = "absent key vs explicit null")]
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BranchUpdate {
    /// New name.
    pub name: Option<String>,
    /// New code.
    pub code: Option<String>,
    /// `true` promotes to headquarters; `false` on the headquarters is refused.
    pub is_hq: Option<bool>,
    /// Street address.
    pub address: Option<Option<String>>,
    /// City.
    pub city: Option<Option<String>>,
    /// Province.
    pub province: Option<Option<String>>,
    /// Postal code.
    pub postal_code: Option<Option<String>>,
    /// Country.
    pub country: Option<String>,
    /// Phone.
    pub phone: Option<Option<String>>,
    /// Contact e-mail.
    pub email: Option<Option<String>>,
    /// Latitude.
    pub latitude: Option<Option<Decimal>>,
    /// Longitude.
    pub longitude: Option<Option<Decimal>>,
    /// Time zone.
    pub timezone: Option<String>,
    /// Currency.
    pub currency: Option<String>,
    /// Deactivate (delete rules apply) or reactivate (limit applies).
    pub is_active: Option<bool>,
}
