//! Builds a [`Document`] from the scanner's tokens and checks what the scanner leaves to it:
//! matching end tags, a single root, bound prefixes, known references and unique attributes.

use std::borrow::Cow;
// foldhash: a fast hash with a random seed per process, so that chosen prefixes cannot make
// every lookup collide.
use foldhash::HashMap;

use super::scan::{Scanner, Token};
use super::{
    AttrData, DECODED, Document, Error, LAST_CHILD, NONE, NodeData, TEXT, TextPos, XML_NS, same,
};

/// Parses `input` into a tree of at most `max_nodes` nodes and attributes, nested at most
/// `max_depth` levels.
pub(super) fn parse(input: &str, max_nodes: u32, max_depth: u32) -> Result<Document<'_>, Error> {
    if u32::try_from(input.len()).map_or(true, |len| len >= DECODED) {
        return Err(Error::TooBig);
    }
    if let Some((at, c)) = super::scan::forbidden_char(input) {
        return Err(Error::Syntax {
            pos: text_pos(input, at),
            path: "/".to_owned(),
            message: format!("character U+{:04X} is not allowed in XML", u32::from(c)),
        });
    }
    let mut builder = Builder::new(input, max_nodes);
    builder.max_depth = max_depth as usize;
    let mut scanner = Scanner::new(input).limit_attributes(max_nodes);
    let mut attributes = Vec::new();
    while let Some(token) = scanner
        .next(&mut attributes)
        .map_err(|error| error.into_error(input, builder.path_or_root()))?
    {
        match token {
            Token::Start {
                qname,
                at,
                empty_end,
            } => builder.open(qname, &attributes, at, empty_end)?,
            Token::End { qname, at, end } => builder.close(qname, at, end)?,
            Token::Text { text, at } => builder.raw_text(text, at)?,
            Token::Blank { text, at } => builder.blank_text(text, at)?,
            Token::CData { text, at } => builder.literal_text(text, at)?,
            Token::Reference { name, at } => builder.reference(name, at)?,
        }
    }
    builder.finish()
}

/// Converts a byte offset into a line and column, for error messages only.
pub(super) fn text_pos(input: &str, offset: usize) -> TextPos {
    let offset = offset.min(input.len());
    let before = input.get(..offset).unwrap_or(input);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let column = before.get(line_start..).map_or(0, |l| l.chars().count()) + 1;
    TextPos {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    }
}

/// The namespace that `xmlns` declarations may not bind (XML Namespaces, section 3).
const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// Up to this many bindings in scope, a prefix is looked up by a scan from the innermost one.
/// Beyond, it is looked up in a map, so that hostile text cannot make every lookup slow.
const FEW_BINDINGS: usize = 32;

/// Up to this many attributes in a start tag, duplicates are found by comparing each pair.
/// Beyond, they are found by sorting.
const FEW_ATTRIBUTES: usize = 16;

/// The maximum number of levels that an error path shows.
const PATH_LEVELS: usize = 64;

/// A prefix bound by a namespace declaration.
struct Binding<'i> {
    prefix: &'i str,
    namespace: u16,
    /// The index of the outer binding of the same prefix that this one hides, or [`NONE`].
    hides: u32,
}

/// An element whose end tag has not been read yet.
struct Open<'i> {
    node: u32,
    last_child: u32,
    qname: &'i str,
    /// The number of prefix bindings before this element's declarations.
    scope: usize,
}

/// Text read since the last tag, possibly in several pieces (references, CDATA, comments between).
enum Pending {
    None,
    /// One piece that is a slice of the input.
    Slice {
        offset: u32,
        len: u32,
        blank: bool,
    },
    /// Pieces joined at the end of the decoded buffer, from this offset.
    Joined {
        offset: u32,
        blank: bool,
    },
}

struct Builder<'i> {
    input: &'i str,
    max_nodes: u32,
    max_depth: usize,
    doc: Document<'i>,
    stack: Vec<Open<'i>>,
    /// The bindings in scope, outermost first; an element's own are dropped at its end tag.
    bindings: Vec<Binding<'i>>,
    /// The index in `bindings` of the innermost binding of each prefix in scope.
    in_scope: HashMap<&'i str, u32>,
    /// The id of each namespace URI in `doc.namespaces`.
    namespace_ids: HashMap<Cow<'i, str>, u16>,
    /// The namespace declarations read so far, which count towards the node limit.
    declarations: usize,
    pending: Pending,
    root_closed: bool,
}

