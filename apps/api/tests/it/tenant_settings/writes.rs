//! `PUT /tenant-settings/format` and `PUT /tenant-settings/settings`:
//! defaults, ranges, and the key-wise update with a merged `settings`
//! object and a clearable `logo_url` (defect 35).

use serde_json::{Value, json};

use super::{at, get_ok};
use crate::expect::{expect_status, expect_validation};
use crate::spawn::spawn_app;

#[tokio::test]
async fn format_settings_default_validate_and_round_trip() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let defaults = json!({"currency_code": "IDR", "currency_symbol_position": "before",
        "decimal_separator": ",", "thousands_separator": ".", "price_decimal_places": 0,
        "quantity_decimal_places": 0, "date_format": "DD/MM/YYYY", "timezone": "Asia/Jakarta"});
    assert_eq!(get_ok(&app, &owner.access, "/format").await, defaults);
    let put = |body: Value| {
        let (app, token) = (&app, owner.access.clone());
        async move { app.put_json(&at("/format"), &token, &body).await }
    };
    let mut expected = defaults.clone();
    expected["currency_code"] = json!("USD");
    expected["price_decimal_places"] = json!(2);
    let saved = expect_status(
        put(json!({"currency_code": "USD", "price_decimal_places": 2, "unknown": 1})).await,
        200,
    )
    .await;
    assert_eq!(saved, expected);
    assert_eq!(get_ok(&app, &owner.access, "/format").await, expected);
    assert_eq!(
        get_ok(&app, &owner.access, "").await["settings"]["format"],
        expected
    );

    expect_validation(
        put(json!({"price_decimal_places": 5})).await,
        &[("body -> price_decimal_places", "less_than_equal")],
    )
    .await;
    expect_validation(
        put(json!({"quantity_decimal_places": -1})).await,
        &[("body -> quantity_decimal_places", "greater_than_equal")],
    )
    .await;
    expect_validation(
        put(json!({"price_decimal_places": "two"})).await,
        &[("body -> price_decimal_places", "int_type")],
    )
    .await;
    expect_validation(
        put(json!({"currency_symbol_position": "middle"})).await,
        &[("body -> currency_symbol_position", "literal_error")],
    )
    .await;
    assert_eq!(
        get_ok(&app, &owner.access, "/format").await,
        expected,
        "422s write nothing"
    );
}

#[tokio::test]
async fn settings_update_applies_present_keys_and_merges_settings() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let path = at("/settings");
    let put = |body: Value| {
        let (app, token, path) = (&app, owner.access.clone(), path.clone());
        async move { app.put_json(&path, &token, &body).await }
    };
    expect_status(
        app.put_json(&at("/format"), &owner.access, &json!({"timezone": "UTC"}))
            .await,
        200,
    )
    .await;
    let t = expect_status(put(json!({"name": "Acme Renamed", "logo_url": "https://cdn.example/l.png", "settings": {"language": "id"}})).await, 200).await;
    assert_eq!(
        (t["name"].as_str(), t["logo_url"].as_str()),
        (Some("Acme Renamed"), Some("https://cdn.example/l.png"))
    );
    assert_eq!(
        (t["user_count"].as_i64(), t["branch_count"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(t["settings"]["language"], "id");
    assert_eq!(
        t["settings"]["format"]["timezone"], "UTC",
        "merged, not replaced"
    );
    assert!(t["updated_at"].is_string());

    let t = expect_status(
        put(json!({"settings": {"theme": "dark", "language": null}})).await,
        200,
    )
    .await;
    assert_eq!(t["settings"]["theme"], "dark");
    assert!(
        t["settings"].get("language").is_none(),
        "null removes a key: {t}"
    );
    assert_eq!(t["settings"]["format"]["timezone"], "UTC");
    assert_eq!(
        t["logo_url"], "https://cdn.example/l.png",
        "absent key unchanged"
    );

    let t = expect_status(put(json!({"logo_url": null})).await, 200).await;
    assert_eq!(
        (t["logo_url"].clone(), t["name"].as_str()),
        (Value::Null, Some("Acme Renamed"))
    );
    assert_eq!(get_ok(&app, &owner.access, "").await, t);

    expect_validation(
        put(json!({"name": "A"})).await,
        &[("body -> name", "string_too_short")],
    )
    .await;
    expect_validation(
        put(json!({"name": "x".repeat(256)})).await,
        &[("body -> name", "string_too_long")],
    )
    .await;
    expect_validation(
        put(json!({"name": null})).await,
        &[("body -> name", "string_type")],
    )
    .await;
    expect_validation(
        put(json!({"settings": [1]})).await,
        &[("body -> settings", "dict_type")],
    )
    .await;
    assert_eq!(
        get_ok(&app, &owner.access, "").await["name"],
        "Acme Renamed"
    );
}

#[tokio::test]
async fn concurrent_merges_never_lose_an_acknowledged_key() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let path = at("/settings");
    let put = |key: &str| {
        let body = json!({"settings": {key: true}});
        let (app, token, path) = (&app, owner.access.clone(), path.clone());
        async move { app.put_json(&path, &token, &body).await }
    };
    for round in 0..3 {
        let (k1, k2, k3) = (
            format!("a{round}"),
            format!("b{round}"),
            format!("c{round}"),
        );
        let (r1, r2, r3) = tokio::join!(put(&k1), put(&k2), put(&k3));
        let stored = get_ok(&app, &owner.access, "").await["settings"].clone();
        for (key, res) in [(k1, r1), (k2, r2), (k3, r3)] {
            match res.status().as_u16() {
                200 => assert_eq!(stored[&key], true, "acknowledged {key} lost: {stored}"),
                409 => {
                    let body = expect_status(res, 409).await;
                    assert_eq!(body["code"], "concurrent_modification");
                }
                s => panic!("unexpected {s}: {}", res.text().await.unwrap_or_default()),
            }
        }
    }
}
