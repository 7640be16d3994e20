//! A synthetic HTTP request: rendered from its index, then parsed, checked and answered the way a
//! small form-handling endpoint would, so a request costs real parsing work rather than a sleep.

use std::fmt::Write as _;
use std::io::Write as _;

use wasmbench_sdk::fnv1a;

use crate::rng::SplitMix;

/// Characters of unescaped form values.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Writes request `index` into `out` (cleared first): a `POST` whose form-encoded body is exactly
/// `body_len` bytes (the last field may be cut short, as a truncating client would).
pub(crate) fn render(index: u64, body_len: usize, out: &mut Vec<u8>) {
    out.clear();
    write!(
        out,
        "POST /items/{index} HTTP/1.1\r\n\
         host: handler.test\r\n\
         content-type: application/x-www-form-urlencoded\r\n\
         x-request-id: {index:016x}\r\n\
         content-length: {body_len}\r\n\r\n"
    )
    .expect("writing to a Vec can't fail");
    let body_start = out.len();
    let mut rng = SplitMix(index ^ 0x243f_6a88_85a3_08d3);
    let mut field = 0u32;
    while out.len() - body_start < body_len {
        if field > 0 {
            out.push(b'&');
        }
        write!(out, "f{field}=").expect("writing to a Vec can't fail");
        for _ in 0..3 {
            for byte in rng.next_u64().to_le_bytes() {
                push_form_encoded(out, byte);
            }
        }
        field += 1;
    }
    out.truncate(body_start + body_len);
}

/// One value character: a mix of plain, `+` (space) and `%XX` escapes, as real form data has.
fn push_form_encoded(out: &mut Vec<u8>, byte: u8) {
    match byte {
        0..24 => out.extend_from_slice(&[
            b'%',
            HEX[usize::from(byte >> 4)],
            HEX[usize::from(byte & 15)],
        ]),
        24..40 => out.push(b'+'),
        _ => out.push(ALPHABET[usize::from(byte) % ALPHABET.len()]),
    }
}

/// Parses `request`, checks its headers against its line and body, decodes every form field and
/// renders a JSON response into `response`; returns the response's checksum. `decoded` is scratch
/// space, reused so a request allocates nothing once warm.
pub(crate) fn handle(
    request: &[u8],
    decoded: &mut Vec<u8>,
    response: &mut String,
) -> Result<u64, String> {
    let split = find(request, b"\r\n\r\n").ok_or("the request has no end of headers")?;
    let head = std::str::from_utf8(&request[..split]).map_err(|_| "headers are not UTF-8")?;
    let body = &request[split + 4..];

    let mut lines = head.split("\r\n");
    let id = item_id(lines.next().unwrap_or_default())?;
    let (mut content_length, mut request_id) = (None, None);
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("malformed header line `{line}`"))?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            content_length = value.parse::<usize>().ok();
        } else if name.eq_ignore_ascii_case("x-request-id") {
            request_id = u64::from_str_radix(value, 16).ok();
        }
    }
    if content_length != Some(body.len()) {
        return Err(format!(
            "content-length {content_length:?} doesn't match the body's {} bytes",
            body.len()
        ));
    }
    if request_id != Some(id) {
        return Err(format!(
            "x-request-id {request_id:?} doesn't match item {id}"
        ));
    }

    let (mut fields, mut digest) = (0u64, 0u64);
    for pair in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (key, value) = match pair.iter().position(|&b| b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &[][..]),
        };
        decoded.clear();
        form_decode(key, decoded);
        decoded.push(b'=');
        form_decode(value, decoded);
        digest = fnv1a(digest, decoded);
        fields += 1;
    }

    response.clear();
    write!(
        response,
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n\
         {{\"id\":{id},\"fields\":{fields},\"bytes\":{},\"digest\":\"{digest:016x}\"}}",
        body.len()
    )
    .expect("writing to a String can't fail");
    Ok(fnv1a(0, response.as_bytes()))
}

/// The id of `POST /items/{id} HTTP/1.1`.
fn item_id(request_line: &str) -> Result<u64, String> {
    let mut parts = request_line.split(' ');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("POST"), Some(path), Some("HTTP/1.1"), None) => path
            .strip_prefix("/items/")
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| format!("no item id in path `{path}`")),
        _ => Err(format!("unexpected request line `{request_line}`")),
    }
}

/// Appends `text` with `+` as space and `%XX` escapes decoded; a malformed escape stays literal.
fn form_decode(text: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < text.len() {
        let escaped = match text.get(i..i + 3) {
            Some(&[b'%', high, low]) => {
                hex_digit(high).zip(hex_digit(low)).map(|(h, l)| h << 4 | l)
            }
            _ => None,
        };
        match (escaped, text[i]) {
            (Some(byte), _) => {
                out.push(byte);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, byte) => {
                out.push(byte);
                i += 1;
            }
        }
    }
}

fn hex_digit(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn checksum(index: u64, body_len: usize) -> u64 {
        let mut request = Vec::new();
        render(index, body_len, &mut request);
        handle(&request, &mut Vec::new(), &mut String::new()).unwrap()
    }

    #[test]
    fn bodies_have_the_asked_size_and_parse() {
        for body_len in [0, 1, 7, 100, 2048, 65_536] {
            let mut request = Vec::new();
            render(3, body_len, &mut request);
            let body_start = find(&request, b"\r\n\r\n").unwrap() + 4;
            assert_eq!(request.len() - body_start, body_len);
            let mut response = String::new();
            handle(&request, &mut Vec::new(), &mut response).unwrap();
            assert!(
                response.contains(&format!("\"bytes\":{body_len}")),
                "{response}"
            );
        }
    }

    #[test]
    fn checksums_depend_on_the_request_index_only() {
        assert_eq!(checksum(42, 2048), checksum(42, 2048));
        assert_ne!(checksum(42, 2048), checksum(43, 2048));
        assert_ne!(checksum(42, 2048), checksum(42, 2047));
        // Pinned: a change here changes every recorded checksum of `request`.
        assert_eq!(checksum(0, 2048), 0x3644_18af_7287_0122);
    }

    #[test]
    fn form_decoding() {
        let mut out = Vec::new();
        form_decode(b"a+b%2Fc%zz%4", &mut out);
        assert_eq!(out, b"a b/c%zz%4");
    }

    #[test]
    fn tampered_requests_are_rejected() {
        let mut request = Vec::new();
        render(5, 64, &mut request);
        let text = String::from_utf8(request).unwrap();
        let mut scratch = (Vec::new(), String::new());
        for bad in [
            text.replace("content-length: 64", "content-length: 63"),
            text.replace("/items/5", "/items/6"),
            text.replace("POST", "GET"),
            text.replace("\r\n\r\n", "\r\n"),
        ] {
            assert!(handle(bad.as_bytes(), &mut scratch.0, &mut scratch.1).is_err());
        }
    }
}