impl<'i> Builder<'i> {
    fn new(input: &'i str, max_nodes: u32) -> Self {
        // Indented HL7v3 answers have about one node and one attribute per 45 bytes (the
        // Ketenzorg examples: 40 to 70). Starting near the final size saves the copies of growing
        // from empty; `finish` gives back what is left over.
        let estimate = (input.len() / 48).min(max_nodes as usize);
        let doc = Document {
            input,
            nodes: Vec::with_capacity(estimate),
            attrs: Vec::with_capacity(estimate),
            namespaces: vec![Cow::Borrowed(""), Cow::Borrowed(XML_NS)],
            decoded: String::new(),
        };
        Builder {
            input,
            max_nodes,
            max_depth: usize::MAX,
            doc,
            stack: Vec::new(),
            bindings: vec![Binding {
                prefix: "xml",
                namespace: 1,
                hides: NONE,
            }],
            in_scope: [("xml", 0)].into_iter().collect(),
            namespace_ids: [(Cow::Borrowed(""), 0), (Cow::Borrowed(XML_NS), 1)]
                .into_iter()
                .collect(),
            declarations: 0,
            pending: Pending::None,
            root_closed: false,
        }
    }

    /// Returns `part`, a slice the scanner cut from the input, with its offset in the input.
    fn locate(&self, part: &str) -> Result<(u32, &'i str), Error> {
        let base = self.input.as_ptr() as usize;
        let start = (part.as_ptr() as usize).wrapping_sub(base);
        let slice = self
            .input
            .get(start..start.saturating_add(part.len()))
            .ok_or(Error::TooBig)?;
        Ok((u32::try_from(start).map_err(|_| Error::TooBig)?, slice))
    }

    /// Returns the path of the open element for error messages: its innermost [`PATH_LEVELS`] levels,
    /// after `/…` when there are more, so that hostile nesting cannot make an error huge.
    fn path(&self) -> String {
        let skipped = self.stack.len().saturating_sub(PATH_LEVELS);
        let mut path = String::new();
        if skipped > 0 {
            path.push_str("/…");
        }
        for open in &self.stack[skipped..] {
            path.push('/');
            path.push_str(local_part(open.qname));
        }
        path
    }

    fn path_or_root(&self) -> String {
        match self.stack.is_empty() {
            true => "/".to_owned(),
            false => self.path(),
        }
    }

    fn pos(&self, offset: usize) -> TextPos {
        text_pos(self.input, offset)
    }

    fn open(
        &mut self,
        qname: &'i str,
        attributes: &[(&'i str, &'i str)],
        start: usize,
        empty_end: Option<usize>,
    ) -> Result<(), Error> {
        self.flush_text()?;
        if self.root_closed {
            return Err(Error::SecondRoot {
                pos: self.pos(start),
            });
        }
        if self.stack.len() >= self.max_depth {
            return Err(Error::TooDeep {
                limit: u32::try_from(self.max_depth).unwrap_or(u32::MAX),
                path: self.path(),
            });
        }
        let name_offset = u32::try_from(start + 1).map_err(|_| Error::TooBig)?;
        let scope = self.bindings.len();
        self.bind_declarations(attributes, scope)?;

        let Some((prefix, local)) = qualified(qname) else {
            return Err(Error::Syntax {
                pos: self.pos(start),
                path: self.path_or_root(),
                message: format!("{} is not a qualified name", shorten(qname)),
            });
        };
        let namespace = self.resolve(prefix, qname, true)?;
        let local_len = u16::try_from(local.len()).map_err(|_| Error::TooBig)?;
        let local_offset = name_offset + (qname.len() - local.len()) as u32;
        let id = self.push_node(NodeData {
            parent: self.stack.last().map_or(NONE, |open| open.node),
            next_sibling: NONE,
            attr_start: self.doc.attrs.len() as u32,
            offset: local_offset,
            name: u32::from(local_len) | (u32::from(namespace) << 16),
            end: 0,
        })?;
        self.stack.push(Open {
            node: id,
            last_child: NONE,
            qname,
            scope,
        });
        self.store_attributes(attributes)?;

        match empty_end {
            Some(end) => self.finish_element(end),
            None => Ok(()),
        }
    }

