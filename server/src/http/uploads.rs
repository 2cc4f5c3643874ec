//! Uploaded Documents over JSON: folders, and files uploaded as the raw
//! request body, streamed (sealed) to disk with the size checked as it
//! arrives.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Deserializer};

use crate::app::App;
use crate::http::auth::ResidentSession;
use crate::http::{blocking, body};
use crate::locker::activity::Client;
use crate::locker::uploads::{self, folders};
use crate::locker::views;
use crate::platform::error::Error;

#[derive(Deserialize)]
pub struct FolderBody {
    name: String,
}

/// `GET /api/folders`.
pub async fn folders(app: web::Data<App>, session: ResidentSession) -> Result<HttpResponse, Error> {
    let list = blocking(&app, move |app| folders::list(app, session.resident_id)).await?;
    Ok(HttpResponse::Ok().json(list.into_iter().map(views::folder).collect::<Vec<_>>()))
}

/// `POST /api/folders` `{"name"}`.
pub async fn create_folder(
    app: web::Data<App>,
    session: ResidentSession,
    body: web::Json<FolderBody>,
) -> Result<HttpResponse, Error> {
    let folder = blocking(&app, move |app| folders::create(app, session.resident_id, &body.name)).await?;
    Ok(HttpResponse::Created().json(views::folder(folder)))
}

/// `PUT /api/folders/{id}` `{"name"}`.
pub async fn rename_folder(
    app: web::Data<App>,
    session: ResidentSession,
    id: web::Path<i64>,
    body: web::Json<FolderBody>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let folder = blocking(&app, move |app| {
        folders::rename(app, session.resident_id, id, &body.name)
    })
    .await?;
    Ok(HttpResponse::Ok().json(views::folder(folder)))
}

/// `DELETE /api/folders/{id}`: only an empty folder (409 otherwise).
pub async fn delete_folder(
    app: web::Data<App>,
    session: ResidentSession,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    blocking(&app, move |app| folders::delete(app, session.resident_id, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /api/uploaded`.
pub async fn list(app: web::Data<App>, session: ResidentSession) -> Result<HttpResponse, Error> {
    let files = blocking(&app, move |app| uploads::list(app, session.resident_id)).await?;
    Ok(HttpResponse::Ok().json(files.into_iter().map(views::uploaded_file).collect::<Vec<_>>()))
}

#[derive(Deserialize)]
pub struct UploadQuery {
    name: String,
    /// A folder id; the top level when absent.
    folder: Option<i64>,
}

/// `POST /api/uploaded?name=N&folder=ID`: the file is the raw body.
pub async fn upload(
    app: web::Data<App>,
    session: ResidentSession,
    client: Client,
    req: HttpRequest,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, Error> {
    let resident_id = session.resident_id;
    if let Some(declared) = body::declared_length(&req) {
        // A body that cannot fit is refused before it is read.
        blocking(&app, move |app| uploads::check_room(app, resident_id, declared)).await?;
    }
    let limit = app.settings.resident_file_max_bytes;
    let spooled = body::spool(&req, payload, &app.incoming_dir(), limit, app.keys.file_cipher()).await?;
    let UploadQuery { name, folder } = query.into_inner();
    let file = blocking(&app, move |app| {
        let new = uploads::NewUpload {
            resident_id,
            folder_id: folder,
            name: &name,
            spooled: spooled.path(),
            size: spooled.bytes,
        };
        uploads::add(app, &new, &client)
    })
    .await?;
    Ok(HttpResponse::Created().json(views::uploaded_file(file)))
}

/// `GET /api/uploaded/{id}/file`: the bytes as uploaded.
pub async fn download(
    app: web::Data<App>,
    session: ResidentSession,
    client: Client,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let (file, reader) = blocking(&app, move |app| {
        uploads::download(app, session.resident_id, id, &client)
    })
    .await?;
    // The stored type was judged by magic when the file was uploaded.
    Ok(
        super::files::document(&file.name, &file.content_type, Some(&file.content_type))
            .no_chunking(reader.len())
            .streaming(body::stream_reader(reader)),
    )
}

/// `Some(None)` for an explicit `null`, `None` when the key is absent.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
pub struct FileChange {
    name: Option<String>,
    /// A folder id, or `null` for the top level; absent leaves it.
    #[serde(default, deserialize_with = "present")]
    folder: Option<Option<i64>>,
}

/// `PUT /api/uploaded/{id}` `{"name"?, "folder"?}`: rename and/or move.
pub async fn update(
    app: web::Data<App>,
    session: ResidentSession,
    id: web::Path<i64>,
    body: web::Json<FileChange>,
) -> Result<HttpResponse, Error> {
    let (id, change) = (id.into_inner(), body.into_inner());
    let file = blocking(&app, move |app| {
        uploads::update(app, session.resident_id, id, change.name.as_deref(), change.folder)
    })
    .await?;
    Ok(HttpResponse::Ok().json(views::uploaded_file(file)))
}

/// `DELETE /api/uploaded/{id}`.
pub async fn delete(
    app: web::Data<App>,
    session: ResidentSession,
    client: Client,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    blocking(&app, move |app| uploads::delete(app, session.resident_id, id, &client)).await?;
    Ok(HttpResponse::NoContent().finish())
}
