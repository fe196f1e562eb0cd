/// A scalar exactly as written: its text after quoting, escapes and folding are undone, and the
/// style it was written in.
public struct YAMLScalar: Sendable, Hashable {
    public enum Style: Sendable, Hashable {
        case plain
        case singleQuoted
        case doubleQuoted
        /// `|` block scalar.
        case literal
        /// `>` block scalar.
        case folded
    }

    public let text: String
    public let style: Style

    public init(text: String, style: Style) {
        self.text = text
        self.style = style
    }

    /// The plain null forms of YAML's core schema: empty, `~`, `null`, `Null`, `NULL`.
    public var isNull: Bool {
        style == .plain && Self.nullForms.contains(text)
    }

    /// The boolean a plain scalar stands for: `true`/`false` in YAML 1.2's three spellings, and the
    /// YAML 1.1 forms (`yes`, `no`, `on`, `off`) that Go's YAML decoder and libyaml-based tools also
    /// take for booleans. Quoted scalars are strings, never booleans.
    public var bool: Bool? {
        guard style == .plain else { return nil }
        if Self.trueForms.contains(text) { return true }
        if Self.falseForms.contains(text) { return false }
        return nil
    }

    static let nullForms: Set = ["", "~", "null", "Null", "NULL"]
    static let trueForms: Set = ["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"]
    static let falseForms: Set = ["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"]
}
