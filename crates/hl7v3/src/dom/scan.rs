//! Splits XML text into tags, text, references and CDATA for the tree builder, in one pass
//! with `memchr`.
//!
//! The scanner recognises the markup, and the builder checks nesting, namespaces and references. The text
//! is a `&str`, and every cut falls on an ASCII delimiter, so each piece is valid UTF-8 without
//! checking it again.

use super::Error;

/// One piece of markup or text.
pub(super) enum Token<'i> {
    /// A start tag; its attributes (name, raw value) were written to the caller's list.
    Start {
        qname: &'i str,
        at: usize,
        /// The offset just past `/>` for an empty-element tag.
        empty_end: Option<usize>,
    },
    /// An end tag.
    End {
        qname: &'i str,
        at: usize,
        end: usize,
    },
    /// Character data up to the next `<` or `&`.
    Text { text: &'i str, at: usize },
    /// Whitespace followed by a start or end tag.
    Blank { text: &'i str, at: usize },
    /// The content of a CDATA section.
    CData { text: &'i str, at: usize },
    /// The text between `&` and `;`.
    Reference { name: &'i str, at: usize },
}

/// Returns the error for a comment, CDATA section or processing instruction without its end.
fn unclosed(at: usize, message: &'static str) -> ScanError {
    ScanError::Malformed(Malformed { at, message })
}

/// A token, or markup that the tree leaves out.
enum Step<'i> {
    Token(Token<'i>),
    Skipped,
}

impl<'i> Step<'i> {
    fn token(self) -> Option<Token<'i>> {
        match self {
            Step::Token(token) => Some(token),
            Step::Skipped => None,
        }
    }
}

/// A malformed piece of markup: its position and the problem.
pub(super) struct Malformed {
    pub(super) at: usize,
    pub(super) message: &'static str,
}

pub(super) struct Scanner<'i> {
    input: &'i str,
    pos: usize,
    /// The maximum number of attributes in a start tag, which bounds the list of them.
    max_attributes: u32,
}

impl<'i> Scanner<'i> {
    pub(super) fn new(input: &'i str) -> Self {
        // A byte order mark is not part of the document.
        let pos = if input.starts_with('\u{feff}') { 3 } else { 0 };
        Scanner {
            input,
            pos,
            max_attributes: u32::MAX,
        }
    }

    /// Rejects start tags with more than `max` attributes, namespace declarations included.
    pub(super) fn limit_attributes(self, max: u32) -> Self {
        Scanner {
            max_attributes: max,
            ..self
        }
    }

    fn bytes(&self) -> &'i [u8] {
        self.input.as_bytes()
    }

    fn fail<T>(&self, at: usize, message: &'static str) -> Result<T, ScanError> {
        Err(ScanError::Malformed(Malformed { at, message }))
    }

    /// Returns the next token, or `None` at the end of the text. Comments and processing
    /// instructions are passed over.
    pub(super) fn next(
        &mut self,
        attributes: &mut Vec<(&'i str, &'i str)>,
    ) -> Result<Option<Token<'i>>, ScanError> {
        loop {
            let token = self.next_or_skip(attributes)?;
            if !matches!(token, Some(Step::Skipped)) {
                return Ok(token.and_then(Step::token));
            }
        }
    }

    fn next_or_skip(
        &mut self,
        attributes: &mut Vec<(&'i str, &'i str)>,
    ) -> Result<Option<Step<'i>>, ScanError> {
        let bytes = self.bytes();
        let at = self.pos;
        match bytes.get(at) {
            None => Ok(None),
            Some(b'<') => self.markup(at, attributes).map(Some),
            Some(b'&') => self.reference(at).map(|t| Some(Step::Token(t))),
            Some(_) => {
                // Indentation between tags is most text: a short run of whitespace before a tag,
                // found without a vector search.
                let blank_end = self.skip_space(at);
                let next_is_tag = bytes.get(blank_end) == Some(&b'<')
                    && !matches!(bytes.get(blank_end + 1), Some(b'!' | b'?'));
                if blank_end > at && next_is_tag {
                    self.pos = blank_end;
                    return Ok(Some(Step::Token(Token::Blank {
                        text: self.slice(at, blank_end),
                        at,
                    })));
                }
                let end = memchr::memchr2(b'<', b'&', &bytes[at..]).map_or(bytes.len(), |i| at + i);
                self.pos = end;
                Ok(Some(Step::Token(Token::Text {
                    text: self.slice(at, end),
                    at,
                })))
            }
        }
    }

    fn slice(&self, start: usize, end: usize) -> &'i str {
        self.input.get(start..end).unwrap_or_default()
    }

    /// Finds `pattern` from `from`, returning its offset.
    fn find(&self, from: usize, pattern: &[u8]) -> Option<usize> {
        memchr::memmem::find(&self.bytes()[from..], pattern).map(|i| from + i)
    }

    fn reference(&mut self, at: usize) -> Result<Token<'i>, ScanError> {
        let bytes = self.bytes();
        let window = &bytes[at + 1..bytes.len().min(at + 1 + 64)];
        let Some(length) = memchr::memchr(b';', window) else {
            return self.fail(at, "'&' does not start a reference ending in ';'");
        };
        self.pos = at + 1 + length + 1;
        Ok(Token::Reference {
            name: self.slice(at + 1, at + 1 + length),
            at,
        })
    }

    fn markup(
        &mut self,
        at: usize,
        attributes: &mut Vec<(&'i str, &'i str)>,
    ) -> Result<Step<'i>, ScanError> {
        let rest = &self.bytes()[at..];
        if rest.starts_with(b"</") {
            return self.end_tag(at).map(Step::Token);
        }
        if rest.starts_with(b"<!--") {
            let end = self
                .find(at + 4, b"-->")
                .ok_or_else(|| unclosed(at, "comment is not closed with '-->'"))?;
            self.pos = end + 3;
            return Ok(Step::Skipped);
        }
        if rest.starts_with(b"<![CDATA[") {
            let end = self
                .find(at + 9, b"]]>")
                .ok_or_else(|| unclosed(at, "CDATA section is not closed with ']]>'"))?;
            self.pos = end + 3;
            return Ok(Step::Token(Token::CData {
                text: self.slice(at + 9, end),
                at,
            }));
        }
        let declares = |keyword: &[u8]| {
            rest.get(2..2 + keyword.len())
                .is_some_and(|word| word.eq_ignore_ascii_case(keyword))
        };
        if rest.get(1) == Some(&b'!') && (declares(b"DOCTYPE") || declares(b"ENTITY")) {
            // An entity declaration outside a DTD is malformed anyway, and it is rejected as one.
            return Err(ScanError::Dtd);
        }
        if rest.starts_with(b"<?") {
            let end = self
                .find(at + 2, b"?>")
                .ok_or_else(|| unclosed(at, "processing instruction is not closed with '?>'"))?;
            self.pos = end + 2;
            return Ok(Step::Skipped);
        }
        if rest.starts_with(b"<!") {
            return self.fail(at, "unknown markup declaration");
        }
        self.start_tag(at, attributes).map(Step::Token)
    }

    fn end_tag(&mut self, at: usize) -> Result<Token<'i>, ScanError> {
        let name_start = at + 2;
        let name_end = self.name_end(name_start);
        if name_end == name_start {
            return self.fail(at, "end tag without a name");
        }
        let close = self.skip_space(name_end);
        if self.bytes().get(close) != Some(&b'>') {
            return self.fail(close, "end tag is not closed with '>'");
        }
        self.pos = close + 1;
        Ok(Token::End {
            qname: self.slice(name_start, name_end),
            at,
            end: self.pos,
        })
    }

    fn start_tag(
        &mut self,
        at: usize,
        attributes: &mut Vec<(&'i str, &'i str)>,
    ) -> Result<Token<'i>, ScanError> {
        attributes.clear();
        let name_start = at + 1;
        let name_end = self.name_end(name_start);
        if name_end == name_start {
            return self.fail(at, "'<' is not followed by a name");
        }
        let mut pos = name_end;
        loop {
            let after_space = self.skip_space(pos);
            match self.bytes().get(after_space) {
                Some(b'>') => {
                    self.pos = after_space + 1;
                    return Ok(self.start(name_start, name_end, at, None));
                }
                Some(b'/') if self.bytes().get(after_space + 1) == Some(&b'>') => {
                    self.pos = after_space + 2;
                    return Ok(self.start(name_start, name_end, at, Some(self.pos)));
                }
                Some(b'/') => return self.fail(after_space, "'/' is not followed by '>'"),
                Some(_) if after_space > pos => pos = self.attribute(after_space, attributes)?,
                Some(_) => return self.fail(pos, "attributes must be separated by whitespace"),
                None => return self.fail(at, "start tag is not closed before the end of the text"),
            }
        }
    }

    fn start(
        &self,
        name_start: usize,
        name_end: usize,
        at: usize,
        empty_end: Option<usize>,
    ) -> Token<'i> {
        Token::Start {
            qname: self.slice(name_start, name_end),
            at,
            empty_end,
        }
    }

    /// Reads `name = "value"` at `at` and returns the offset after the closing quote.
    fn attribute(
        &self,
        at: usize,
        attributes: &mut Vec<(&'i str, &'i str)>,
    ) -> Result<usize, ScanError> {
        let name_end = self.name_end(at);
        if name_end == at {
            return self.fail(at, "expected an attribute name");
        }
        let equals = self.skip_space(name_end);
        if self.bytes().get(equals) != Some(&b'=') {
            return self.fail(equals, "attribute name is not followed by '='");
        }
        let open = self.skip_space(equals + 1);
        let quote = match self.bytes().get(open) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return self.fail(open, "attribute value is not quoted"),
        };
        let Some(length) = memchr::memchr(quote, &self.bytes()[open + 1..]) else {
            return self.fail(open, "attribute value is not closed");
        };
        let close = open + 1 + length;
        if attributes.len() >= self.max_attributes as usize {
            return Err(ScanError::TooManyAttributes(self.max_attributes));
        }
        attributes.push((self.slice(at, name_end), self.slice(open + 1, close)));
        Ok(close + 1)
    }

    /// Returns the end of the name at `from`: XML name characters, with any non-ASCII character
    /// allowed (the text is valid UTF-8 already).
    fn name_end(&self, from: usize) -> usize {
        let bytes = self.bytes();
        let starts_well = bytes
            .get(from)
            .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b':') || *b >= 0x80);
        if !starts_well {
            return from;
        }
        let rest = bytes.get(from + 1..).unwrap_or_default();
        let length = rest
            .iter()
            .position(|b| !NAME_BYTES[usize::from(*b)])
            .unwrap_or(rest.len());
        from + 1 + length
    }

    fn skip_space(&self, from: usize) -> usize {
        let bytes = self.bytes();
        let mut at = from;
        while bytes
            .get(at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            at += 1;
        }
        at
    }
}

