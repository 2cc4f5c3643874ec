//! The one error type of the server, and the only place where HTTP statuses
//! and CLI exit codes are chosen for it.

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, ResponseError};
use openlocker_db::DbError;
use serde::Serialize;

/// What a service call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is malformed or breaks a rule; the text says which.
    #[error("{0}")]
    Invalid(String),
    /// No valid sign-in or credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed to do this (or a CSRF token is missing).
    #[error("{0}")]
    Forbidden(String),
    /// The thing named does not exist (or is not the caller's).
    #[error("{0}")]
    NotFound(String),
    /// It already exists.
    #[error("{0}")]
    Conflict(String),
    /// The resident's identity is not verified, so what they asked for
    /// (documents of their Aadhaar number, shares, partner grants) waits.
    #[error("{0}")]
    IdentityUnverified(String),
    /// Another account proved the Aadhaar number this account claimed is
    /// theirs; this account is closed.
    #[error("{0}")]
    AadhaarClaimed(String),
    /// A service this needs is not set up here (e.g. no `kyc_url`).
    #[error("{0}")]
    Unavailable(String),
    /// A request body over the configured limit.
    #[error("{0}")]
    TooLarge(String),
    /// An issuer's repository (or a locker) failed or refused; the text says how.
    #[error("{0}")]
    Upstream(String),
    /// An issuer's repository (or a locker) did not answer in time.
    #[error("{0}")]
    UpstreamTimeout(String),
    /// A field of a form is wrong; `field` names it so a page can point at it.
    #[error("{message}")]
    InvalidField { field: &'static str, message: String },
    /// Too many failed attempts; try again after `retry_after` seconds.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    /// An upload of a type that is not accepted (judged by content).
    #[error("{0}")]
    UnsupportedType(String),
    /// The resident's storage quota has no room for this.
    #[error("{0}")]
    QuotaFull(String),
    /// Something broke on our side; the cause is logged, never sent.
    /// A widget check failed: 203 app hash, 204 app id, 205 domain, 206
    /// time-stamp, 207 service (the codes of the widget specification).
    #[error("error {code}: {message}")]
    Widget { code: u16, message: String },
    /// Something that existed and is gone for good: an expired, revoked or
    /// used-up share.
    #[error("{0}")]
    Gone(String),
    #[error("internal error: {0}")]
    Internal(String),
    /// The same error, for an XML API: the body is XML, not JSON.
    #[error("{0}")]
    Xml(Box<Error>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an error of an XML endpoint so its body is XML.
    pub fn in_xml(self) -> Error {
        match self {
            Error::Xml(_) => self,
            other => Error::Xml(Box::new(other)),
        }
    }

    /// The process exit code of an admin command that failed with this:
    /// 2 for bad input, 1 for anything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid(_)
            | Error::InvalidField { .. }
            | Error::Conflict(_)
            | Error::AadhaarClaimed(_)
            | Error::NotFound(_)
            | Error::TooLarge(_)
            | Error::UnsupportedType(_) => 2,
            Error::Xml(inner) => inner.exit_code(),
            _ => 1,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Error::Invalid(_) | Error::InvalidField { .. } => "invalid",
            Error::TooManyRequests { .. } => "too_many_requests",
            Error::QuotaFull(_) => "quota_full",
            Error::UnsupportedType(_) => "unsupported_type",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not_found",
            Error::Conflict(_) => "conflict",
            Error::IdentityUnverified(_) => "identity_unverified",
            Error::AadhaarClaimed(_) => "aadhaar_claimed",
            Error::Unavailable(_) => "unavailable",
            Error::TooLarge(_) => "too_large",
            Error::Upstream(_) => "upstream",
            Error::UpstreamTimeout(_) => "upstream_timeout",
            Error::Widget { .. } => "widget",
            Error::Gone(_) => "gone",
            Error::Internal(_) => "internal",
            Error::Xml(inner) => inner.code(),
        }
    }

    /// What the client is told: internal causes stay in the log.
    fn public_message(&self, request_id: &str) -> String {
        match self {
            Error::Internal(_) => format!("internal error; quote request id {request_id} to the operator"),
            Error::Xml(inner) => inner.public_message(request_id),
            other => other.to_string(),
        }
    }
}

impl From<DbError> for Error {
    fn from(err: DbError) -> Self {
        match err {
            DbError::NotFound => Error::NotFound("not found".into()),
            DbError::Conflict(what) => Error::Conflict(what),
            DbError::Other(cause) => Error::Internal(cause),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::Internal(format!("i/o: {err}"))
    }
}

impl From<actix_web::error::BlockingError> for Error {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Error::Internal(format!("blocking task: {err}"))
    }
}

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
            Error::Xml(inner) => inner.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        let request_id = crate::crypto::random_hex(8);
        if let Error::Internal(cause) = self.innermost() {
            tracing::error!(request_id, cause, "request failed");
        }
        let message = self.public_message(&request_id);
        let mut response = HttpResponse::build(self.status_code());
        if let Error::TooManyRequests { retry_after, .. } = self.innermost() {
            response.insert_header(("Retry-After", retry_after.to_string()));
        }
        if matches!(self, Error::Xml(_)) {
            let body = crate::http::xml::to_xml(&XmlBody {
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

impl Error {
    fn innermost(&self) -> &Error {
        match self {
            Error::Xml(inner) => inner.innermost(),
            other => other,
        }
    }
}