    /// Binds the namespace declarations of a start tag before its names are resolved, since a
    /// declaration may follow the attribute that uses its prefix.
    fn bind_declarations(
        &mut self,
        attributes: &[(&'i str, &'i str)],
        scope: usize,
    ) -> Result<(), Error> {
        for &(key, raw) in attributes {
            if key == "xmlns" {
                self.bind("", raw, scope)?;
            } else if key.starts_with("xmlns:") {
                let (_, prefix) = qualified(key).ok_or_else(|| self.not_qualified(key))?;
                self.bind(prefix, raw, scope)?;
            }
        }
        Ok(())
    }

    fn not_qualified(&self, key: &str) -> Error {
        Error::Attribute {
            path: self.path(),
            message: format!("{} is not a qualified name", shorten(key)),
        }
    }

    fn bind(&mut self, prefix: &'i str, raw_uri: &'i str, scope: usize) -> Result<(), Error> {
        self.declarations += 1;
        self.count_node()?;
        let hides = self.in_scope.get(prefix).copied().unwrap_or(NONE);
        if hides != NONE && hides as usize >= scope {
            return Err(self.bad_declaration(prefix, "is declared twice"));
        }

        let uri = self.decode_value(raw_uri)?;
        // XML Namespaces, section 3: the reserved prefixes and names, and no undeclaring.
        if prefix == "xmlns" {
            return Err(self.bad_declaration(prefix, "cannot be declared"));
        }
        if uri == XMLNS_NS {
            return Err(self.bad_declaration(prefix, "cannot be bound to the xmlns namespace"));
        }
        if prefix == "xml" && uri != XML_NS {
            return Err(self.bad_declaration(prefix, "must be bound to the xml namespace"));
        }
        if prefix != "xml" && uri == XML_NS {
            return Err(self.bad_declaration(prefix, "cannot be bound to the xml namespace"));
        }
        if !prefix.is_empty() && uri.is_empty() {
            return Err(self.bad_declaration(prefix, "cannot be bound to an empty namespace name"));
        }

        let id = match self.namespace_ids.get(uri.as_ref()) {
            Some(id) => *id,
            // Id u16::MAX is left unused: with a 65,535-byte local name it would make the node's
            // name word read as TEXT.
            None if self.doc.namespaces.len() >= usize::from(u16::MAX) => {
                return Err(Error::TooBig);
            }
            None => {
                let id = self.doc.namespaces.len() as u16;
                self.namespace_ids.insert(uri.clone(), id);
                self.doc.namespaces.push(uri);
                id
            }
        };

        let index = u32::try_from(self.bindings.len()).map_err(|_| Error::TooBig)?;
        self.bindings.push(Binding {
            prefix,
            namespace: id,
            hides,
        });
        self.in_scope.insert(prefix, index);
        Ok(())
    }

    fn bad_declaration(&self, prefix: &str, problem: &str) -> Error {
        Error::Attribute {
            path: self.path(),
            message: format!("namespace prefix {:?} {problem}", shorten(prefix)),
        }
    }

    /// Ends the scope of the bindings from `scope` on, bringing back the ones they hid.
    fn unbind(&mut self, scope: usize) {
        while self.bindings.len() > scope {
            let Some(binding) = self.bindings.pop() else {
                break;
            };
            match binding.hides {
                NONE => self.in_scope.remove(binding.prefix),
                outer => self.in_scope.insert(binding.prefix, outer),
            };
        }
    }

    /// Finds the namespace id of a prefix; an unprefixed attribute has no namespace.
    fn resolve(&self, prefix: &str, qname: &str, is_element: bool) -> Result<u16, Error> {
        if prefix.is_empty() && !is_element {
            return Ok(0);
        }
        let found = match self.bindings.len() <= FEW_BINDINGS {
            true => self.bindings.iter().rev().find(|b| same(b.prefix, prefix)),
            false => self
                .in_scope
                .get(prefix)
                .and_then(|index| self.bindings.get(*index as usize)),
        };
        match found {
            Some(binding) => Ok(binding.namespace),
            None if prefix.is_empty() => Ok(0),
            None => Err(Error::UnboundPrefix {
                prefix: shorten(prefix),
                path: format!("{} ({})", self.path(), shorten(qname)),
            }),
        }
    }

