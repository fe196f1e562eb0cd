// yams-oracle: how Yams reads YAML documents, for YAMLReaderTests to compare with.
//
// A process of its own because Yams carries its own copy of libyaml: linked into the test bundle,
// its symbols would stand in for the system libyaml that YAMLReader ships with, and the tests would
// no longer test what the exporter runs.
//
//   yams-oracle FILE    FILE holds documents, each as "<byte count>\n<bytes>"; one line out for each:
//                       "refused" (Yams cannot read it), "unconvertible" (an alias, or a key that is
//                       a collection), or "<number of documents> <the first one's tree>" in the
//                       one-line rendering of YAMLReaderTests' `TreeRendering`.
import Foundation
import Yams

func render(_ node: Node) -> String? {
    switch node {
    case .scalar(let scalar):
        let mark = switch scalar.style {
        case .singleQuoted: "'"
        case .doubleQuoted: "\""
        case .literal: "|"
        case .folded: ">"
        default: ""
        }
        return mark + String(reflecting: scalar.string)
    case .sequence(let sequence):
        var items: [String] = []
        for item in sequence {
            guard let rendered = render(item) else { return nil }
            items.append(rendered)
        }
        return "[" + items.joined(separator: ", ") + "]"
    case .mapping(let mapping):
        var entries: [String] = []
        for (key, value) in mapping {
            guard case .scalar(let key) = key, let rendered = render(value) else { return nil }
            entries.append(String(reflecting: key.string) + ": " + rendered)
        }
        return "{" + entries.joined(separator: ", ") + "}"
    case .alias:
        return nil
    }
}

func reading(_ text: String) -> String {
    guard let parser = try? Parser(yaml: text) else { return "refused" }
    var documents: [Node] = []
    do {
        while let document = try parser.nextRoot() { documents.append(document) }
    } catch {
        return "refused"
    }
    guard let first = documents.first else { return "0 (no document)" }
    guard let rendered = render(first) else { return "unconvertible" }
    return "\(documents.count) \(rendered)"
}

let arguments = CommandLine.arguments
guard arguments.count == 2, let input = FileManager.default.contents(atPath: arguments[1]) else {
    FileHandle.standardError.write(Data("usage: yams-oracle FILE\n".utf8))
    exit(2)
}
let bytes = [UInt8](input)
var position = 0
var output = ""
while position < bytes.count {
    guard let newline = bytes[position...].firstIndex(of: UInt8(ascii: "\n")),
          let count = Int(String(decoding: bytes[position..<newline], as: UTF8.self)), newline + 1 + count <= bytes.count else {
        FileHandle.standardError.write(Data("yams-oracle: bad framing at byte \(position)\n".utf8))
        exit(2)
    }
    let text = String(decoding: bytes[(newline + 1)..<(newline + 1 + count)], as: UTF8.self)
    output += reading(text) + "\n"
    position = newline + 1 + count
}
FileHandle.standardOutput.write(Data(output.utf8))
