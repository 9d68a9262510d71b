//! Files through the API: attachments of applications (receipts, letters,
//! scans) and certificates of CE activities, uploaded as
//! `multipart/form-data` and read back with the type checked when they
//! were stored. The pages post the same forms and link to the same
//! downloads.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use labpath_app::attachments::{self, AttachTo};
use labpath_engine::limits::schema::RecordIdText;
use labpath_store::attachment::{self, CheckedFile};
use labpath_store::model::Attachment;

use super::day;
use crate::audit::ClientAddr;
use crate::auth::Api;
use crate::error::{ApiError, ApiResult};
use crate::extract::{self, FilePart, PathParams, QueryParams, Upload};
use crate::openapi::{
    BadRequest, Forbidden, Invalid, NotFound, TooLarge, Unauthorized, Unsupported,
};
use crate::state::AppState;

/// Checks an uploaded file's size and type (read from its content), the
/// problem tied to the form field it came in.
pub fn check_file(part: FilePart) -> ApiResult<CheckedFile> {
    let FilePart { field, name, bytes } = part;
    attachment::check(&name, bytes).map_err(|e| ApiError::from(e).at(field))
}

/// Reads an attachment form: its `file`, checked, and what in the
/// application it is for (`document`, a key, or `contact`, an id), if the
/// form names one.
pub fn attachment_form(mut upload: Upload) -> ApiResult<(CheckedFile, AttachTo)> {
    let file = upload.take_file("file")?.ok_or_else(|| {
        ApiError::invalid("choose a file to attach (the form field `file`)").at("file")
    })?;
    upload.no_other_files()?;
    let to = AttachTo {
        document: upload.fields.get("document").map(str::to_owned),
        contact: upload.fields.get("contact").map(str::to_owned),
    };
    Ok((check_file(file)?, to))
}

/// `POST /api/applications/{app}/attachments`: attaches one file
/// (`multipart/form-data`: `file`, and optionally `document` or `contact`).
#[utoipa::path(
    post,
    path = "/api/applications/{app}/attachments",
    tag = "tracker",
    params(("app" = RecordIdText, Path, description = "The application's id.")),
    request_body(content = crate::openapi::AttachmentForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The file, attached.", body = Attachment),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = TooLarge),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn add_attachment(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    upload: Upload,
) -> ApiResult<Response> {
    let id = extract::id(&id)?;
    let (file, to) = attachment_form(upload)?;
    let attached = attachments::add(&state.app(), &me.app(), id, file, to).await?;
    Ok((StatusCode::CREATED, Json(attached)).into_response())
}

