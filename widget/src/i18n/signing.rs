//! The strings of signed e-documents: the signature badge, the public
//! `/verify/` page and verification links (QR codes), English and Hindi.

/// (key, English, Hindi).
pub const TABLE: &[(&str, &str, &str)] = &[
    ("signature_valid", "Verified: issued by {}", "सत्यापित: {} द्वारा जारी"),
    (
        "signature_invalid",
        "Warning: the issuer's signature on this document does not hold.",
        "चेतावनी: इस दस्तावेज़ पर जारीकर्ता का हस्ताक्षर सही नहीं है।",
    ),
    (
        "signature_unsigned",
        "Not signed by the issuer",
        "जारीकर्ता द्वारा हस्ताक्षरित नहीं",
    ),
    (
        "signature_unchecked",
        "Not checked yet (open it once)",
        "अभी जाँचा नहीं गया (इसे एक बार खोलें)",
    ),
    ("vp_title", "Check a signed document", "हस्ताक्षरित दस्तावेज़ जाँचें"),
    (
        "vp_intro",
        "Drop or choose a document's certificate XML, and its PDF if you have it, to read who issued it, when, \
         and whether anything was altered. Nothing you send is kept.",
        "किसी दस्तावेज़ की प्रमाणपत्र XML, और हो तो उसकी PDF, यहाँ छोड़ें या चुनें, यह जानने के लिए कि उसे किसने, कब \
         जारी किया और क्या उसमें कुछ बदला गया। आपकी भेजी कोई चीज़ रखी नहीं जाती।",
    ),
    ("vp_xml", "Certificate XML", "प्रमाणपत्र XML"),
    ("vp_pdf", "The document's PDF (optional)", "दस्तावेज़ की PDF (वैकल्पिक)"),
    ("vp_submit", "Check the document", "दस्तावेज़ जाँचें"),
    ("vp_checking", "Checking the signature…", "हस्ताक्षर की जाँच हो रही है…"),
    ("vp_checked", "The document was checked.", "दस्तावेज़ की जाँच हो गई।"),
    (
        "vp_pick_xml",
        "Choose the certificate XML first.",
        "पहले प्रमाणपत्र XML चुनें।",
    ),
    (
        "vp_valid",
        "Genuine: the issuer's signature holds and nothing was altered.",
        "असली: जारीकर्ता का हस्ताक्षर सही है और कुछ भी बदला नहीं गया।",
    ),
    (
        "vp_invalid",
        "Not verified: the document may have been altered, or its issuer is not one this locker trusts.",
        "सत्यापित नहीं: हो सकता है दस्तावेज़ बदला गया हो, या उसका जारीकर्ता इस लॉकर द्वारा विश्वसनीय न हो।",
    ),
    ("vp_issuer", "Issuer", "जारीकर्ता"),
    ("vp_signed_by", "Signed by", "हस्ताक्षरकर्ता"),
    ("vp_document", "Document", "दस्तावेज़"),
    ("vp_uri", "Document URI", "दस्तावेज़ URI"),
    ("vp_signed_at", "Signed on", "हस्ताक्षर की तिथि"),
    ("vp_reason", "Why", "कारण"),
    (
        "vp_pdf_matches",
        "The PDF is the one the issuer signed.",
        "यह PDF वही है जिस पर जारीकर्ता ने हस्ताक्षर किए।",
    ),
    (
        "vp_pdf_differs",
        "The PDF is NOT the one the issuer signed.",
        "यह PDF वह नहीं है जिस पर जारीकर्ता ने हस्ताक्षर किए।",
    ),
    ("vl_title", "Document verification", "दस्तावेज़ सत्यापन"),
    (
        "vl_not_found",
        "This verification link does not work: it may have expired, or its owner revoked it. Ask them for a new one.",
        "यह सत्यापन लिंक काम नहीं करता: हो सकता है इसकी अवधि समाप्त हो गई हो, या इसके स्वामी ने इसे रद्द कर दिया हो। \
         उनसे नया लिंक माँगें।",
    ),
    ("qr", "QR code", "QR कोड"),
    (
        "qr_label",
        "Make a QR code that lets anyone check this document",
        "ऐसा QR कोड बनाएँ जिससे कोई भी इस दस्तावेज़ की जाँच कर सके",
    ),
    (
        "qr_made",
        "Anyone who scans this code or opens this link sees who issued the document and that it is genuine, \
         never the document itself. It works until {}.",
        "जो भी यह कोड स्कैन करे या यह लिंक खोले, वह देखता है कि दस्तावेज़ किसने जारी किया और वह असली है, दस्तावेज़ \
         स्वयं कभी नहीं। यह {} तक काम करता है।",
    ),
    ("qr_image", "QR code of the verification link", "सत्यापन लिंक का QR कोड"),
    ("vlinks_title", "Verification links (QR codes)", "सत्यापन लिंक (QR कोड)"),
    (
        "vlinks_empty",
        "No verification link is active.",
        "कोई सत्यापन लिंक सक्रिय नहीं है।",
    ),
    (
        "vlink_revoked_done",
        "Verification link revoked:",
        "सत्यापन लिंक रद्द किया गया:",
    ),
];
