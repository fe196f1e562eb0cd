/// The elements of a comma-separated HTTP header such as `Accept` or `Accept-Encoding`
/// (RFC 9110 §5.6): `type/subtype;name=value;name="quoted, value"`, each with its parameters.
/// Commas and semicolons inside a quoted string belong to the value; `\\` escapes the next
/// character there. Names are lowercased, values are unquoted.
public struct HeaderElement: Sendable, Equatable {
    public var value: String
    public var parameters: [(name: String, value: String)]

    public static func == (lhs: HeaderElement, rhs: HeaderElement) -> Bool {
        lhs.value == rhs.value && lhs.parameters.elementsEqual(rhs.parameters) { $0.name == $1.name && $0.value == $1.value }
    }

    /// The value of parameter `name` (lowercase), if present.
    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// The quality (`q`): 1 when absent, 0 when it is not a number.
    public var quality: Double {
        guard let text = parameter("q") else { return 1 }
        return Double(text) ?? 0
    }

    public static func parse(_ header: String) -> [HeaderElement] {
        var elements: [HeaderElement] = []
        var fields: [String] = []  // the current element's value and its parameters, as written
        var field = ""
        var quoted = false
        var escaped = false
        func endField() {
            fields.append(field)
            field = ""
        }
        func endElement() {
            endField()
            if let element = element(from: fields) { elements.append(element) }
            fields = []
        }
        for character in header {
            if escaped {
                field.append(character)
                escaped = false
            } else if quoted {
                switch character {
                case "\\": escaped = true
                case "\"": quoted = false
                default: field.append(character)
                }
            } else {
                switch character {
                case "\"": quoted = true
                case ";": endField()
                case ",": endElement()
                default: field.append(character)
                }
            }
        }
        endElement()
        return elements
    }

    private static func element(from fields: [String]) -> HeaderElement? {
        let value = fields[0].trimmedWhitespace.lowercased()
        guard !value.isEmpty else { return nil }
        let parameters = fields.dropFirst().compactMap { field -> (name: String, value: String)? in
            let pair = field.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            return (pair[0].trimmedWhitespace.lowercased(), pair[1].trimmedWhitespace)
        }
        return HeaderElement(value: value, parameters: parameters)
    }
}