/// `GET /api/applications/{app}/attachments`: the application's files,
/// oldest first.
#[utoipa::path(
    get,
    path = "/api/applications/{app}/attachments",
    tag = "tracker",
    params(("app" = RecordIdText, Path, description = "The application's id.")),
    responses(
        (status = 200, description = "The application's files, oldest first.", body = Vec<Attachment>),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn attachments(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Vec<Attachment>>> {
    let id = extract::id(&id)?;
    Ok(Json(attachments::list(&state.app(), &me.app(), id).await?))
}

/// `GET /api/applications/{app}/attachments/{attachment}`: the file itself.
#[utoipa::path(
    get,
    path = "/api/applications/{app}/attachments/{attachment}",
    tag = "tracker",
    params(("app" = RecordIdText, Path, description = "The application's id."), ("attachment" = RecordIdText, Path, description = "The attachment's id.")),
    responses(
        (status = 200, description = "The file as stored, of the type checked when it was (`Content-Disposition` gives its name).", content(
            (String = "application/pdf"),
            (String = "image/png"),
            (String = "image/jpeg"),
            (String = "image/tiff"),
            (String = "image/heic"),
            (String = "text/plain"),
        )),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn attachment_file(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams((id, attachment)): PathParams<(String, String)>,
) -> ApiResult<Response> {
    let id = extract::id(&id)?;
    let file = attachments::file(&state.app(), &me.app(), id, &attachment).await?;
    download(&file.name, &file.media_type, file.bytes)
}

/// `GET /api/people/{person}/ce/{activity}/certificate`: the certificate
/// of a logged activity.
#[utoipa::path(
    get,
    path = "/api/people/{person}/ce/{activity}/certificate",
    tag = "continuing education",
    params(("person" = RecordIdText, Path, description = "The person's id."), ("activity" = RecordIdText, Path, description = "The logged activity's id.")),
    responses(
        (status = 200, description = "The certificate as stored.", content(
            (String = "application/pdf"),
            (String = "image/png"),
            (String = "image/jpeg"),
            (String = "image/tiff"),
            (String = "image/heic"),
            (String = "text/plain"),
            (String = "application/octet-stream"),
        )),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn certificate_file(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams((id, activity)): PathParams<(String, String)>,
) -> ApiResult<Response> {
    let person = extract::id(&id)?;
    let activity = super::people::activity_id(&activity)?;
    let file = labpath_app::ce::certificate(&state.app(), &me.app(), person, activity).await?;
    // `download` names it for its type (`certificate-12.pdf`).
    download(&file.name, &file.media_type, file.bytes)
}

/// `GET /api/people/{person}/ce/audit-pack` query.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditPackQuery {
    /// The held credential (its id; required).
    #[param(value_type = Option<labpath_engine::ids::CredentialId>)]
    pub credential: Option<String>,
    /// The day, YYYY-MM-DD (default today).
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub as_of: Option<String>,
}

/// `GET /api/people/{person}/ce/audit-pack?credential=ID`: the zip an
/// auditor asks for: the summary (as text and JSON) and every certificate
/// of the activities that count in the cycle.
#[utoipa::path(
    get,
    path = "/api/people/{person}/ce/audit-pack",
    tag = "continuing education",
    params(("person" = RecordIdText, Path, description = "The person's id."), AuditPackQuery),
    responses(
        (status = 200, description = "A zip with the summary (text and JSON) and the certificates of the activities that count.", content_type = "application/zip", body = String),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
pub async fn audit_pack(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    QueryParams(q): QueryParams<AuditPackQuery>,
) -> ApiResult<Response> {
    let person = extract::id(&id)?;
    let wanted = q
        .credential
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request("query: name the credential (`credential=ID`)").at("credential")
        })?;
    let credential = super::catalog::find_credential(&state.catalog, wanted, "credential")?;
    let as_of = day(q.as_of.as_deref(), "as_of")?;
    // Built in a heavy-work turn into a temporary file (deleted when the
    // download ends), then streamed from it: a pack of any size takes the
    // memory of one certificate while it is built, and a chunk at a time
    // while it is sent.
    let turn = state.heavy_turn().await?;
    let file = tempfile::tempfile()
        .map_err(|e| ApiError::internal(format!("a temporary file for an audit pack: {e}")))?;
    let (file, _certificates) =
        labpath_app::ce::audit_pack(&state.app(), &me.app(), person, credential, as_of, file)
            .await?;
    drop(turn);
    let (length, body) = file_body(file).await?;
    let mut answer = download(
        &format!(
            "audit-pack-person-{person}-{}-{as_of}.zip",
            credential.id.as_str()
        ),
        "application/zip",
        body,
    )?;
    answer
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    Ok(answer)
}

/// The bytes of a pack read back from its file in chunks, each read on a
/// blocking thread, with the file's length.
async fn file_body(mut file: std::fs::File) -> ApiResult<(u64, axum::body::Body)> {
    use std::io::{Read, Seek};
    const CHUNK: usize = 256 * 1024;
    let length = tokio::task::spawn_blocking(move || {
        let length = file.seek(std::io::SeekFrom::End(0))?;
        file.rewind()?;
        Ok::<_, std::io::Error>((length, file))
    })
    .await
    .map_err(ApiError::internal)?;
    let (length, file) = length.map_err(ApiError::internal)?;
    let chunks = futures_util::stream::try_unfold(file, |mut file| async move {
        let (file, chunk) = tokio::task::spawn_blocking(move || {
            let mut chunk = vec![0; CHUNK];
            let n = file.read(&mut chunk)?;
            chunk.truncate(n);
            Ok::<_, std::io::Error>((file, chunk))
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok::<_, std::io::Error>((!chunk.is_empty()).then(|| (axum::body::Bytes::from(chunk), file)))
    });
    Ok((length, axum::body::Body::from_stream(chunks)))
}

/// `GET /api/export`: every record the caller may take away, as the JSON
/// document `labpath import` reads (files included): in local mode
/// everything, for an organization admin the organization's people, for a
/// candidate their own record. Staff cannot take the organization's
/// records away.
#[utoipa::path(
    get,
    path = "/api/export",
    tag = "tracker",
    responses(
        (status = 200, description = "Every record the caller may take away, files included, as `labpath import` reads it.", body = labpath_views::export::Export),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
pub async fn export(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    Api(me): Api,
) -> ApiResult<Response> {
    use labpath_views::export;
    if me.role() == Some(labpath_store::accounts::Role::Staff) {
        return Err(ApiError::forbidden(
            "only an organization admin may export its records (a candidate may export their own)",
        ));
    }
    let labpath_app::data::Taken {
        events,
        files: hashes,
    } = labpath_app::data::take(state.store(), &me.app()).await?;
    // Taking records away is recorded, as a change is.
    let line = labpath_store::accounts::NewAudit {
        org: me.org(),
        user: me.user.as_ref().map(|u| u.id),
        action: "GET /api/export".to_owned(),
        target: Some(format!("{} events, {} files", events.len(), hashes.len())),
        from,
        status: 200,
    };
    state.accounts().audit(&line).await?;
    // The document `export::Export` reads, written as it goes: the events,
    // then one file at a time, so a large export is never whole in memory.
    let mut head = format!(
        "{{\"format\":\"{}\",\"version\":{},\"exported_at\":",
        export::FORMAT,
        export::VERSION
    )
    .into_bytes();
    serde_json::to_writer(&mut head, &labpath_store::time::Timestamp::now())
        .map_err(ApiError::internal)?;
    head.extend_from_slice(b",\"events\":");
    serde_json::to_writer(&mut head, &events).map_err(ApiError::internal)?;
    head.extend_from_slice(b",\"files\":[");
    drop(events);
    let files = futures_util::stream::unfold((state, hashes, 0), |(state, hashes, i)| async move {
        let hash = hashes.get(i)?;
        let chunk = state.store().file(hash).await.and_then(|bytes| {
            let mut chunk = if i == 0 { Vec::new() } else { vec![b','] };
            serde_json::to_writer(&mut chunk, &export::exported_file(hash, &bytes))
                .map_err(|e| labpath_store::StoreError::Other(e.to_string()))?;
            Ok(axum::body::Bytes::from(chunk))
        });
        let next = match &chunk {
            Ok(_) => i + 1,
            // The answer is cut short (the client sees a broken document,
            // never a wrong one); the reason goes to the log.
            Err(e) => {
                tracing::error!("the export stopped at file `{hash}`: {e}");
                hashes.len()
            }
        };
        let chunk = chunk.map_err(|e| std::io::Error::other(e.to_string()));
        Some((chunk, (state, hashes, next)))
    });
    let body = futures_util::stream::once(async move {
        Ok::<_, std::io::Error>(axum::body::Bytes::from(head))
    })
    .chain(files)
    .chain(futures_util::stream::once(async {
        Ok(axum::body::Bytes::from_static(b"]}"))
    }));
    download(
        &format!(
            "labpath-export-{}.json",
            labpath_engine::units::Date::today()
        ),
        "application/json",
        axum::body::Body::from_stream(body),
    )
}

/// A stored file as a download: its checked type, its name in
/// `Content-Disposition` (ASCII, and UTF-8 for the rest), never sniffed nor
/// run by the browser.
fn download(
    name: &str,
    media_type: &str,
    body: impl Into<axum::body::Body>,
) -> ApiResult<Response> {
    let name = attachment::download_name(name, media_type);
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        extract::percent_encode(&name, b"")
    );
    let header_value = |text: &str| HeaderValue::from_str(text).map_err(ApiError::internal);
    Ok((
        [
            (header::CONTENT_TYPE, header_value(media_type)?),
            (header::CONTENT_DISPOSITION, header_value(&disposition)?),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("sandbox"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        body.into(),
    )
        .into_response())
}
