//! Every string of the interface, in English and Hindi (those of identity
//! verification in [`identity`], of signed e-documents in [`signing`]). The choice is kept in localStorage.

mod identity;
mod signing;

mod partner;

use gloo_storage::{LocalStorage, Storage};

/// A language of the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Hi,
}

const STORAGE_KEY: &str = "openlocker.lang";

impl Lang {
    /// The `lang` attribute value.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Hi => "hi",
        }
    }

    /// The language remembered from last time, English by default.
    pub fn load() -> Lang {
        match LocalStorage::get::<String>(STORAGE_KEY).ok().as_deref() {
            Some("hi") => Lang::Hi,
            _ => Lang::En,
        }
    }

    /// Remembers the choice (a private window may refuse; that is fine).
    pub fn save(self) {
        let _ = LocalStorage::set(STORAGE_KEY, self.code());
    }

    /// The text of `key` in this language; the key itself when unknown.
    pub fn t(self, key: &'static str) -> &'static str {
        match TABLE
            .iter()
            .chain(identity::TABLE)
            .chain(signing::TABLE)
            .chain(partner::TABLE)
            .find(|(k, _, _)| *k == key)
        {
            Some((_, en, hi)) => match self {
                Lang::En => en,
                Lang::Hi => hi,
            },
            None => key,
        }
    }
}

