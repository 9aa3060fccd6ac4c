//! Removal of the indentation between elements before parsing, which roughly halves the nodes of a
//! pretty-printed AORTA response and with it the parse tree's memory.
//!
//! Only whitespace that is the whole text between a `>` and the next `<` goes. Text with other
//! characters, attribute values, comments, CDATA sections and processing instructions are copied
//! unchanged. The copy is made only when the nodes it saves outweigh it, so an answer that is mostly
//! one base64 document is parsed as it is.

use std::borrow::Cow;

use crate::read::MAX_MESSAGE_BYTES;

/// Bytes of parse tree that one text node costs: roxmltree's node record with byte positions is
/// about 80 bytes on 64-bit targets (an estimate from its field sizes); 64 keeps the choice safe.
const NODE_BYTES: usize = 64;

/// Returns `xml` without whitespace-only text between markup. Returns `xml` itself when the copy
/// would likely cost more than the text nodes it saves, or when it is larger than
/// [`MAX_MESSAGE_BYTES`] (which the parser then rejects).
pub fn without_indentation(xml: &str) -> Cow<'_, str> {
    let bytes = xml.as_bytes();
    // An indented document has up to one whitespace run per `<`, which a single SIMD count finds
    // without parsing anything. A document of few tags and much text is left as it is.
    let tags = memchr::memchr_iter(b'<', bytes).count();
    if xml.len() > MAX_MESSAGE_BYTES || tags * NODE_BYTES <= xml.len() {
        return Cow::Borrowed(xml);
    }
    let mut out: Option<String> = None;
    let mut copied = 0;
    for run in Runs::new(bytes) {
        let out = out.get_or_insert_with(|| String::with_capacity(xml.len()));
        out.push_str(&xml[copied..run.start]);
        copied = run.end;
    }
    match out {
        Some(mut out) => {
            out.push_str(&xml[copied..]);
            // The buffer was sized for the whole input; give back what the indentation took.
            out.shrink_to_fit();
            Cow::Owned(out)
        }
        None => Cow::Borrowed(xml),
    }
}

/// The whitespace-only text runs between markup, in order.
struct Runs<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Runs<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Runs { bytes, at: 0 }
    }
}

impl Iterator for Runs<'_> {
    type Item = std::ops::Range<usize>;

    fn next(&mut self) -> Option<Self::Item> {
        while let Some(open) = memchr::memchr(b'<', &self.bytes[self.at..]).map(|i| self.at + i) {
            let start = self.at;
            let text = &self.bytes[start..open];
            self.at = markup_end(self.bytes, open);
            // Text before the first markup is not between elements and stays.
            if !text.is_empty() && start > 0 && text.iter().all(u8::is_ascii_whitespace) {
                return Some(start..open);
            }
        }
        None
    }
}

/// Returns the index just past the markup that starts at `open` (a `<`), or the end of the text
/// when the markup is not closed.
fn markup_end(bytes: &[u8], open: usize) -> usize {
    let rest = &bytes[open..];
    let closing: &[u8] = if rest.starts_with(b"<!--") {
        b"-->"
    } else if rest.starts_with(b"<![CDATA[") {
        b"]]>"
    } else if rest.starts_with(b"<?") {
        b"?>"
    } else {
        return tag_end(bytes, open);
    };
    memchr::memmem::find(rest, closing).map_or(bytes.len(), |i| open + i + closing.len())
}

/// Returns the index just past the `>` that closes the tag at `open`, skipping quoted attribute
/// values, in which `>` may appear unescaped.
fn tag_end(bytes: &[u8], open: usize) -> usize {
    let mut at = open + 1;
    while let Some(i) = memchr::memchr3(b'>', b'"', b'\'', &bytes[at..]).map(|i| at + i) {
        let byte = bytes[i];
        if byte == b'>' {
            return i + 1;
        }
        match memchr::memchr(byte, &bytes[i + 1..]) {
            Some(close) => at = i + 1 + close + 1,
            None => return bytes.len(),
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_between_elements_goes() {
        let xml = "<a>\n  <b x=\"1\"/>\n  <c>text</c>\n</a>\n";

        assert_eq!(without_indentation(xml), "<a><b x=\"1\"/><c>text</c></a>\n");
    }

    #[test]
    fn long_text_is_not_copied() {
        let xml = format!("<a>\n <b>{}</b>\n</a>", "QUJD".repeat(1000));

        assert!(matches!(without_indentation(&xml), Cow::Borrowed(_)));
    }

    #[test]
    fn text_with_content_stays_whole() {
        let xml = "<a>\n  value  \n</a><b> </b>";

        assert_eq!(without_indentation(xml), "<a>\n  value  \n</a><b></b>");
    }

    #[test]
    fn quoted_gt_comments_and_cdata_stay() {
        let xml = "<a t=\"x> <y\">\n <!-- > <b> -->\n<![CDATA[ > < ]]>\n</a>";

        assert_eq!(
            without_indentation(xml),
            "<a t=\"x> <y\"><!-- > <b> --><![CDATA[ > < ]]></a>"
        );
    }

    #[test]
    fn leading_whitespace_and_declaration_stay() {
        let xml = "  <?xml version=\"1.0\"?>\n<a/>";

        assert_eq!(without_indentation(xml), "  <?xml version=\"1.0\"?><a/>");
    }

    #[test]
    fn compact_text_is_borrowed() {
        assert!(matches!(
            without_indentation("<a><b/></a>"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn unclosed_markup_is_copied() {
        assert_eq!(without_indentation("<a>\n <b"), "<a><b");
        assert_eq!(without_indentation("<a>\n <!-- x"), "<a><!-- x");
    }
}