/// The bytes that may continue a name: ASCII letters and digits, `_ : - .`, and every byte of a
/// non-ASCII character. A table lookup per byte is cheaper than the comparisons it replaces.
const NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] =
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-' | b'.') || b >= 0x80;
        byte += 1;
    }
    table
};

/// The reason scanning stopped.
pub(super) enum ScanError {
    Malformed(Malformed),
    Dtd,
    /// A start tag has more attributes than the limit.
    TooManyAttributes(u32),
}

impl ScanError {
    pub(super) fn into_error(self, input: &str, path: String) -> Error {
        match self {
            ScanError::Dtd => Error::Dtd,
            ScanError::TooManyAttributes(limit) => Error::TooManyNodes { limit },
            ScanError::Malformed(Malformed { at, message }) => Error::Syntax {
                pos: super::build::text_pos(input, at),
                path,
                message: message.to_owned(),
            },
        }
    }
}

/// Tells whether a chunk has a control character other than tab, line feed and carriage return,
/// or an EF byte. The loop has no early exit and no branches, so the compiler turns it into
/// vector instructions.
fn has_suspect_byte(chunk: &[u8]) -> bool {
    let mut found = 0u8;
    for &b in chunk {
        let control = u8::from(b < 0x20) & u8::from(b != b'\t') & u8::from(b != b'\n');
        found |= (control & u8::from(b != b'\r')) | u8::from(b == 0xEF);
    }
    found != 0
}

/// Finds the first character that XML 1.0 §2.2 does not allow anywhere in a document: the C0
/// controls other than tab, line feed and carriage return, and U+FFFE and U+FFFF. (A `&str`
/// contains no surrogates.)
pub(super) fn forbidden_char(input: &str) -> Option<(usize, char)> {
    // U+FFFE and U+FFFF are EF BF BE and EF BF BF; a chunk is looked at byte by byte only when
    // it contains a control character or an EF byte, which Dutch text seldom has.
    let suspect = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF;
    let bytes = input.as_bytes();
    let mut start = 0;
    for chunk in bytes.chunks(64) {
        if has_suspect_byte(chunk) {
            for (i, &b) in chunk.iter().enumerate() {
                let at = start + i;
                if b < 0x20 && suspect(b) {
                    return Some((at, char::from(b)));
                }
                if b == 0xEF && bytes.get(at + 1) == Some(&0xBF) {
                    match bytes.get(at + 2) {
                        Some(0xBE) => return Some((at, '\u{FFFE}')),
                        Some(0xBF) => return Some((at, '\u{FFFF}')),
                        _ => {}
                    }
                }
            }
        }
        start += chunk.len();
    }
    None
}
