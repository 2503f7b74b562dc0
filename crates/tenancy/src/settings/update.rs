//! Pure decisions of the tenant-settings writes (§3.4): format settings
//! with their defaults and ranges, and the settings update that applies the
//! keys present and merges `settings` (defect 35).

use crate::error::TenancyError;
use crate::model::Tenant;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

/// `FormatSettings`: how the tenant's numbers, prices and dates are shown.
/// Stored as `settings.format`; missing keys take the contract's defaults.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct FormatSettings {
    /// ISO currency code.
    pub currency_code: String,
    /// `before` or `after` the amount.
    pub currency_symbol_position: String,
    /// Decimal separator.
    pub decimal_separator: String,
    /// Thousands separator.
    pub thousands_separator: String,
    /// Decimals shown on prices, 0–4.
    pub price_decimal_places: i64,
    /// Decimals shown on quantities, 0–4.
    pub quantity_decimal_places: i64,
    /// Date pattern.
    pub date_format: String,
    /// IANA time zone.
    pub timezone: String,
}

impl Default for FormatSettings {
    fn default() -> Self {
        Self {
            currency_code: "IDR".to_owned(),
            currency_symbol_position: "before".to_owned(),
            decimal_separator: ",".to_owned(),
            thousands_separator: ".".to_owned(),
            price_decimal_places: 0,
            quantity_decimal_places: 0,
            date_format: "DD/MM/YYYY".to_owned(),
            timezone: "Asia/Jakarta".to_owned(),
        }
    }
}

impl FormatSettings {
    /// The stored `settings.format` merged over the defaults; a stored key of
    /// the wrong type falls back to its default rather than failing a read.
    pub fn from_settings(settings: &Value) -> Self {
        let mut merged = serde_json::to_value(Self::default()).unwrap_or_else(|_| json!({}));
        if let (Some(m), Some(stored)) = (
            merged.as_object_mut(),
            settings.get("format").and_then(Value::as_object),
        ) {
            for (k, v) in stored {
                if let Some(slot) = m.get_mut(k)
                    && std::mem::discriminant(slot) == std::mem::discriminant(v)
                {
                    *slot = v.clone();
                }
            }
        }
        serde_json::from_value(merged).unwrap_or_default()
    }

    /// Checks the contract's ranges: decimals 0–4, position before|after.
    ///
    /// # Errors
    /// [`TenancyError::Validation`] naming the first bad field.
    pub fn validate(&self) -> Result<(), TenancyError> {
        for (field, n) in [
            ("price_decimal_places", self.price_decimal_places),
            ("quantity_decimal_places", self.quantity_decimal_places),
        ] {
            if !(0..=4).contains(&n) {
                return Err(TenancyError::validation(field, "must be between 0 and 4"));
            }
        }
        if !matches!(self.currency_symbol_position.as_str(), "before" | "after") {
            return Err(TenancyError::validation(
                "currency_symbol_position",
                "must be 'before' or 'after'",
            ));
        }
        Ok(())
    }
}

/// `PUT /tenant-settings/settings`: only the keys present change.
#[allow(clippy::option_option, reason = "absent key vs explicit null")]
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingsUpdate {
    /// New name, 2–255 characters.
    pub name: Option<String>,
    /// New logo URL; `Some(None)` clears it (defect 35).
    pub logo_url: Option<Option<String>>,
    /// Keys merged into the stored settings object (defect 35): each key
    /// replaces the stored one, a `null` value removes it, keys not sent
    /// are kept.
    pub settings: Option<Map<String, Value>>,
}

impl SettingsUpdate {
    /// The names of the keys this update sends, for the audit trail.
    pub fn sent_fields(&self) -> Vec<&'static str> {
        harmony_kernel::audit::sent_fields([
            ("name", self.name.is_some()),
            ("logo_url", self.logo_url.is_some()),
            ("settings", self.settings.is_some()),
        ])
    }
}

/// Shallow-merges `patch` into `settings` (`null` removes a key).
pub fn merge_settings(settings: &Value, patch: &Map<String, Value>) -> Value {
    let mut merged = settings.as_object().cloned().unwrap_or_default();
    for (k, v) in patch {
        if v.is_null() {
            merged.remove(k);
        } else {
            merged.insert(k.clone(), v.clone());
        }
    }
    Value::Object(merged)
}

impl SettingsUpdate {
    /// The tenant after this update at `now`.
    ///
    /// # Errors
    /// [`TenancyError::Validation`] when the name is not 2–255 characters.
    pub fn apply(&self, tenant: &Tenant, now: OffsetDateTime) -> Result<Tenant, TenancyError> {
        let mut next = tenant.clone();
        if let Some(name) = &self.name {
            let n = name.trim().chars().count();
            if !(2..=255).contains(&n) {
                return Err(TenancyError::validation(
                    "name",
                    "must have 2 to 255 characters",
                ));
            }
            name.trim().clone_into(&mut next.name);
        }
        if let Some(logo) = &self.logo_url {
            next.logo_url = logo.clone().filter(|l| !l.trim().is_empty());
        }
        if let Some(patch) = &self.settings {
            next.settings = merge_settings(&tenant.settings, patch);
        }
        next.updated_at = Some(now);
        Ok(next)
    }
}
