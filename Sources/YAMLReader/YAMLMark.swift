import CYAML

/// A place in a document as libyaml counts it: 0-based character index, line and column.
struct YAMLMark: Sendable, Equatable {
    var index: Int
    var line: Int
    var column: Int

    /// The start of the text.
    static let start = YAMLMark(index: 0, line: 0, column: 0)

    init(index: Int, line: Int, column: Int) {
        self.index = index
        self.line = line
        self.column = column
    }

    init(_ mark: yaml_mark_t) {
        self.init(index: Int(mark.index), line: Int(mark.line), column: Int(mark.column))
    }

    /// The place `count` characters to the left on the same line.
    func back(_ count: Int) -> YAMLMark {
        YAMLMark(index: index - count, line: line, column: column - count)
    }
}
