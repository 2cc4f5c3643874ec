//! Resident accounts over JSON: sign-up, sign out everywhere, and the
//! activity log.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::App;
use crate::http::auth::{ResidentSession, signed_in, signed_out};
use crate::http::blocking;
use crate::locker::accounts;
use crate::locker::activity::{self, Client};
use crate::locker::residents::NewResident;
use crate::locker::sessions::RESIDENT_COOKIE;
use crate::platform::error::Error;

#[derive(Deserialize)]
pub struct SignUp {
    aadhaar: String,
    name: String,
    /// `YYYY-MM-DD`.
    dob: String,
    /// `M`, `F` or `T`.
    #[serde(default)]
    gender: Option<String>,
    mobile: String,
    password: String,
}

/// `POST /api/signup`: opens an unverified locker and signs in (201, as
/// `/api/login`).
pub async fn signup(app: web::Data<App>, client: Client, body: web::Json<SignUp>) -> Result<HttpResponse, Error> {
    let form = body.into_inner();
    let (resident_id, session) = blocking(&app, move |app| {
        let new = NewResident {
            aadhaar: &form.aadhaar,
            name: &form.name,
            dob: &form.dob,
            gender: form.gender.as_deref(),
            mobile: &form.mobile,
            password: &form.password,
        };
        accounts::sign_up(app, &new, &client)
    })
    .await?;
    let mut response = signed_in(
        &app,
        RESIDENT_COOKIE,
        session,
        serde_json::json!({ "resident_id": resident_id }),
    );
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// `POST /api/logout-everywhere`: ends every session of the resident.
pub async fn logout_everywhere(
    app: web::Data<App>,
    session: ResidentSession,
    client: Client,
) -> Result<HttpResponse, Error> {
    blocking(&app, move |app| {
        accounts::sign_out_everywhere(app, session.resident_id, &client)
    })
    .await?;
    Ok(signed_out(&app, RESIDENT_COOKIE))
}

#[derive(Deserialize)]
pub struct ActivityPage {
    /// Entries older than this id; the newest when absent.
    before: Option<i64>,
    limit: Option<u32>,
}

/// `GET /api/activity?before=ID&limit=N`: the resident's log, newest first.
pub async fn activity(
    app: web::Data<App>,
    session: ResidentSession,
    page: web::Query<ActivityPage>,
) -> Result<HttpResponse, Error> {
    let page = page.into_inner();
    let found = blocking(&app, move |app| {
        activity::list(app, session.resident_id, page.before, page.limit.unwrap_or(50))
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}
