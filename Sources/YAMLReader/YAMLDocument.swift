/// Reads the YAML that configuration files are written in, with libyaml.
///
/// Block and flow collections, every scalar style and comments are read as libyaml reads them;
/// what a configuration file does not need is refused by name instead of half-supported (anchors
/// and aliases, tags, explicit `?` keys, directives, several documents in one file), and so are
/// duplicate keys and keys that are collections. libyaml's reasons for refusing a broken document
/// are given in this reader's words where it has some (`YAMLError+LibYAML.swift`).
///
/// libyaml is a C library without Foundation: Yams, the Swift YAML library, needs Foundation's
/// regular expressions, which bring ICU, about 8 MB of resident memory on every node of a cluster
/// (see ARCHITECTURE.md). The test suite checks this reader against Yams.
public enum YAMLDocument {
    /// The document's root node, or nil for a document with no content (empty or only comments).
    public static func parse(_ text: String) throws(YAMLError) -> YAMLNode? {
        let bytes = Array(text.utf8)
        // Only the scanner tells an explicit key from an implicit one: a pass of its own, taken
        // only when the text has a "?" at all.
        let explicitKey = bytes.contains(UInt8(ascii: "?")) ? LibYAMLParser.firstExplicitKey(in: bytes) : nil
        let explicitKeyError = explicitKey.map { YAMLError("explicit keys (\"? key\") are not supported", at: $0) }
        var builder = YAMLTreeBuilder()
        func refusal(_ failure: LibYAMLParser.Failure) -> YAMLError {
            // Whatever comes first in the text is reported: the explicit key, or a fault before it.
            if let explicitKey, let explicitKeyError, failure.problemMark.index >= explicitKey.index { return explicitKeyError }
            return YAMLError(failure, text: text, bytes: bytes, depth: builder.depth)
        }
        var parser: LibYAMLParser
        do {
            parser = try LibYAMLParser(bytes)
        } catch {
            throw refusal(error)
        }
        while !builder.isComplete {
            let event: YAMLEvent
            do {
                event = try parser.next()
            } catch {
                throw refusal(error)
            }
            if let explicitKey, let explicitKeyError, event.start.index >= explicitKey.index { throw explicitKeyError }
            try builder.add(event)
        }
        return builder.root
    }
}
