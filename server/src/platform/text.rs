//! Rules for the names people give things (file, folder and document
//! names), which are shown in pages, written into CSV exports and used as
//! download names: no control characters, no bidirectional overrides (a
//! `U+202E` makes `cod.exe` read as `exe.doc`), and no leading character
//! that a spreadsheet would run as a formula.

/// Characters that change the direction of the text around them.
const BIDI_CONTROLS: &[char] = &[
    '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}',
    '\u{2067}', '\u{2068}', '\u{2069}',
];

/// Leading characters that make a spreadsheet cell a formula.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@'];

/// Why `name` may not be stored as a name, if it may not.
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name.chars().any(char::is_control) {
        Some("a name cannot hold control characters")
    } else if name.contains(BIDI_CONTROLS) {
        Some("a name cannot hold text-direction characters")
    } else if name.starts_with(FORMULA_STARTS) {
        Some("a name cannot start with =, +, - or @")
    } else {
        None
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::name_problem;

    #[test]
    fn control_bidi_and_formula_names_are_refused() {
        for bad in [
            "a\0b",
            "bell\u{7}",
            "esc\u{1b}[31m",
            "cod\u{202E}fdp.exe",
            "x\u{2066}y",
            "=cmd|' /C calc'!A0",
            "+1",
            "-2",
            "@SUM(A1)",
        ] {
            assert!(name_problem(bad).is_some(), "{bad:?}");
        }
        for good in ["Marks 2024.pdf", "कक्षा १० अंकपत्र", "a-b+c=d@e", "مرحبا"] {
            assert_eq!(name_problem(good), None, "{good:?}");
        }
    }
}
