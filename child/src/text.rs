//! Text from the peer as the apps show it: at most so many characters.

/// The longest text an entry keeps, in characters; the rest is cut and
/// counted (a peer may send messages of up to 4 Mi characters; 200 entries
/// of 32 Ki characters stay within a few tens of MB).
pub const ENTRY_TEXT_LIMIT: usize = 32 * 1024;

/// `text`, cut to [`ENTRY_TEXT_LIMIT`] characters, saying how much was cut.
pub fn shown_text(text: String) -> String {
    match text.char_indices().nth(ENTRY_TEXT_LIMIT) {
        None => text,
        Some((cut, _)) => {
            let rest = text[cut..].chars().count();
            format!("{}… ({rest} more characters)", &text[..cut])
        }
    }
}
