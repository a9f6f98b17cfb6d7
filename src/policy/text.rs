//! Names from MLflow and from links shown as what they are: a character a person cannot see
//! (zero-width, direction overrides, other format or control characters) is written as
//! `⟨U+200B⟩` wherever a name is confirmed or recorded, so `production⟨U+200B⟩` never passes
//! for `production`, and a right-to-left override never reorders what a confirmation says.

use std::borrow::Cow;

/// Whether `c` is invisible or changes how the text around it is shown: control characters,
/// the zero-width and joiner characters, direction marks, embeddings, overrides and isolates,
/// and the other Unicode format characters a name may hide.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// `text` with each hidden character ([`is_hidden`]) written as `⟨U+XXXX⟩`; unchanged (and not
/// copied) when it has none.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            shown.push_str(&format!("⟨U+{:04X}⟩", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}
