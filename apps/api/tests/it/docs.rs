//! `/api/openapi.json` and `/api/docs`.

use serde_json::Value;

use crate::support::spawn_app;

#[tokio::test]
async fn openapi_document_is_3_1_and_merges_route_modules() {
    let app = spawn_app().await;
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/",
        "/health",
        "/health/detailed",
        "/api/v1/widgets",
        "/api/v1/widgets/{id}",
    ] {
        assert!(
            paths.contains_key(p),
            "missing {p}: {:?}",
            paths.keys().collect::<Vec<_>>()
        );
    }
    let schemes = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(schemes["scheme"], "bearer");
    for s in [
        "ErrorBody",
        "EnvelopeBody",
        "FieldError",
        "RateLimitBody",
        "CreateWidgetDto",
    ] {
        assert!(doc["components"]["schemas"].get(s).is_some(), "schema {s}");
    }
}

#[tokio::test]
async fn swagger_ui_is_served_directly_offline() {
    let app = spawn_app().await;
    for path in ["/api/docs", "/api/docs/"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = res.text().await.unwrap();
        assert!(html.contains("swagger-ui") && html.contains("<base href=\"/api/docs/\">"));
    }
    let init = app.get("/api/docs/swagger-initializer.js").await;
    assert_eq!(init.status(), 200);
    assert!(init.text().await.unwrap().contains("/api/openapi.json"));
    assert_eq!(app.get("/api/docs/swagger-ui.css").await.status(), 200);
    assert_eq!(app.get("/api/docs/nope.js").await.status(), 404);
}
