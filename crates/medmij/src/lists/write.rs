//! A small pretty-printing XML writer for the list documents.

/// Writes elements with four-space indentation under a default namespace.
pub(crate) struct XmlWriter {
    output: String,
    stack: Vec<&'static str>,
}

impl XmlWriter {
    /// Starts a document with the XML declaration and the root element in `namespace`.
    pub(crate) fn new(root: &'static str, namespace: &str) -> Self {
        let mut output = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        output.push('<');
        output.push_str(root);
        output.push_str(" xmlns=\"");
        output.push_str(&escape(namespace));
        output.push_str("\">\n");
        Self {
            output,
            stack: vec![root],
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.stack.len() {
            self.output.push_str("    ");
        }
    }

    /// Opens a child element.
    pub(crate) fn open(&mut self, name: &'static str) {
        self.indent();
        self.output.push('<');
        self.output.push_str(name);
        self.output.push_str(">\n");
        self.stack.push(name);
    }

    /// Closes the innermost open element.
    pub(crate) fn close(&mut self) {
        if let Some(name) = self.stack.pop() {
            self.indent();
            self.output.push_str("</");
            self.output.push_str(name);
            self.output.push_str(">\n");
        }
    }

    /// Writes an element with text content.
    pub(crate) fn text(&mut self, name: &'static str, value: &str) {
        self.indent();
        self.output.push('<');
        self.output.push_str(name);
        self.output.push('>');
        self.output.push_str(&escape(value));
        self.output.push_str("</");
        self.output.push_str(name);
        self.output.push_str(">\n");
    }

    /// Closes all open elements and returns the document.
    pub(crate) fn finish(mut self) -> String {
        while !self.stack.is_empty() {
            self.close();
        }
        self.output
    }
}

/// Escapes text for element content and attribute values.
pub(crate) fn escape(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\r' => escaped.push_str("&#13;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_nests_and_escapes() {
        let mut writer = XmlWriter::new("Root", "urn:x");
        writer.open("A");
        writer.text("B", "x<&>\"y");
        let xml = writer.finish();
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Root xmlns=\"urn:x\">\n    <A>\n        <B>x&lt;&amp;&gt;&quot;y</B>\n    </A>\n</Root>\n"
        );
    }
}
