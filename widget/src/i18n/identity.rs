//! The strings of identity verification (the verify screen and its
//! notice), English and Hindi.

/// (key, English, Hindi).
pub const TABLE: &[(&str, &str, &str)] = &[
    ("nav_verify", "Verify identity", "पहचान सत्यापित करें"),
    ("verify_title", "Verify your identity", "अपनी पहचान सत्यापित करें"),
    (
        "verify_why",
        "Your issued documents are hidden until you prove this Aadhaar number is yours. An Aadhaar number is \
         printed on many papers, so knowing it proves nothing: the locker shows the documents issued to a number \
         only to its verified owner. Uploading your own files works meanwhile.",
        "जब तक आप यह साबित नहीं करते कि यह आधार संख्या आपकी है, तब तक आपके जारी किए गए दस्तावेज़ छिपे रहेंगे। आधार \
         संख्या कई कागज़ों पर छपी होती है, इसलिए उसे जानना कुछ साबित नहीं करता: लॉकर किसी संख्या के दस्तावेज़ केवल उसके \
         सत्यापित स्वामी को दिखाता है। तब तक आप अपनी फ़ाइलें अपलोड कर सकते हैं।",
    ),
    (
        "verify_how",
        "Verify with a one-time password (OTP) sent to the mobile number registered with your Aadhaar, or in \
         person at a counter with your Aadhaar card.",
        "अपने आधार से पंजीकृत मोबाइल नंबर पर भेजे गए वन-टाइम पासवर्ड (OTP) से, या अपने आधार कार्ड के साथ काउंटर \
         पर जाकर सत्यापित करें।",
    ),
    ("verify_send_otp", "Send OTP", "OTP भेजें"),
    ("verify_otp", "OTP", "OTP"),
    ("verify_submit", "Verify", "सत्यापित करें"),
    ("otp_sent", "An OTP was sent to {}.", "{} पर OTP भेजा गया।"),
    ("otp_wrong", "That OTP was not accepted:", "वह OTP स्वीकार नहीं हुआ:"),
    (
        "otp_throttled",
        "Too many wrong OTPs. Try again in {} seconds.",
        "बहुत सारे गलत OTP। {} सेकंड बाद फिर से प्रयास करें।",
    ),
    (
        "kyc_unavailable",
        "OTP verification is not available right now; try later or verify in person at a counter.",
        "OTP सत्यापन अभी उपलब्ध नहीं है; बाद में प्रयास करें या काउंटर पर जाकर सत्यापित करें।",
    ),
    ("verified", "Your identity is verified.", "आपकी पहचान सत्यापित है।"),
    ("verify_now", "Verify now", "अभी सत्यापित करें"),
];
