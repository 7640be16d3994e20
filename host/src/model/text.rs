//! Free text kept in results (failure messages, a plugin's stderr) is bounded: whatever a plugin
//! prints or a results file holds, reports stay small. One rule cuts it: [`clip`].

/// Most of a plugin's own text (an error message, its stderr) kept in a failure message.
pub const MAX_PLUGIN_TEXT: usize = 4096;

/// Most of a whole message kept in results (the host's words around the plugin's, a backtrace);
/// a longer one in a results file is cut when it is read.
pub const MAX_MESSAGE: usize = 16 << 10;

/// `text` cut to `max` bytes (on a character boundary), saying how much was cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} more bytes cut)", &text[..end], text.len() - end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_short_text_and_cuts_long_text_on_a_char_boundary() {
        assert_eq!(clip("short", MAX_PLUGIN_TEXT), "short");
        let long = "é".repeat(MAX_PLUGIN_TEXT);
        let clipped = clip(&long, MAX_PLUGIN_TEXT);
        assert!(clipped.len() < MAX_PLUGIN_TEXT + 40, "{}", clipped.len());
        assert!(clipped.ends_with(&format!(
            "({} more bytes cut)",
            long.len() - MAX_PLUGIN_TEXT
        )));
        assert_eq!(clip("abcdef", 3), "abc… (3 more bytes cut)");
    }
}