    /// Stores the attributes other than namespace declarations.
    fn store_attributes(&mut self, attributes: &[(&'i str, &'i str)]) -> Result<(), Error> {
        let first = self.doc.attrs.len();
        let few = attributes.len() <= FEW_ATTRIBUTES;
        for &(key, raw) in attributes {
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            let (prefix, local) = qualified(key).ok_or_else(|| self.not_qualified(key))?;
            let namespace = self.resolve(prefix, key, false)?;
            let duplicate = few
                && self.doc.attrs[first..]
                    .iter()
                    .any(|a| a.namespace == namespace && same(self.doc.attr_local(a), local));
            if duplicate {
                return Err(self.duplicate_attribute(key));
            }
            let (local_offset, _) = self.locate(local)?;
            let (value_offset, value_len) = self.store_value(raw)?;
            self.count_node()?;
            self.doc.attrs.push(AttrData {
                local_offset,
                local_len: u16::try_from(local.len()).map_err(|_| Error::TooBig)?,
                namespace,
                value_offset,
                value_len,
            });
        }
        if !few {
            let mut names: Vec<(u16, &str)> = self.doc.attrs[first..]
                .iter()
                .map(|a| (a.namespace, self.doc.attr_local(a)))
                .collect();
            names.sort_unstable();
            if let Some(pair) = names.windows(2).find(|pair| pair[0] == pair[1]) {
                return Err(self.duplicate_attribute(pair[0].1));
            }
        }
        Ok(())
    }

    fn duplicate_attribute(&self, name: &str) -> Error {
        Error::Attribute {
            path: self.path(),
            message: format!("{} appears twice", shorten(name)),
        }
    }

    /// Stores an attribute value: the input slice when it needs no normalisation.
    fn store_value(&mut self, raw: &'i str) -> Result<(u32, u32), Error> {
        match self.decode_value(raw)? {
            Cow::Borrowed(value) => {
                let (offset, _) = self.locate(value)?;
                Ok((offset, value.len() as u32))
            }
            Cow::Owned(value) => {
                let offset = self.doc.decoded.len() as u32;
                self.doc.decoded.push_str(&value);
                Ok((offset, value.len() as u32 | DECODED))
            }
        }
    }

