//! The issuer portal's JSON API under `/issuer/api`.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::app::App;
use crate::http::auth::{IssuerSession, signed_out};
use crate::http::{blocking, body};
use crate::issuers::{portal, registry};
use crate::locker::sessions::{self, ISSUER_COOKIE};
use crate::platform::error::Error;

/// `POST /issuer/api/logout`.
pub async fn logout(app: web::Data<App>, session: IssuerSession) -> Result<HttpResponse, Error> {
    blocking(&app, move |app| sessions::end(app, &session.token)).await?;
    Ok(signed_out(&app, ISSUER_COOKIE))
}

/// `GET /issuer/api/me`.
pub async fn me(app: web::Data<App>, session: IssuerSession) -> Result<HttpResponse, Error> {
    let overview = blocking(&app, move |app| {
        portal::overview(app, &portal::user(app, session.user_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(overview))
}

/// `POST /issuer/api/residents/verify`: counter staff verify a resident in
/// person → `{"resident_id", "identity"}`.
pub async fn verify_resident(
    app: web::Data<App>,
    session: IssuerSession,
    client: crate::locker::activity::Client,
    body: web::Json<portal::CounterCheck>,
) -> Result<HttpResponse, Error> {
    let check = body.into_inner();
    let (resident_id, identity) = blocking(&app, move |app| {
        portal::verify_resident(app, &portal::user(app, session.user_id)?, &check, &client)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "resident_id": resident_id, "identity": identity })))
}

/// `POST /issuer/api/key/rotate`: a new Push API key, shown once.
pub async fn rotate_key(app: web::Data<App>, session: IssuerSession) -> Result<HttpResponse, Error> {
    let rotated = blocking(&app, move |app| {
        let user = portal::user(app, session.user_id)?;
        registry::rotate_key(app, &user.issuer_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rotated))
}

/// `GET /issuer/api/doctypes`.
pub async fn doc_types(app: web::Data<App>, session: IssuerSession) -> Result<HttpResponse, Error> {
    let types = blocking(&app, move |app| {
        registry::doc_types(app, &portal::user(app, session.user_id)?.issuer_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(types.into_iter().map(doc_type_json).collect::<Vec<_>>()))
}

fn doc_type_json(t: openlocker_db::issuers::DocType) -> serde_json::Value {
    serde_json::json!({
        "code": t.code,
        "name": t.name,
        "udfs": t.udfs,
        "verify_by_hand": t.verify_by_hand,
        "pull_sends_uid": t.pull_sends_uid,
        "pull_sends_name": t.pull_sends_name,
        "pull_sends_dob": t.pull_sends_dob,
        "pull_match": t.pull_match,
    })
}

#[derive(Deserialize)]
pub struct DocTypeBody {
    code: Option<String>,
    name: String,
    #[serde(default)]
    udfs: Vec<String>,
    /// Documents of this type wait for a person's approval.
    #[serde(default)]
    verify_by_hand: bool,
    /// A resident's Pull URI search sends their Aadhaar number (UID).
    #[serde(default)]
    pull_sends_uid: bool,
    /// It sends their name (FullName) and date of birth (DOB).
    #[serde(default)]
    pull_sends_name: bool,
    #[serde(default)]
    pull_sends_dob: bool,
    /// What of IssuedTo must agree (`name` when absent).
    #[serde(default)]
    pull_match: Option<String>,
}

impl DocTypeBody {
    fn input<'a>(&'a self, code: &'a str) -> registry::DocTypeInput<'a> {
        registry::DocTypeInput {
            code,
            name: &self.name,
            udfs: &self.udfs,
            verify_by_hand: self.verify_by_hand,
            pull_sends_uid: self.pull_sends_uid,
            pull_sends_name: self.pull_sends_name,
            pull_sends_dob: self.pull_sends_dob,
            pull_match: self.pull_match.as_deref(),
        }
    }
}

/// `POST /issuer/api/doctypes`.
pub async fn add_doc_type(
    app: web::Data<App>,
    session: IssuerSession,
    body: web::Json<DocTypeBody>,
) -> Result<HttpResponse, Error> {
    let body = body.into_inner();
    let created = blocking(&app, move |app| {
        let issuer_id = portal::user(app, session.user_id)?.issuer_id;
        let code = body.code.clone().unwrap_or_default();
        registry::add_doc_type(app, &issuer_id, &body.input(&code))
    })
    .await?;
    Ok(HttpResponse::Created().json(doc_type_json(created)))
}

/// `PUT /issuer/api/doctypes/{code}`.
pub async fn update_doc_type(
    app: web::Data<App>,
    session: IssuerSession,
    code: web::Path<String>,
    body: web::Json<DocTypeBody>,
) -> Result<HttpResponse, Error> {
    let body = body.into_inner();
    let updated = blocking(&app, move |app| {
        let issuer_id = portal::user(app, session.user_id)?.issuer_id;
        registry::update_doc_type(app, &issuer_id, &body.input(&code))
    })
    .await?;
    Ok(HttpResponse::Ok().json(doc_type_json(updated)))
}

/// `DELETE /issuer/api/doctypes/{code}`.
pub async fn delete_doc_type(
    app: web::Data<App>,
    session: IssuerSession,
    code: web::Path<String>,
) -> Result<HttpResponse, Error> {
    blocking(&app, move |app| {
        let issuer_id = portal::user(app, session.user_id)?.issuer_id;
        registry::delete_doc_type(app, &issuer_id, &code)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
pub struct UploadQuery {
    name: Option<String>,
}

/// `POST /issuer/api/uploads?name=FILE.csv`: the raw CSV as the body.
pub async fn upload(
    app: web::Data<App>,
    session: IssuerSession,
    req: HttpRequest,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, Error> {
    let spooled = body::spool(
        &req,
        payload,
        &app.incoming_dir(),
        app.settings.max_upload_bytes,
        app.keys.file_cipher(),
    )
    .await?;
    let name = query.into_inner().name.unwrap_or_default();
    let task = blocking(&app, move |app| {
        let issuer_id = portal::user(app, session.user_id)?.issuer_id;
        portal::upload(app, &issuer_id, &name, spooled.path(), spooled.bytes)
    })
    .await?;
    Ok(HttpResponse::Created().json(task))
}

/// `GET /issuer/api/tasks`.
pub async fn tasks(app: web::Data<App>, session: IssuerSession) -> Result<HttpResponse, Error> {
    let list = blocking(&app, move |app| {
        portal::tasks(app, &portal::user(app, session.user_id)?.issuer_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// `GET /issuer/api/tasks/{id}`.
pub async fn task(app: web::Data<App>, session: IssuerSession, id: web::Path<i64>) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let view = blocking(&app, move |app| {
        portal::task(app, &portal::user(app, session.user_id)?.issuer_id, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize)]
pub struct Page {
    #[serde(default)]
    after: u64,
    limit: Option<u32>,
}

/// `GET /issuer/api/tasks/{id}/rejections?after=LINE&limit=N`.
pub async fn rejections(
    app: web::Data<App>,
    session: IssuerSession,
    id: web::Path<i64>,
    page: web::Query<Page>,
) -> Result<HttpResponse, Error> {
    let (id, page) = (id.into_inner(), page.into_inner());
    let rows = blocking(&app, move |app| {
        let issuer_id = portal::user(app, session.user_id)?.issuer_id;
        portal::rejections(app, &issuer_id, id, page.after, page.limit.unwrap_or(100))
    })
    .await?;
    let rows: Vec<_> = rows
        .into_iter()
        .map(|r| serde_json::json!({ "line": r.line, "field": r.field, "reason": r.reason }))
        .collect();
    Ok(HttpResponse::Ok().json(rows))
}

/// `GET /issuer/api/tasks/{id}/rejections.csv`: every rejected row, streamed
/// a page at a time.
pub async fn rejections_csv(
    app: web::Data<App>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let issuer_id = blocking(&app, move |app| {
        let issuer_id = portal::user(app, session.user_id)?.issuer_id;
        portal::task(app, &issuer_id, id)?;
        Ok(issuer_id)
    })
    .await?;
    let pages = futures_util::stream::try_unfold(Some(0u64), move |after| {
        let (app, issuer_id) = (app.clone(), issuer_id.clone());
        async move {
            let Some(after) = after else { return Ok(None) };
            let (bytes, next) =
                blocking(&app, move |app| portal::rejections_csv_page(app, &issuer_id, id, after)).await?;
            Ok::<_, Error>(Some((web::Bytes::from(bytes), next)))
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(format!("task-{id}-rejections.csv"))],
        })
        .streaming(pages))
}

/// `GET /issuer/api/pull`: where the locker reaches this issuer's repository.
pub async fn pull_settings(app: web::Data<App>, session: IssuerSession) -> Result<HttpResponse, Error> {
    let settings = blocking(&app, move |app| {
        portal::pull_settings(app, &portal::user(app, session.user_id)?.issuer_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(settings))
}

/// `PUT /issuer/api/pull` `{uri_url, doc_url, org_id, api_key?}`.
pub async fn set_pull_settings(
    app: web::Data<App>,
    session: IssuerSession,
    body: web::Json<registry::PullSettings>,
) -> Result<HttpResponse, Error> {
    let pull = body.into_inner();
    let settings = blocking(&app, move |app| {
        let issuer_id = portal::user(app, session.user_id)?.issuer_id;
        registry::set_pull(app, &issuer_id, &pull)?;
        portal::pull_settings(app, &issuer_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(settings))
}