/// (key, English, Hindi).
const TABLE: &[(&str, &str, &str)] = &[
    ("app_title", "OpenLocker", "ओपनलॉकर"),
    ("loading", "Loading…", "लोड हो रहा है…"),
    ("skip", "Skip to content", "सामग्री पर जाएँ"),
    ("lang_switch", "हिन्दी", "English"),
    ("lang_switch_label", "Switch the language to Hindi", "भाषा अंग्रेज़ी में बदलें"),
    ("nav", "Locker sections", "लॉकर के भाग"),
    ("nav_issued", "Issued Documents", "जारी किए गए दस्तावेज़"),
    ("nav_pull", "Get documents", "दस्तावेज़ प्राप्त करें"),
    ("nav_uploaded", "Uploaded Documents", "अपलोड किए गए दस्तावेज़"),
    ("nav_activity", "Activity", "गतिविधि"),
    ("nav_profile", "Profile", "प्रोफ़ाइल"),
    ("sign_in", "Sign in", "साइन इन करें"),
    ("sign_in_title", "Sign in to your locker", "अपने लॉकर में साइन इन करें"),
    ("username", "Aadhaar number or mobile number", "आधार संख्या या मोबाइल नंबर"),
    ("password", "Password", "पासवर्ड"),
    ("no_account", "No locker yet?", "अभी तक लॉकर नहीं है?"),
    ("sign_up", "Sign up", "साइन अप करें"),
    ("sign_up_title", "Open your locker", "अपना लॉकर खोलें"),
    ("have_account", "Already have a locker?", "पहले से लॉकर है?"),
    ("aadhaar", "Aadhaar number (12 digits)", "आधार संख्या (12 अंक)"),
    ("name", "Name", "नाम"),
    ("dob", "Date of birth", "जन्म तिथि"),
    ("mobile", "Mobile number (10 digits)", "मोबाइल नंबर (10 अंक)"),
    (
        "password_new",
        "Password (at least 10 characters)",
        "पासवर्ड (कम से कम 10 अक्षर)",
    ),
    (
        "bad_aadhaar",
        "That is not a valid Aadhaar number; check the digits.",
        "यह मान्य आधार संख्या नहीं है; अंक जाँचें।",
    ),
    (
        "short_password",
        "The password must have at least 10 characters.",
        "पासवर्ड में कम से कम 10 अक्षर होने चाहिए।",
    ),
    (
        "signed_up",
        "Your locker is open. Welcome!",
        "आपका लॉकर खुल गया है। स्वागत है!",
    ),
    ("signed_in", "Signed in.", "साइन इन हो गया।"),
    ("signed_out", "Signed out.", "साइन आउट हो गया।"),
    (
        "signed_out_everywhere",
        "Signed out on every device.",
        "सभी उपकरणों से साइन आउट हो गया।",
    ),
    (
        "throttled",
        "Too many failed sign-ins. Wait and try again in {} seconds.",
        "बहुत सारे असफल साइन-इन। {} सेकंड बाद फिर से प्रयास करें।",
    ),
    (
        "bad_credentials",
        "The Aadhaar or mobile number and the password do not match.",
        "आधार या मोबाइल नंबर और पासवर्ड मेल नहीं खाते।",
    ),
    (
        "session_over",
        "Your session has ended; please sign in again.",
        "आपका सत्र समाप्त हो गया है; कृपया फिर से साइन इन करें।",
    ),
    ("error", "Something went wrong", "कुछ गलत हो गया"),
    (
        "network",
        "The locker cannot be reached; check your connection.",
        "लॉकर तक नहीं पहुँच सके; अपना कनेक्शन जाँचें।",
    ),
    ("issued_title", "Issued Documents", "जारी किए गए दस्तावेज़"),
    (
        "issued_empty",
        "No documents have been issued to you yet.",
        "अभी तक आपको कोई दस्तावेज़ जारी नहीं किया गया है।",
    ),
    ("issuer", "Issuer", "जारीकर्ता"),
    ("doc_type", "Document type", "दस्तावेज़ का प्रकार"),
    ("issued_on", "Issued on", "जारी करने की तिथि"),
    ("validity", "Validity", "वैधता"),
    ("valid", "Valid", "वैध"),
    ("expired", "Expired", "समाप्त"),
    ("not_yet_valid", "Not yet valid", "अभी वैध नहीं"),
    ("pulled", "Pulled", "खोज कर प्राप्त"),
    ("details", "Details", "विवरण"),
    ("cert_number", "Certificate number", "प्रमाणपत्र संख्या"),
    ("cert_issue_date", "Date of issue", "जारी करने की तिथि"),
    ("cert_issued_to", "Issued to", "किसे जारी किया गया"),
    (
        "cert_none",
        "The issuer gave no certificate details for this document.",
        "जारीकर्ता ने इस दस्तावेज़ के प्रमाणपत्र का विवरण नहीं दिया।",
    ),
    ("open", "Open", "खोलें"),
    ("download", "Download", "डाउनलोड करें"),
    (
        "opening",
        "Fetching the document from its issuer…",
        "जारीकर्ता से दस्तावेज़ लाया जा रहा है…",
    ),
    ("opened", "Opened in a new tab:", "नए टैब में खोला गया:"),
    ("downloaded", "Downloaded:", "डाउनलोड किया गया:"),
    (
        "issuer_unavailable",
        "The issuer is unavailable right now; try again later.",
        "जारीकर्ता अभी उपलब्ध नहीं है; बाद में फिर से प्रयास करें।",
    ),
    (
        "pull_title",
        "Get documents from issuers",
        "जारीकर्ताओं से दस्तावेज़ प्राप्त करें",
    ),
    (
        "pull_none",
        "No issuer offers documents to search yet.",
        "अभी कोई जारीकर्ता खोजने के लिए दस्तावेज़ नहीं देता।",
    ),
    ("pick_issuer", "Choose an issuer", "जारीकर्ता चुनें"),
    ("pick_doc_type", "Choose a document type", "दस्तावेज़ का प्रकार चुनें"),
    (
        "pull_sends_uid",
        "Your Aadhaar number is sent to the issuer with this search.",
        "इस खोज के साथ आपकी आधार संख्या जारीकर्ता को भेजी जाती है।",
    ),
    ("pull_submit", "Get document", "दस्तावेज़ प्राप्त करें"),
    ("pulling", "Asking the issuer…", "जारीकर्ता से पूछा जा रहा है…"),
    (
        "pull_saved",
        "Found and saved to Issued Documents.",
        "मिल गया और जारी किए गए दस्तावेज़ों में सहेजा गया।",
    ),
    (
        "pull_already",
        "Found; it was already in Issued Documents.",
        "मिल गया; यह पहले से जारी किए गए दस्तावेज़ों में था।",
    ),
    (
        "pull_no_match",
        "No document matched these details. Check them and try again.",
        "इन विवरणों से कोई दस्तावेज़ नहीं मिला। जाँचें और फिर से प्रयास करें।",
    ),
    (
        "pull_pending",
        "The issuer is still preparing this document (pending). Try again later.",
        "जारीकर्ता अभी यह दस्तावेज़ तैयार कर रहा है (लंबित)। बाद में फिर से प्रयास करें।",
    ),
    ("uploaded_title", "Uploaded Documents", "अपलोड किए गए दस्तावेज़"),
    ("folders", "Folders", "फ़ोल्डर"),
    ("folder_new", "New folder name", "नए फ़ोल्डर का नाम"),
    ("folder_create", "Create folder", "फ़ोल्डर बनाएँ"),
    ("folder_created", "Folder created:", "फ़ोल्डर बनाया गया:"),
    ("folder_renamed", "Folder renamed:", "फ़ोल्डर का नाम बदला गया:"),
    ("folder_deleted", "Folder deleted.", "फ़ोल्डर हटाया गया।"),
    ("folder_files", "files", "फ़ाइलें"),
    ("top_level", "(no folder)", "(कोई फ़ोल्डर नहीं)"),
    ("rename", "Rename", "नाम बदलें"),
    ("new_name", "New name", "नया नाम"),
    ("save", "Save", "सहेजें"),
    ("cancel", "Cancel", "रद्द करें"),
    ("delete", "Delete", "हटाएँ"),
    ("move_to", "Move to folder", "फ़ोल्डर में ले जाएँ"),
    ("move", "Move", "ले जाएँ"),
    ("moved", "Moved:", "ले जाया गया:"),
    ("renamed", "Renamed:", "नाम बदला गया:"),
    ("deleted", "Deleted:", "हटाया गया:"),
    ("files", "Files", "फ़ाइलें"),
    (
        "files_empty",
        "No files uploaded yet.",
        "अभी तक कोई फ़ाइल अपलोड नहीं की गई।",
    ),
    (
        "upload_file",
        "File to upload (PDF, JPEG or PNG, up to 10 MB)",
        "अपलोड करने के लिए फ़ाइल (PDF, JPEG या PNG, 10 MB तक)",
    ),
    ("upload_folder", "Upload into folder", "इस फ़ोल्डर में अपलोड करें"),
    ("upload", "Upload", "अपलोड करें"),
    ("uploading", "Uploading…", "अपलोड हो रहा है…"),
    ("uploaded", "Uploaded:", "अपलोड किया गया:"),
    ("pick_file", "Choose a file first.", "पहले एक फ़ाइल चुनें।"),
    (
        "too_large",
        "The file is too large (the limit is 10 MB).",
        "फ़ाइल बहुत बड़ी है (सीमा 10 MB है)।",
    ),
    (
        "wrong_type",
        "Only PDF, JPEG and PNG files can be uploaded.",
        "केवल PDF, JPEG और PNG फ़ाइलें अपलोड की जा सकती हैं।",
    ),
    (
        "quota_full",
        "Your locker is full; delete some files to make room.",
        "आपका लॉकर भर गया है; जगह बनाने के लिए कुछ फ़ाइलें हटाएँ।",
    ),
    ("size", "Size", "आकार"),
    ("uploaded_at", "Uploaded", "अपलोड का समय"),
    ("activity_title", "Activity", "गतिविधि"),
    ("activity_empty", "No activity yet.", "अभी तक कोई गतिविधि नहीं।"),
    ("when", "When", "कब"),
    ("what", "What", "क्या"),
    ("client", "From", "कहाँ से"),
    ("older", "Older entries", "पुरानी प्रविष्टियाँ"),
    ("profile_title", "Your profile", "आपकी प्रोफ़ाइल"),
    ("sign_out", "Sign out", "साइन आउट करें"),
    ("sign_out_everywhere", "Sign out everywhere", "हर जगह से साइन आउट करें"),
    ("not_found", "There is no such page.", "ऐसा कोई पृष्ठ नहीं है।"),
    ("nav_shares", "Shares", "साझा किए गए"),
    ("shares_title", "Documents you shared", "आपके द्वारा साझा किए गए दस्तावेज़"),
    (
        "shares_empty",
        "You have not shared any document yet.",
        "आपने अभी तक कोई दस्तावेज़ साझा नहीं किया है।",
    ),
    ("share_doc", "Document", "दस्तावेज़"),
    ("share_app", "Shared with", "किसके साथ साझा"),
    ("share_expires", "Link expires", "लिंक की समाप्ति"),
    ("share_fetches", "Fetches", "प्राप्तियाँ"),
    ("share_state", "State", "स्थिति"),
    ("share_active", "Active", "सक्रिय"),
    ("share_expired", "Expired", "समाप्त"),
    ("share_used_up", "Used up", "पूरी तरह उपयोग हो गया"),
    ("share_revoked", "Revoked", "रद्द किया गया"),
    ("revoke", "Revoke", "रद्द करें"),
    ("share_revoked_done", "Share revoked:", "साझा करना रद्द किया गया:"),
    ("error_word", "Error", "त्रुटि"),
    (
        "widget_refused",
        "This request cannot be served",
        "यह अनुरोध पूरा नहीं किया जा सकता",
    ),
    (
        "widget_203",
        "the website's app hash is not valid. The website must compute it again; please tell the website.",
        "वेबसाइट का ऐप हैश मान्य नहीं है। वेबसाइट को इसे फिर से बनाना होगा; कृपया वेबसाइट को बताएँ।",
    ),
    (
        "widget_204",
        "the website's app id is not known to this locker.",
        "वेबसाइट की ऐप आईडी इस लॉकर को ज्ञात नहीं है।",
    ),
    (
        "widget_205",
        "the page you came from is not on a domain registered for this website.",
        "आप जिस पृष्ठ से आए हैं वह इस वेबसाइट के पंजीकृत डोमेन पर नहीं है।",
    ),
    (
        "widget_206",
        "the request is older than 30 minutes. Reload the website's page and try again.",
        "अनुरोध 30 मिनट से पुराना है। वेबसाइट का पृष्ठ फिर से लोड करें और फिर से प्रयास करें।",
    ),
    (
        "widget_207",
        "this website is not authorised for this service.",
        "यह वेबसाइट इस सेवा के लिए अधिकृत नहीं है।",
    ),
    (
        "widget_other",
        "The request could not be checked",
        "अनुरोध की जाँच नहीं हो सकी",
    ),
    ("popup_for", "Request from", "अनुरोध करने वाला"),
    ("consent_title", "Do you allow this?", "क्या आप इसकी अनुमति देते हैं?"),
    (
        "consent_share",
        "asks for one document from your locker. You choose which; it gets a link to that document only, for a short time.",
        "आपके लॉकर से एक दस्तावेज़ माँग रहा है। आप चुनते हैं कौन सा; उसे केवल उसी दस्तावेज़ का लिंक थोड़े समय के लिए मिलता है।",
    ),
    (
        "consent_save",
        "wants to save a document into your locker. You choose the folder.",
        "आपके लॉकर में एक दस्तावेज़ सहेजना चाहता है। फ़ोल्डर आप चुनते हैं।",
    ),
    ("consent_allow", "Allow", "अनुमति दें"),
    ("consent_deny", "Do not allow", "अनुमति न दें"),
    (
        "share_pick_title",
        "Choose a document to share with",
        "साझा करने के लिए दस्तावेज़ चुनें:",
    ),
    ("share_confirm", "Share this document", "यह दस्तावेज़ साझा करें"),
    ("save_pick_title", "Choose where to save", "चुनें कि कहाँ सहेजना है"),
    ("save_from", "Document from", "दस्तावेज़ यहाँ से"),
    ("save_confirm", "Save to my locker", "मेरे लॉकर में सहेजें"),
    (
        "saving",
        "The locker is fetching the document…",
        "लॉकर दस्तावेज़ ला रहा है…",
    ),
    ("save_failed", "The document was not saved:", "दस्तावेज़ सहेजा नहीं गया:"),
    (
        "opener_gone",
        "The website's page that asked is no longer open, so the answer could not be given to it.",
        "जिस वेबसाइट पृष्ठ ने अनुरोध किया था वह अब खुला नहीं है, इसलिए उत्तर नहीं दिया जा सका।",
    ),
    ("close_window", "Close this window", "यह विंडो बंद करें"),
];

#[cfg(test)]
mod tests {
    use super::{Lang, TABLE, identity, partner, signing};

    #[test]
    fn every_key_is_unique_and_translated() {
        let all: Vec<_> = TABLE
            .iter()
            .chain(identity::TABLE)
            .chain(signing::TABLE)
            .chain(partner::TABLE)
            .collect();
        for (i, (key, en, hi)) in all.iter().enumerate() {
            assert!(!en.is_empty() && !hi.is_empty(), "{key}");
            assert!(all[i + 1..].iter().all(|(k, _, _)| k != key), "duplicate {key}");
            assert_eq!(en.contains("{}"), hi.contains("{}"), "{key}: the detail's place");
        }
        assert_eq!(Lang::Hi.t("sign_in"), "साइन इन करें");
        assert_eq!(Lang::En.t("no-such-key"), "no-such-key");
    }
}
