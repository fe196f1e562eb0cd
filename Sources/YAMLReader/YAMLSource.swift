/// A document's characters as libyaml indexes them (Unicode scalars, the byte order mark not
/// counted), for looking around the place of an error.
struct YAMLSource {
    private let characters: [Unicode.Scalar]

    init(_ text: String) {
        var characters = Array(text.unicodeScalars)
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        self.characters = characters
    }

    var count: Int { characters.count }

    /// The character at `index`; nil outside the text.
    subscript(index: Int) -> Unicode.Scalar? {
        characters.indices.contains(index) ? characters[index] : nil
    }

    /// How many spaces and tabs come right before `mark` on its line.
    func blanks(before mark: YAMLMark) -> Int {
        var count = 0
        while count < mark.column, let character = self[mark.index - count - 1], character == " " || character == "\t" { count += 1 }
        return count
    }

    /// Only spaces and tabs between the start of the line and `mark`.
    func startsItsLine(_ mark: YAMLMark) -> Bool {
        blanks(before: mark) == mark.column
    }

    /// Where the value of a `key: ` written earlier on the same line as `mark` starts, if there is one.
    func valueStartBefore(_ mark: YAMLMark) -> YAMLMark? {
        let lineStart = mark.index - mark.column
        var index = lineStart
        while index + 1 < mark.index {
            if self[index] == ":", self[index + 1] == " " || self[index + 1] == "\t" {
                var value = index + 1
                while value < mark.index, self[value] == " " || self[value] == "\t" { value += 1 }
                return YAMLMark(index: value, line: mark.line, column: value - lineStart)
            }
            index += 1
        }
        return nil
    }

    /// Where the flow entry that `mark` is in starts: the first character after the `{`, `[` or
    /// `,` before it that is not blank.
    func entryStart(before mark: YAMLMark) -> YAMLMark {
        var index = mark.index
        while index > 0, let character = self[index - 1], !["{", "[", ","].contains(character) { index -= 1 }
        while let character = self[index], [" ", "\t", "\n", "\r"].contains(character) { index += 1 }
        return self.mark(of: index)
    }

    /// Line and column of a character index, counting line breaks as libyaml does (LF, CR LF, CR).
    func mark(of index: Int) -> YAMLMark {
        var line = 0
        var lineStart = 0
        for position in 0..<min(index, characters.count) {
            let character = characters[position]
            if character == "\n" || (character == "\r" && self[position + 1] != "\n") {
                line += 1
                lineStart = position + 1
            }
        }
        return YAMLMark(index: index, line: line, column: index - lineStart)
    }
}
