//! Content sniffing: the first bytes of an uploaded object must agree with
//! the type it claims. Declared images and PDFs are checked against their
//! magic numbers (an HTML page uploaded as `image/png` to the public avatar
//! path would otherwise be served from our bucket); other types are not
//! sniffed, they are only ever downloaded as attachments.

/// How many leading bytes [`sniff`] needs.
pub const SNIFF_LEN: usize = 512;

/// What the leading bytes say a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// `FF D8 FF`.
    Jpeg,
    /// `89 50 4E 47 0D 0A 1A 0A`.
    Png,
    /// `GIF87a` / `GIF89a`.
    Gif,
    /// `RIFF????WEBP`.
    Webp,
    /// `%PDF-`.
    Pdf,
    /// `PK\x03\x04` (also DOCX/XLSX, which are zip containers).
    Zip,
    /// Text starting (after an optional BOM and whitespace) with `<?xml` or `<svg`.
    Svg,
    /// None of the above.
    Unknown,
}

/// Classifies the leading bytes of a file.
pub fn sniff(head: &[u8]) -> Sniffed {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Sniffed::Jpeg
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Sniffed::Png
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Sniffed::Gif
    } else if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        Sniffed::Webp
    } else if head.starts_with(b"%PDF-") {
        Sniffed::Pdf
    } else if head.starts_with(b"PK\x03\x04") {
        Sniffed::Zip
    } else if looks_like_svg(head) {
        Sniffed::Svg
    } else {
        Sniffed::Unknown
    }
}

fn looks_like_svg(head: &[u8]) -> bool {
    let rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = rest
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    let rest = &rest[start..];
    let lower: Vec<u8> = rest.iter().take(5).map(u8::to_ascii_lowercase).collect();
    lower.starts_with(b"<?xml") || lower.starts_with(b"<svg")
}

/// Whether the leading bytes agree with the declared content type. Only
/// `image/*` and `application/pdf` are checked (an unknown `image/*`
/// subtype is refused: we cannot vouch for it); everything else passes.
pub fn matches_declared(content_type: &str, head: &[u8]) -> bool {
    let found = sniff(head);
    match content_type {
        "image/jpeg" | "image/jpg" | "image/pjpeg" => found == Sniffed::Jpeg,
        "image/png" => found == Sniffed::Png,
        "image/gif" => found == Sniffed::Gif,
        "image/webp" => found == Sniffed::Webp,
        "image/svg+xml" => found == Sniffed::Svg,
        "application/pdf" => found == Sniffed::Pdf,
        ct if ct.starts_with("image/") => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = &[
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ];
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
    const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00";
    const WEBP: &[u8] = b"RIFF\x24\x00\x00\x00WEBPVP8 ";
    const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
    const DOCX: &[u8] = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00";
    const SVG: &[u8] =
        b"\xEF\xBB\xBF  \n<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    const HTML: &[u8] = b"<!DOCTYPE html><html><script>alert(1)</script>";

    #[test]
    fn real_prefixes_are_recognised() {
        assert_eq!(sniff(JPEG), Sniffed::Jpeg);
        assert_eq!(sniff(PNG), Sniffed::Png);
        assert_eq!(sniff(GIF), Sniffed::Gif);
        assert_eq!(sniff(b"GIF87a\x01\x00"), Sniffed::Gif);
        assert_eq!(sniff(WEBP), Sniffed::Webp);
        assert_eq!(sniff(PDF), Sniffed::Pdf);
        assert_eq!(sniff(DOCX), Sniffed::Zip);
        assert_eq!(sniff(SVG), Sniffed::Svg);
        assert_eq!(sniff(b"\t<SVG width=\"1\"/>"), Sniffed::Svg);
        assert_eq!(sniff(HTML), Sniffed::Unknown);
        assert_eq!(sniff(b""), Sniffed::Unknown);
        assert_eq!(sniff(b"RIFF\x24\x00\x00\x00WAVE"), Sniffed::Unknown);
    }

    #[test]
    fn declared_images_and_pdfs_must_match() {
        assert!(matches_declared("image/png", PNG));
        assert!(matches_declared("image/jpeg", JPEG));
        assert!(matches_declared("image/gif", GIF));
        assert!(matches_declared("image/webp", WEBP));
        assert!(matches_declared("image/svg+xml", SVG));
        assert!(matches_declared("application/pdf", PDF));
        assert!(!matches_declared("image/png", HTML), "HTML posing as PNG");
        assert!(!matches_declared("image/png", JPEG), "JPEG posing as PNG");
        assert!(!matches_declared("image/svg+xml", PNG));
        assert!(!matches_declared("application/pdf", DOCX));
        assert!(
            !matches_declared("image/bmp", b"BM\x00\x00"),
            "unknown image subtype"
        );
    }

    #[test]
    fn other_types_are_not_sniffed() {
        assert!(matches_declared("text/plain", HTML));
        assert!(matches_declared("application/zip", DOCX));
        assert!(matches_declared("application/octet-stream", PNG));
    }
}
