import TestSupport

/// Writes random YAML documents in the subset YAMLReader reads: nested block mappings and
/// sequences (compact and not), flow collections, plain scalars over one or several lines, quoted
/// scalars with escapes and folds, literal and folded block scalars with every chomping, comments,
/// empty lines, document markers, CRLF line ends. Indentation width varies per node.
struct RandomDocumentWriter {
    var generator: SeededGenerator
    private var lines: [String] = []
    private var keyCounter = 0

    init(generator: SeededGenerator) {
        self.generator = generator
    }

    mutating func document() -> String {
        lines = []
        if chance(0.1) { lines.append("# a generated document") }
        if chance(0.15) { lines.append("---") }
        switch Int.random(in: 0..<10, using: &generator) {
        case 0: lines.append(flowCollection(depth: 1))
        case 1, 2: blockSequence(indent: 0, depth: 0)
        default: blockMapping(indent: 0, depth: 0)
        }
        if chance(0.1) { lines.append("...") }
        let lineEnd = chance(0.1) ? "\r\n" : "\n"
        return lines.joined(separator: lineEnd) + (chance(0.9) ? lineEnd : "")
    }

    // MARK: - Block collections

    private mutating func blockMapping(indent: Int, depth: Int, firstLinePrefix: String? = nil) {
        let count = Int.random(in: 1...4, using: &generator)
        for index in 0..<count {
            let prefix = index == 0 ? (firstLinePrefix ?? pad(indent)) : pad(indent)
            interleaveNoise(indent: indent)
            let key = self.key()
            blockValue(after: prefix + key + ":", indent: indent, depth: depth, sequenceMayShareIndent: true)
        }
    }

    private mutating func blockSequence(indent: Int, depth: Int, firstLinePrefix: String? = nil) {
        let count = Int.random(in: 1...4, using: &generator)
        for index in 0..<count {
            let prefix = index == 0 ? (firstLinePrefix ?? pad(indent)) : pad(indent)
            interleaveNoise(indent: indent)
            if depth < 3, chance(0.25) {
                // Compact: the item's collection starts on the "- " line.
                let inner = indent + 2
                if chance(0.6) {
                    blockMapping(indent: inner, depth: depth + 1, firstLinePrefix: prefix + "- ")
                } else {
                    blockSequence(indent: inner, depth: depth + 1, firstLinePrefix: prefix + "- ")
                }
            } else {
                blockValue(after: prefix + "-", indent: indent, depth: depth, sequenceMayShareIndent: false)
            }
        }
    }

    /// The value after `key:` or `-` (already in `head`), inline or on the lines below.
    private mutating func blockValue(after head: String, indent: Int, depth: Int, sequenceMayShareIndent: Bool) {
        let width = Int.random(in: 1...4, using: &generator)
        let choice = Int.random(in: 0..<12, using: &generator)
        if depth < 3, choice < 3 {
            lines.append(head + trailingComment())
            blockMapping(indent: indent + width, depth: depth + 1)
        } else if depth < 3, choice < 5 {
            lines.append(head + trailingComment())
            let shareIndent = sequenceMayShareIndent && chance(0.3)
            blockSequence(indent: shareIndent ? indent : indent + width, depth: depth + 1)
        } else if choice < 6 {
            blockScalar(after: head, parentIndent: indent, width: width)
        } else if choice < 7 {
            lines.append(head + " " + flowCollection(depth: depth + 1) + trailingComment())
        } else if choice < 8 {
            lines.append(head + trailingComment())  // empty value
        } else if choice < 9 {
            multiLinePlain(after: head, indent: indent + width)
        } else {
            lines.append(head + " " + scalar(inFlow: false) + trailingComment())
        }
    }

    // MARK: - Scalars

    private mutating func scalar(inFlow: Bool) -> String {
        switch Int.random(in: 0..<6, using: &generator) {
        case 0: return singleQuoted()
        case 1: return doubleQuoted()
        default: return plain(inFlow: inFlow)
        }
    }

    private mutating func plain(inFlow: Bool) -> String {
        // libyaml (and Go's port of it) take "?" and ":" at the start of a flow entry as indicators.
        let blockOnly = ["a#b", "x[0]", "a,b", "50%", "key=value, more", "http://host:9100/metrics", "?q", ":c"]
        let anywhere = ["alpha", "two words", "true", "False", "yes", "off", "null", "~", "123", "-1", "1.5e3", "0x1F", "ünïcødé ✓",
                        "$2y$10$abcdefghij./ABCDEFGHIJ", "Tcp_.*|Udp_.*", "tasks.web", "-dash", "a:b", "it's", "say \"x\"",
                        "TLS12", "max-age=31536000", "back\\slash"]
        let pool = inFlow ? anywhere : anywhere + blockOnly
        return pool.randomElement(using: &generator)!
    }

