//! The popup's pure logic: the partner page's request read from the query
//! string, the plain explanation of each widget error code, and the one
//! message the popup sends to the page that opened it.

use serde::Serialize;

/// What the popup serves: sharing a document or saving one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Share,
    Save,
}

impl Service {
    /// The name the server knows (`service` in the widget request).
    pub fn name(self) -> &'static str {
        match self {
            Service::Share => "share",
            Service::Save => "save",
        }
    }

    /// The `type` of the popup's message to the page.
    pub fn message_type(self) -> &'static str {
        match self {
            Service::Share => "openlocker:share",
            Service::Save => "openlocker:save",
        }
    }
}

/// The widget request as the loader wrote it into the popup's URL; sent to
/// the server with every call that needs it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WidgetQuery {
    pub app_id: String,
    pub app_hash: String,
    pub time_stamp: String,
    pub origin: String,
    pub service: String,
    /// The document to save (save only); not part of the widget check.
    #[serde(skip)]
    pub href: String,
}

impl WidgetQuery {
    /// Reads the query's (already decoded) pairs.
    pub fn from_pairs<'a>(service: Service, pairs: impl IntoIterator<Item = (&'a str, String)>) -> WidgetQuery {
        let mut query = WidgetQuery {
            service: service.name().to_owned(),
            ..WidgetQuery::default()
        };
        for (key, value) in pairs {
            match key {
                "app_id" => query.app_id = value,
                "app_hash" => query.app_hash = value,
                "time_stamp" => query.time_stamp = value,
                "origin" => query.origin = value,
                "href" => query.href = value,
                _ => {}
            }
        }
        query
    }
}

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

/// The message for the page: a share's document URL (empty when there is
/// none), or a save's result.
pub fn message(service: Service, ok: bool, doc_url: &str, message: &str) -> serde_json::Value {
    match service {
        Service::Share => serde_json::json!({
            "type": service.message_type(), "doc_url": doc_url, "message": message,
        }),
        Service::Save => serde_json::json!({
            "type": service.message_type(),
            "result": if ok { "SUCCESS" } else { "FAILURE" },
            "message": message,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_read_and_the_service_is_ours() {
        let q = WidgetQuery::from_pairs(
            Service::Save,
            [
                ("app_id", "RQ1".to_owned()),
                ("service", "share".to_owned()),
                ("href", "https://p.example/a.pdf".to_owned()),
                ("origin", "https://p.example".to_owned()),
            ],
        );
        assert_eq!(q.service, "save", "the route decides, not the query");
        assert_eq!(q.href, "https://p.example/a.pdf");
        let json = serde_json::to_value(&q).unwrap();
        assert!(json.get("href").is_none());
        assert_eq!(json["origin"], "https://p.example");
    }

    #[test]
    fn messages_have_the_shape_the_loader_reads() {
        let m = message(Service::Share, true, "https://l/share/x", "Shared");
        assert_eq!(m["type"], "openlocker:share");
        assert_eq!(m["doc_url"], "https://l/share/x");
        let m = message(Service::Save, false, "", "too large");
        assert_eq!(m["result"], "FAILURE");
        assert_eq!(error_key(205), "widget_205");
        assert_eq!(error_key(500), "widget_other");
    }
}
