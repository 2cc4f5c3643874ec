//! The one place where HTTP statuses and error bodies are chosen for the
//! server's [`Error`]: a JSON body for the JSON APIs, an XML one for the
//! XML APIs, and for internal errors a generic message with a request id
//! while the cause goes to the log.

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::platform::error::{Error, OAuthCode};
use crate::wire::writer::to_xml;

#[derive(Serialize)]
struct JsonBody<'a> {
    error: &'a str,
    message: &'a str,
    /// The form field at fault, for [`Error::InvalidField`].
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    /// The widget error code (203 to 207).
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<u16>,
}

/// The error body of the Authorized Partner API.
#[derive(Serialize)]
struct OAuthBody<'a> {
    error: &'a str,
    error_description: &'a str,
}

/// The XML error body of the XML APIs.
#[derive(Serialize)]
#[serde(rename = "Error")]
struct XmlBody<'a> {
    #[serde(rename = "Code")]
    code: &'a str,
    #[serde(rename = "Message")]
    message: &'a str,
}

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        match self {
            Error::Invalid(_) | Error::InvalidField { .. } => StatusCode::BAD_REQUEST,
            Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::QuotaFull(_) => StatusCode::INSUFFICIENT_STORAGE,
            Error::UnsupportedType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict(_) | Error::AadhaarClaimed(_) => StatusCode::CONFLICT,
            Error::IdentityUnverified(_) => StatusCode::FORBIDDEN,
            Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Upstream(_) => StatusCode::BAD_GATEWAY,
            Error::UpstreamTimeout(_) => StatusCode::GATEWAY_TIMEOUT,
            Error::Widget { .. } => StatusCode::FORBIDDEN,
            Error::Gone(_) => StatusCode::GONE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Error::OAuthCode { code, .. } => oauth_status(*code),
            Error::Xml(inner) => inner.status_code(),
            // The partner API answers a failed repository with 500 and a
            // `repository_service_*` name.
            Error::OAuth(inner) => match inner.innermost() {
                Error::Upstream(_) | Error::UpstreamTimeout(_) => StatusCode::INTERNAL_SERVER_ERROR,
                _ => inner.status_code(),
            },
        }
    }

    fn error_response(&self) -> HttpResponse {
        let request_id = request_id();
        if let Error::Internal(cause) = self.innermost() {
            // A cause may quote what a peer sent: mask any Aadhaar number or
            // MD5 UID in it before it reaches the log.
            let cause = crate::platform::aadhaar::mask_digit_runs(cause);
            tracing::error!(request_id, cause, "request failed");
        }
        let message = public_message(self, &request_id);
        let mut response = HttpResponse::build(self.status_code());
        if let Error::TooManyRequests { retry_after, .. } | Error::Busy { retry_after, .. } = self.innermost() {
            response.insert_header(("Retry-After", retry_after.to_string()));
        }
        if matches!(self, Error::OAuth(_)) {
            if self.status_code() == StatusCode::UNAUTHORIZED {
                response.insert_header(("WWW-Authenticate", "Bearer"));
            }
            return response.insert_header(("Cache-Control", "no-store")).json(OAuthBody {
                error: self.oauth_name(),
                error_description: &message,
            });
        }
        if matches!(self, Error::Xml(_)) {
            let body = to_xml(&XmlBody {
                code: self.code(),
                message: &message,
            });
            response.content_type(ContentType::xml()).body(body)
        } else {
            let field = match self {
                Error::InvalidField { field, .. } => Some(*field),
                _ => None,
            };
            let code = match self {
                Error::Widget { code, .. } => Some(*code),
                _ => None,
            };
            response.json(JsonBody {
                error: self.code(),
                message: &message,
                field,
                code,
            })
        }
    }
}

impl From<actix_web::error::BlockingError> for Error {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Error::Internal(format!("blocking task: {err}"))
    }
}

fn oauth_status(code: OAuthCode) -> StatusCode {
    match code {
        OAuthCode::InvalidClient | OAuthCode::InvalidToken | OAuthCode::HmacMismatch => StatusCode::UNAUTHORIZED,
        OAuthCode::InsufficientScope => StatusCode::FORBIDDEN,
        OAuthCode::InvalidUri | OAuthCode::InvalidId => StatusCode::NOT_FOUND,
        // The upload's documented answers are 200, 400, 401 and 500.
        OAuthCode::InvalidRequest
        | OAuthCode::InvalidFilesize
        | OAuthCode::MimetypeMismatch
        | OAuthCode::InvalidGrant
        | OAuthCode::InvalidGrantType
        | OAuthCode::InvalidScope
        | OAuthCode::UriMissing
        | OAuthCode::PathMissing => StatusCode::BAD_REQUEST,
    }
}

/// A fresh id for one failed request, quoted to the client and logged with
/// the cause, so an operator can find one from the other.
fn request_id() -> String {
    crate::platform::crypto::random_hex(8)
}

/// What the client is told: internal causes stay in the log.
fn public_message(err: &Error, request_id: &str) -> String {
    match err {
        Error::Internal(_) => format!("internal error; quote request id {request_id} to the operator"),
        Error::Xml(inner) | Error::OAuth(inner) => public_message(inner, request_id),
        other => other.to_string(),
    }
}