    fn decode_value(&self, raw: &'i str) -> Result<Cow<'i, str>, Error> {
        normalise_value(raw).map_err(|bad| match bad {
            BadValue::LessThan => Error::Attribute {
                path: self.path(),
                message: "a value contains '<'".to_owned(),
            },
            BadValue::Reference(name) => self.unknown_reference(name),
        })
    }

    fn expand(&self, name: &str) -> Result<char, Error> {
        expand_reference(name).ok_or_else(|| self.unknown_reference(name))
    }

    fn unknown_reference(&self, name: &str) -> Error {
        Error::UnknownReference {
            name: shorten(name),
            path: self.path(),
        }
    }

    fn close(&mut self, found: &str, start: usize, end: usize) -> Result<(), Error> {
        self.flush_text()?;
        match self.stack.last() {
            None => Err(Error::UnmatchedEnd {
                found: shorten(found),
                pos: self.pos(start),
            }),
            Some(open) if !same(open.qname, found) => Err(Error::MismatchedEnd {
                found: shorten(found),
                pos: self.pos(start),
                path: self.path(),
            }),
            Some(_) => self.finish_element(end),
        }
    }

    fn finish_element(&mut self, end: usize) -> Result<(), Error> {
        if let Some(open) = self.stack.pop() {
            self.doc.nodes[open.node as usize].end =
                u32::try_from(end).map_err(|_| Error::TooBig)?;
            self.unbind(open.scope);
            // Every node is at least one byte of a text under 2 GiB, so the index fits beside
            // the flag. The last child, and the root, learn where their subtree ends.
            let subtree_end = self.doc.nodes.len() as u32 | LAST_CHILD;
            if open.last_child != NONE {
                self.doc.nodes[open.last_child as usize].next_sibling = subtree_end;
            }
            if self.stack.is_empty() {
                self.doc.nodes[open.node as usize].next_sibling = subtree_end;
            }
        }
        self.root_closed = self.stack.is_empty();
        Ok(())
    }

    /// Takes whitespace before a tag: the tag ends any text, so the whitespace is kept only when
    /// it joins text read before it (after a reference, say).
    fn blank_text(&mut self, text: &str, start: usize) -> Result<(), Error> {
        if matches!(self.pending, Pending::None) {
            return Ok(());
        }
        self.raw_text(text, start)
    }

    fn raw_text(&mut self, text: &str, start: usize) -> Result<(), Error> {
        let blank = text
            .bytes()
            .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        if self.stack.is_empty() {
            return if blank {
                Ok(())
            } else {
                Err(Error::TextOutsideRoot {
                    pos: self.pos(start),
                })
            };
        }
        self.add_text(text, blank)
    }

    /// Adds text from the input, its line ends read as LF (XML 1.0 §2.11: CR LF and a lone CR),
    /// in text and CDATA sections alike.
    fn add_text(&mut self, text: &str, blank: bool) -> Result<(), Error> {
        if memchr::memchr(b'\r', text.as_bytes()).is_some() {
            let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
            return self.add_piece(&normalised, None, blank);
        }
        let (offset, _) = self.locate(text)?;
        self.add_piece(text, Some(offset), blank)
    }

    fn literal_text(&mut self, text: &str, start: usize) -> Result<(), Error> {
        if self.stack.is_empty() {
            return Err(Error::TextOutsideRoot {
                pos: self.pos(start),
            });
        }
        self.add_text(text, false)
    }

    fn reference(&mut self, name: &str, start: usize) -> Result<(), Error> {
        if self.stack.is_empty() {
            return Err(Error::TextOutsideRoot {
                pos: self.pos(start),
            });
        }
        let c = self.expand(name)?;
        let mut buffer = [0u8; 4];
        self.add_piece(c.encode_utf8(&mut buffer), None, false)
    }

    /// Adds a piece of text; `offset` is its place in the input when it is a slice of it.
    fn add_piece(&mut self, piece: &str, offset: Option<u32>, blank: bool) -> Result<(), Error> {
        self.pending = match (&self.pending, offset) {
            (Pending::None, Some(offset)) => Pending::Slice {
                offset,
                len: u32::try_from(piece.len()).map_err(|_| Error::TooBig)?,
                blank,
            },
            (Pending::None, None) => {
                let start = self.doc.decoded.len() as u32;
                self.doc.decoded.push_str(piece);
                Pending::Joined {
                    offset: start,
                    blank,
                }
            }
            (
                Pending::Slice {
                    offset: first,
                    len,
                    blank: was_blank,
                },
                _,
            ) => {
                let start = self.doc.decoded.len() as u32;
                let (first, len) = (*first as usize, *len as usize);
                let earlier = self.input.get(first..first + len).unwrap_or_default();
                let blank = *was_blank && blank;
                self.doc.decoded.push_str(earlier);
                self.doc.decoded.push_str(piece);
                Pending::Joined {
                    offset: start,
                    blank,
                }
            }
            (
                Pending::Joined {
                    offset: start,
                    blank: was_blank,
                },
                _,
            ) => {
                let joined = Pending::Joined {
                    offset: *start,
                    blank: *was_blank && blank,
                };
                self.doc.decoded.push_str(piece);
                joined
            }
        };
        Ok(())
    }

    /// Turns the pending text into a text node, unless it is only whitespace between tags.
    fn flush_text(&mut self) -> Result<(), Error> {
        let (offset, len) = match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None | Pending::Slice { blank: true, .. } => return Ok(()),
            Pending::Joined {
                offset,
                blank: true,
            } => {
                self.doc.decoded.truncate(offset as usize);
                return Ok(());
            }
            Pending::Slice { offset, len, .. } => (offset, len),
            Pending::Joined { offset, .. } => {
                let len = self.doc.decoded.len() as u32 - offset;
                (offset, len | DECODED)
            }
        };
        self.push_node(NodeData {
            parent: self.stack.last().map_or(NONE, |open| open.node),
            next_sibling: NONE,
            attr_start: self.doc.attrs.len() as u32,
            offset,
            name: TEXT,
            end: len,
        })?;
        Ok(())
    }

    fn count_node(&self) -> Result<(), Error> {
        let count = self.doc.nodes.len() + self.doc.attrs.len() + self.declarations;
        if count >= self.max_nodes as usize {
            return Err(Error::TooManyNodes {
                limit: self.max_nodes,
            });
        }
        Ok(())
    }

    /// Appends a node and links it as the last child of the open element.
    fn push_node(&mut self, data: NodeData) -> Result<u32, Error> {
        self.count_node()?;
        let id = self.doc.nodes.len() as u32;
        self.doc.nodes.push(data);
        if let Some(open) = self.stack.last_mut() {
            if open.last_child != NONE {
                self.doc.nodes[open.last_child as usize].next_sibling = id;
            }
            open.last_child = id;
        }
        Ok(id)
    }

