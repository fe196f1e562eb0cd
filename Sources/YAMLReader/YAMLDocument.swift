/// Reads the YAML that configuration files are written in.
///
/// This is not a complete YAML implementation: it reads block and flow mappings and sequences,
/// plain, quoted and block (`|`, `>`) scalars, and comments — everything a configuration file
/// needs — and refuses the rest by name (anchors and aliases, tags, explicit `?` keys,
/// directives, several documents in one file) instead of misreading it. Duplicate keys are errors.
///
/// It exists so the exporter does not link Foundation: the YAML library it replaced needed
/// Foundation's regular expressions, which bring ICU, about 8 MB of resident memory on every node
/// of a cluster (see ARCHITECTURE.md). The test suite checks it against that library.
public enum YAMLDocument {
    /// The document's root node, or nil for a document with no content (empty or only comments).
    public static func parse(_ text: String) throws(YAMLError) -> YAMLNode? {
        var parser = YAMLParser(text)
        return try parser.parseDocument()
    }
}
