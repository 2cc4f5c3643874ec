//! The strings of the Authorized Partner API's screens (consent, connected
//! apps), in English and Hindi.

/// (key, English, Hindi).
pub const TABLE: &[(&str, &str, &str)] = &[
    ("nav_connections", "Connected apps", "जुड़े हुए ऐप"),
    ("connections_title", "Apps you gave access", "जिन ऐप को आपने पहुँच दी"),
    (
        "connections_empty",
        "No app has access to your locker.",
        "किसी ऐप के पास आपके लॉकर की पहुँच नहीं है।",
    ),
    ("connection_app", "App", "ऐप"),
    ("connection_scope", "May", "अनुमति"),
    ("connection_granted", "Granted", "कब दी गई"),
    ("connection_used", "Last used", "अंतिम उपयोग"),
    ("connection_revoked", "Access revoked:", "पहुँच रद्द की गई:"),
    ("never", "Never", "कभी नहीं"),
    (
        "oauth_consent_title",
        "An app asks for your locker",
        "एक ऐप आपके लॉकर की पहुँच माँग रहा है",
    ),
    ("oauth_asks", "asks to:", "यह माँगता है:"),
    ("oauth_purpose", "Purpose:", "उद्देश्य:"),
    ("oauth_valid_till", "Access until", "पहुँच की अवधि"),
    (
        "scope_openid",
        "Know who you are (sign you in)",
        "जानना कि आप कौन हैं (साइन इन)",
    ),
    (
        "scope_userdetails",
        "Read your name, date of birth and gender",
        "आपका नाम, जन्म तिथि और लिंग पढ़ना",
    ),
    (
        "scope_issueddocs",
        "Read your Issued Documents",
        "आपके जारी किए गए दस्तावेज़ पढ़ना",
    ),
    (
        "scope_uploadeddocs",
        "Read your Uploaded Documents",
        "आपके अपलोड किए गए दस्तावेज़ पढ़ना",
    ),
    ("scope_upload", "Save files into your locker", "आपके लॉकर में फ़ाइलें सहेजना"),
    ("scope_unknown", "Something else", "कुछ और"),
];
