//! The popup's pure logic: the partner page's request read from the query
//! string, the plain explanation of each widget error code, and the one
//! answer the popup sends to the page that opened it.

use openlocker_proto::widget::{PopupAnswer, SaveResult, Service, WidgetRequest};

/// What the loader wrote into the popup's URL.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PopupQuery {
    /// Sent to the server with every call that needs it.
    pub request: WidgetRequest,
    /// The document to save (save only); not part of the widget check.
    pub href: String,
}

impl PopupQuery {
    /// Reads the query's (already decoded) pairs; the service is the
    /// popup's own, whatever the query says.
    pub fn from_pairs<'a>(service: Service, pairs: impl IntoIterator<Item = (&'a str, String)>) -> PopupQuery {
        let mut query = PopupQuery::default();
        query.request.service = service.name().to_owned();
        for (key, value) in pairs {
            match key {
                "app_id" => query.request.app_id = value,
                "app_hash" => query.request.app_hash = value,
                "time_stamp" => query.request.time_stamp = value,
                "origin" => query.request.origin = value,
                "href" => query.href = value,
                _ => {}
            }
        }
        query
    }
}

/// The query keys the popup reads.
pub const QUERY_KEYS: [&str; 5] = ["app_id", "app_hash", "time_stamp", "origin", "href"];

/// The translation key that explains a widget error code.
pub fn error_key(code: u16) -> &'static str {
    match code {
        203 => "widget_203",
        204 => "widget_204",
        205 => "widget_205",
        206 => "widget_206",
        207 => "widget_207",
        _ => "widget_other",
    }
}

/// The answer for the page: a share's document URL (empty when there is
/// none), or a save's result.
pub fn answer(service: Service, ok: bool, doc_url: &str, message: &str) -> PopupAnswer {
    let message = message.to_owned();
    match service {
        Service::Share => PopupAnswer::Share {
            doc_url: doc_url.to_owned(),
            message,
        },
        Service::Save => PopupAnswer::Save {
            result: if ok { SaveResult::Success } else { SaveResult::Failure },
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_query_is_read_and_the_service_is_ours() {
        let q = PopupQuery::from_pairs(
            Service::Save,
            [
                ("app_id", "RQ1".to_owned()),
                ("service", "share".to_owned()),
                ("href", "https://p.example/a.pdf".to_owned()),
                ("origin", "https://p.example".to_owned()),
            ],
        );
        assert_eq!(q.request.service, "save", "the route decides, not the query");
        assert_eq!(q.href, "https://p.example/a.pdf");
        let json = serde_json::to_value(&q.request).unwrap();
        assert!(json.get("href").is_none());
        assert_eq!(json["origin"], "https://p.example");
    }

    #[test]
    fn answers_have_the_shape_the_loader_reads() {
        let m = serde_json::to_value(answer(Service::Share, true, "https://l/share/x", "Shared")).unwrap();
        assert_eq!(m["type"], "openlocker:share");
        assert_eq!(m["doc_url"], "https://l/share/x");
        let m = serde_json::to_value(answer(Service::Save, false, "", "too large")).unwrap();
        assert_eq!(m["type"], Service::Save.message_type());
        assert_eq!(m["result"], "FAILURE");
        assert_eq!(error_key(205), "widget_205");
        assert_eq!(error_key(500), "widget_other");
    }
}
