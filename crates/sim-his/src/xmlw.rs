//! A small element writer over quick-xml, used for the answer wrappers and the generated payloads.

use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// Errors while writing XML text.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The writer failed; writing into memory only fails on a bug.
    #[error("writing XML failed: {0}")]
    Io(#[from] std::io::Error),
    /// The output was not UTF-8, which only happens on a bug.
    #[error("written XML is not UTF-8: {0}")]
    Utf8(#[from] std::string::FromUtf8Error),
}

/// Writes indented XML into memory and keeps the first error until [`XmlWriter::finish`].
pub(crate) struct XmlWriter {
    writer: Writer<Vec<u8>>,
    error: Option<std::io::Error>,
}

impl XmlWriter {
    pub(crate) fn new() -> Self {
        Self {
            writer: Writer::new_with_indent(Vec::new(), b' ', 2),
            error: None,
        }
    }

    fn write(&mut self, event: Event<'_>) {
        if self.error.is_none()
            && let Err(error) = self.writer.write_event(event)
        {
            self.error = Some(error);
        }
    }

    fn start<'a>(name: &'a str, attributes: &[(&'a str, &'a str)]) -> BytesStart<'a> {
        BytesStart::new(name).with_attributes(attributes.iter().copied())
    }

    /// Writes an element whose content is written by `content`.
    pub(crate) fn element(
        &mut self,
        name: &str,
        attributes: &[(&str, &str)],
        content: impl FnOnce(&mut Self),
    ) {
        self.write(Event::Start(Self::start(name, attributes)));
        content(self);
        self.write(Event::End(BytesEnd::new(name)));
    }

    /// Writes an element without content.
    pub(crate) fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.write(Event::Empty(Self::start(name, attributes)));
    }

    /// Writes an element that contains only text (escaped here).
    pub(crate) fn leaf(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.write(Event::Start(Self::start(name, attributes)));
        self.write(Event::Text(BytesText::new(text)));
        self.write(Event::End(BytesEnd::new(name)));
    }

    /// Writes an `II` element such as `id`.
    pub(crate) fn ii(&mut self, name: &str, root: &str, extension: &str) {
        self.empty(name, &[("root", root), ("extension", extension)]);
    }

    /// Copies already well-formed XML text as it is, on a new line.
    pub(crate) fn raw(&mut self, xml: &str) {
        if self.error.is_none()
            && let Err(error) = self.writer.write_indent()
        {
            self.error = Some(error);
        }
        self.write(Event::Text(BytesText::from_escaped(xml)));
    }

    /// Returns the written text, or the first error.
    pub(crate) fn finish(self) -> Result<String, WriteError> {
        if let Some(error) = self.error {
            return Err(WriteError::Io(error));
        }
        Ok(String::from_utf8(self.writer.into_inner())?)
    }
}

/// Formats a date as an HL7v3 `TS` of day precision (`YYYYMMDD`).
pub(crate) fn ts_date(date: Date) -> String {
    format!(
        "{:04}{:02}{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Formats a local date and time as an HL7v3 `TS` of minute precision (`YYYYMMDDHHMM`).
pub(crate) fn ts_minute(at: PrimitiveDateTime) -> String {
    format!("{}{:02}{:02}", ts_date(at.date()), at.hour(), at.minute())
}

/// Formats a moment as an HL7v3 `TS` of second precision in UTC (`YYYYMMDDHHMMSS`).
pub(crate) fn ts_second(at: OffsetDateTime) -> String {
    format!(
        "{}{:02}{:02}{:02}",
        ts_date(at.date()),
        at.hour(),
        at.minute(),
        at.second()
    )
}
