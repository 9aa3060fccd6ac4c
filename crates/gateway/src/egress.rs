//! An optional tap on every response the gateway sends, so that a test suite can inspect all
//! outgoing bytes (for example scan them for BSNs).
//!
//! Without an installed tap, responses pass through untouched. With one, each response body is
//! buffered once and handed to the tap with its status line facts and headers.

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderMap;

/// One response, as handed to the tap.
pub struct Observed<'a> {
    /// The listener: `front`, `back` or `admin`.
    pub channel: &'static str,
    /// The request path and query.
    pub target: &'a str,
    /// The response headers.
    pub headers: &'a HeaderMap,
    /// The whole response body.
    pub body: &'a [u8],
}

/// A function called with every response.
pub type Tap = Arc<dyn Fn(&Observed<'_>) + Send + Sync>;

static TAP: OnceLock<Tap> = OnceLock::new();

/// Installs the tap for every gateway in this process; returns false when one was installed before.
pub fn install(tap: Tap) -> bool {
    TAP.set(tap).is_ok()
}

/// Wraps `router` so that the installed tap, if any, receives its responses.
pub fn observed(router: Router, channel: &'static str) -> Router {
    router.layer(axum::middleware::from_fn(move |request, next| {
        observe(channel, request, next)
    }))
}

async fn observe(channel: &'static str, request: Request, next: Next) -> Response {
    let Some(tap) = TAP.get() else {
        return next.run(request).await;
    };
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let response = next.run(request).await;

    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            tap(&Observed {
                channel,
                target: &target,
                headers: &parts.headers,
                body: &bytes,
            });
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(error) => {
            tracing::warn!(%error, channel, "a response body could not be buffered for the tap");
            Response::from_parts(parts, Body::empty())
        }
    }
}