    fn finish(mut self) -> Result<Document<'i>, Error> {
        self.flush_text()?;
        if !self.stack.is_empty() {
            return Err(Error::Unclosed { path: self.path() });
        }
        if self.doc.nodes.is_empty() {
            return Err(Error::NoRoot);
        }
        // The vectors grew by doubling; the tree lives on while the FHIR resources are built.
        self.doc.nodes.shrink_to_fit();
        self.doc.attrs.shrink_to_fit();
        self.doc.decoded.shrink_to_fit();
        Ok(self.doc)
    }
}

/// The reason an attribute value is not accepted.
pub(super) enum BadValue<'a> {
    LessThan,
    Reference(&'a str),
}

/// Expands references and turns tabs and line ends into spaces (XML 1.0 §3.3.3,
/// attribute-value normalisation for CDATA attributes).
pub(super) fn normalise_value(raw: &str) -> Result<Cow<'_, str>, BadValue<'_>> {
    if !needs_normalising(raw.as_bytes()) {
        return Ok(Cow::Borrowed(raw));
    }
    let mut value = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find(['&', '<', '\t', '\n', '\r']) {
        value.push_str(&rest[..at]);
        let (special, after) = rest[at..].split_at(1);
        rest = after;
        match special {
            "<" => return Err(BadValue::LessThan),
            "&" => {
                let end = rest.find(';').ok_or(BadValue::Reference(rest))?;
                let name = &rest[..end];
                value.push(expand_reference(name).ok_or(BadValue::Reference(name))?);
                rest = &rest[end + 1..];
            }
            _ => {
                // A CR LF pair is one line end, so it becomes one space.
                if special == "\r" && rest.starts_with('\n') {
                    rest = &rest[1..];
                }
                value.push(' ');
            }
        }
    }
    value.push_str(rest);
    Ok(Cow::Owned(value))
}

/// Tells whether a value has `&`, `<`, a tab or a line end. The text has no other control
/// characters (`parse` rejects them first), so any byte below 0x20 counts. Eight bytes are tested
/// at once with word arithmetic, since most values have none of these.
fn needs_normalising(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Sets the high bit of each byte of `word` that is below `limit` (for bytes below 0x80).
    let below = |word: u64, limit: u8| word.wrapping_sub(ONES * u64::from(limit)) & !word & HIGHS;
    let zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let word = u64::from_le_bytes(eight);
        let found = below(word, 0x20) | zero(word ^ (ONES * 0x26)) | zero(word ^ (ONES * 0x3C));
        if found != 0 {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|b| matches!(b, b'&' | b'<' | b'\t' | b'\n' | b'\r'))
}

/// Expands the text between `&` and `;`: a predefined entity or a character reference.
fn expand_reference(name: &str) -> Option<char> {
    let predefined = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    };
    if predefined.is_some() {
        return predefined;
    }
    // The digits alone: `from_str_radix` would also take a sign.
    let number = match name.strip_prefix("#x") {
        Some(hex) if hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).ok()
        }
        Some(_) => None,
        None => name
            .strip_prefix('#')
            .filter(|dec| dec.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|dec| dec.parse().ok()),
    };
    number.and_then(char::from_u32).filter(|c| is_xml_char(*c))
}

/// Splits a name into prefix and local name, the prefix empty when there is none, if it is a
/// qualified name (XML Namespaces, section 4): at most one colon, with a name on either side.
/// The scanner has checked the characters and the start of the whole name.
fn qualified(name: &str) -> Option<(&str, &str)> {
    match colon(name) {
        None => Some(("", name)),
        Some(at) => {
            let (prefix, local) = (name.get(..at)?, name.get(at + 1..)?);
            let local_starts_well = local
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b >= 0x80);
            let fine = !prefix.is_empty() && local_starts_well && colon(local).is_none();
            fine.then_some((prefix, local))
        }
    }
}

/// Returns the offset of the first colon. Names are short, and a byte loop beat the library's char
/// search for them.
fn colon(name: &str) -> Option<usize> {
    name.bytes().position(|b| b == b':')
}

/// Returns the start of a name or reference for an error message, since hostile text can make
/// them long.
fn shorten(name: &str) -> String {
    name.chars().take(40).collect()
}

fn local_part(qname: &str) -> &str {
    qualified(qname).map_or(qname, |(_, local)| local)
}

/// XML 1.0 §2.2: the characters a document may contain.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}