    private mutating func singleQuoted() -> String {
        let texts = ["", "it's", "a: b", "# not a comment", "  spaced  ", "[x]", "two\u{9}tab", "\\n stays"]
        let text = texts.randomElement(using: &generator)!
        return "'" + text.replacingAll("'", with: "''") + "'"
    }

    private mutating func doubleQuoted() -> String {
        let texts = ["", "plain", "say \\\"hi\\\"", "\\t tab \\n line", "\\u00e9\\x41\\U0001F600", "back\\\\slash", "a: b # c",
                     "\\/ \\0 \\e \\N \\_", "  spaced  ", "'single'"]
        return "\"" + texts.randomElement(using: &generator)! + "\""
    }

    private mutating func multiLinePlain(after head: String, indent: Int) {
        let words = ["first", "second part", "third", "x-y", "more words here"]
        lines.append(head + " " + words.randomElement(using: &generator)!)
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            if chance(0.3) { lines.append("") }
            lines.append(pad(indent) + words.randomElement(using: &generator)!)
        }
    }

    private mutating func blockScalar(after head: String, parentIndent: Int, width: Int) {
        let indicator = chance(0.5) ? "|" : ">"
        let chomping = ["", "-", "+"].randomElement(using: &generator)!
        let contentIndent = parentIndent + width
        // An explicit indentation indicator, needed when the first line starts with spaces.
        let leadingSpaces = chance(0.15)
        let explicit = (leadingSpaces || chance(0.1)) && parentIndent >= 0 ? String(width) : ""
        lines.append(head + " " + indicator + explicit + chomping + (chance(0.2) ? " # block" : ""))
        let words = ["lorem ipsum", "dolor", "sit amet", "consectetur", "a: b", "# not a comment", "- not a list", "'q'"]
        for index in 0..<Int.random(in: 1...5, using: &generator) {
            if index > 0, chance(0.2) { lines.append("") }
            let extra = (index == 0 && leadingSpaces && !explicit.isEmpty) || (index > 0 && chance(0.2)) ? "  " : ""
            lines.append(pad(contentIndent) + extra + words.randomElement(using: &generator)!)
        }
        for _ in 0..<Int.random(in: 0...2, using: &generator) { lines.append("") }
    }

    // MARK: - Flow

    private mutating func flowCollection(depth: Int) -> String {
        let count = Int.random(in: 0...4, using: &generator)
        var items: [String] = []
        let isMapping = chance(0.4)
        var keys: Set<String> = []
        for _ in 0..<count {
            let value = depth < 3 && chance(0.2) ? flowCollection(depth: depth + 1) : scalar(inFlow: true)
            if isMapping {
                var key = plainKey()
                while !keys.insert(key).inserted { key += "x" }
                items.append(chance(0.1) ? key : key + ": " + value)
            } else {
                items.append(value)
            }
        }
        let separator = chance(0.2) ? ",\n" + pad(Int.random(in: 1...6, using: &generator)) : ", "
        let trailing = !items.isEmpty && chance(0.1) ? "," : ""
        return (isMapping ? "{" : "[") + items.joined(separator: separator) + trailing + (isMapping ? "}" : "]")
    }

    // MARK: - Keys, comments, noise

    private mutating func key() -> String {
        keyCounter += 1
        switch Int.random(in: 0..<8, using: &generator) {
        case 0: return "\"quoted key \(keyCounter)\""
        case 1: return "'single \(keyCounter)'"
        default: return plainKey()
        }
    }

    private mutating func plainKey() -> String {
        keyCounter += 1
        let stems = ["key", "Strict-Transport-Security", "conntrack_count", "two words", "x.y", "_under", "a1", "ünï"]
        return stems.randomElement(using: &generator)! + String(keyCounter)
    }

    private mutating func trailingComment() -> String {
        chance(0.15) ? "   # note" : ""
    }

    private mutating func interleaveNoise(indent: Int) {
        if chance(0.08) { lines.append("") }
        if chance(0.08) { lines.append(pad(Int.random(in: 0...indent + 2, using: &generator)) + "# comment") }
    }

    private func pad(_ count: Int) -> String {
        String(repeating: " ", count: count)
    }

    private mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &generator) < probability
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
