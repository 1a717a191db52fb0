//! The practice HTTP server's side of the protocol: reading one request head
//! (bounded in size) and writing one answer, then closing. Small on purpose,
//! so a learner can read every byte of it with `recv`: a status line,
//! headers, a blank line, a tiny page. Sockets and time come from the caller.

/// The longest request head (request line and headers) read; longer is refused.
pub const MAX_HEAD: usize = 8 * 1024;

/// What the server decided about a request.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub reason: &'static str,
    /// HEAD gets the headers of GET without the page.
    pub with_body: bool,
    pub body: String,
}

/// Where the head ends: the index just past the blank line, if it came.
pub fn head_end(received: &[u8]) -> Option<usize> {
    received
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4)
        .or_else(|| {
            // Bare newlines, as a learner typing by hand may send.
            received
                .windows(2)
                .position(|w| w == b"\n\n")
                .map(|at| at + 2)
        })
}

/// Answers a request head by its request line: METHOD PATH HTTP/x.y.
pub fn answer(head: &[u8], now: &str) -> Answer {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let words: Vec<&str> = line.trim_end_matches('\r').split(' ').collect();
    let [method, path, version] = words[..] else {
        return page(
            400,
            "Bad Request",
            "The request line must be METHOD PATH HTTP/1.x, like GET / HTTP/1.0.",
            true,
        );
    };
    if !version.starts_with("HTTP/1.") || !path.starts_with('/') || method.is_empty() {
        return page(
            400,
            "Bad Request",
            "The request line must be METHOD PATH HTTP/1.x, like GET / HTTP/1.0.",
            true,
        );
    }
    let with_body = method != "HEAD";
    if method != "GET" && method != "HEAD" {
        return page(
            405,
            "Method Not Allowed",
            "This server answers GET and HEAD only.",
            true,
        );
    }
    match path {
        "/" => page(
            200,
            "OK",
            "Hello from netrepl's practice HTTP server. You sent a request line, headers and a blank line; this answer is a status line, headers, a blank line and this page. Try /time too.",
            with_body,
        ),
        "/time" => page(200, "OK", &format!("The time here is {now}."), with_body),
        _ => page(404, "Not Found", "Nothing here: try / or /time.", with_body),
    }
}

/// The answer to a head longer than `MAX_HEAD`.
pub fn too_large() -> Answer {
    page(
        431,
        "Request Header Fields Too Large",
        "The request head is longer than this server reads (8 KiB).",
        true,
    )
}

/// The answer to a client that stopped before the blank line ending its head.
pub fn too_slow() -> Answer {
    page(
        408,
        "Request Timeout",
        "The request head did not end with a blank line in time.",
        true,
    )
}

fn page(status: u16, reason: &'static str, text: &str, with_body: bool) -> Answer {
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>\n<body><h1>{status} {reason}</h1>\n<p>{text}</p></body></html>\n"
    );
    Answer {
        status,
        reason,
        with_body,
        body,
    }
}

/// The bytes sent back; `date` is in the HTTP format (RFC 7231's IMF-fixdate).
pub fn response(answer: &Answer, date: &str) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nServer: netrepl-practice\r\nDate: {date}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n",
        answer.status,
        answer.reason,
        answer.body.len()
    );
    if answer.status == 405 {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut bytes = head.into_bytes();
    if answer.with_body {
        bytes.extend_from_slice(answer.body.as_bytes());
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_get_their_status() {
        let status = |head: &[u8]| answer(head, "now").status;
        assert_eq!(status(b"GET / HTTP/1.0\r\n\r\n"), 200);
        assert_eq!(status(b"GET /time HTTP/1.1\r\nHost: x\r\n\r\n"), 200);
        assert_eq!(status(b"GET /nope HTTP/1.1\r\n\r\n"), 404);
        assert_eq!(status(b"POST / HTTP/1.1\r\n\r\n"), 405);
        assert_eq!(status(b"hello\r\n\r\n"), 400);
        assert_eq!(status(b"GET / FTP/1.0\r\n\r\n"), 400);
        assert!(!answer(b"HEAD / HTTP/1.0\r\n\r\n", "now").with_body);
    }

    #[test]
    fn the_head_ends_at_the_blank_line() {
        assert_eq!(head_end(b"GET / HTTP/1.0\r\n\r\nrest"), Some(18));
        assert_eq!(head_end(b"GET / HTTP/1.0\n\n"), Some(16));
        assert_eq!(head_end(b"GET / HTTP/1.0\r\n"), None);
    }

    #[test]
    fn a_response_counts_its_body_and_head_has_none() {
        let get = answer(b"GET / HTTP/1.0\r\n\r\n", "now");
        let bytes = response(&get, "Wed, 02 Dec 2026 20:00:00 GMT");
        let text = String::from_utf8(bytes).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(head.contains(&format!("Content-Length: {}\r\n", body.len())));
        let head_only = response(&answer(b"HEAD / HTTP/1.0\r\n\r\n", "now"), "d");
        assert!(String::from_utf8(head_only).unwrap().ends_with("\r\n\r\n"));
        let refused = response(&answer(b"PUT / HTTP/1.0\r\n\r\n", "now"), "d");
        assert!(
            String::from_utf8(refused)
                .unwrap()
                .contains("\r\nAllow: GET, HEAD\r\n")
        );
    }
}
