//! "Get documents from issuers" (Pull URI search) for residents.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::App;
use crate::http::auth::ResidentSession;
use crate::http::blocking;
use crate::locker::activity::Client;
use crate::locker::pull_search::{self, SearchOutcome, SearchRequest};
use crate::platform::error::Error;

/// `GET /api/issuers`: issuers to search, with their doc types and fields.
pub async fn issuers(app: web::Data<App>, _session: ResidentSession) -> Result<HttpResponse, Error> {
    let found = blocking(&app, pull_search::searchable).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[derive(Deserialize)]
pub struct PullBody {
    issuer_id: String,
    doc_type: String,
    #[serde(default)]
    fields: BTreeMap<String, String>,
}

/// `POST /api/pull`: 201 saved (200 when it was there already), 200 no
/// match or mismatch, 202 pending, 429 after too many searches that found
/// nothing of the resident's; an issuer that is unavailable (or whose
/// answer cannot be believed) is 502, 504 when slow.
pub async fn pull(
    app: web::Data<App>,
    session: ResidentSession,
    client: Client,
    body: web::Json<PullBody>,
) -> Result<HttpResponse, Error> {
    let body = body.into_inner();
    let request = SearchRequest {
        issuer_id: body.issuer_id,
        doc_type: body.doc_type,
        fields: body.fields,
    };
    let outcome = blocking(&app, move |app| {
        pull_search::search(app, session.resident_id, &request, &client)
    })
    .await?;
    let mut response = match outcome {
        SearchOutcome::Saved { new: true, .. } => HttpResponse::Created(),
        SearchOutcome::Saved { new: false, .. } => HttpResponse::Ok(),
        SearchOutcome::NoMatch { .. } | SearchOutcome::Mismatch { .. } => HttpResponse::Ok(),
        SearchOutcome::Pending { .. } => HttpResponse::Accepted(),
    };
    Ok(response.json(outcome))
}
