import Foundation
import TestSupport
import YAMLReader

/// How Yams reads a document, as the `yams-oracle` executable reports it. The oracle is a process of
/// its own because Yams carries its own copy of libyaml, which would stand in for the system
/// libyaml in the test bundle (Tests/YamsOracle/main.swift).
enum YamsReading: Equatable, CustomStringConvertible {
    case refused
    /// Read, but with an alias or a key that is a collection, which a `YAMLNode` cannot hold.
    case unconvertible
    /// `first`: the first document's tree in `TreeRendering`'s form.
    case read(documents: Int, first: String)

    /// The tree `Yams.compose` gives: the only document's (or "(no document)"); nil when Yams
    /// refuses the text or finds several documents in it.
    var composed: String? {
        switch self {
        case .refused: nil
        case .unconvertible: "(unconvertible)"
        case .read(let documents, let first): documents <= 1 ? first : nil
        }
    }

    var description: String {
        switch self {
        case .refused: "refused"
        case .unconvertible: "unconvertible"
        case .read(let documents, let first): "\(documents) document(s), the first \(first)"
        }
    }
}

enum YamsOracle {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `$YAMS_ORACLE_BIN`, or the binary `swift build` put beside the test bundle.
    static var binary: String { BuiltExecutable.path("yams-oracle", unlessSetIn: "YAMS_ORACLE_BIN") }

    /// How Yams reads each of `texts`, in one run of the oracle.
    static func read(_ texts: [String]) throws -> [YamsReading] {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("yams-oracle-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: input) }
        var framed = Data()
        for text in texts {
            framed.append(Data("\(text.utf8.count)\n".utf8))
            framed.append(Data(text.utf8))
        }
        try framed.write(to: input)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let answer = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: "\(binary) exited with \(process.terminationStatus)") }
        let lines = String(decoding: answer, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard lines.count == texts.count else { throw Failure(description: "\(binary) answered \(lines.count) of \(texts.count) documents") }
        return lines.map { line in
            if line == "refused" { return .refused }
            if line == "unconvertible" { return .unconvertible }
            let space = line.firstIndex(of: " ") ?? line.endIndex
            return .read(documents: Int(line[..<space]) ?? -1, first: String(line[space...].dropFirst()))
        }
    }

    static func read(_ text: String) throws -> YamsReading {
        try read([text])[0]
    }
}

/// A tree on one line, for comparing with the oracle's and for failure messages: a scalar is its
/// style's mark (none, `'`, `"`, `|`, `>`) and its text as a Swift literal.
enum TreeRendering {
    static func line(_ node: YAMLNode?) -> String {
        guard let node else { return "(no document)" }
        switch node {
        case .scalar(let scalar):
            let mark = switch scalar.style {
            case .plain: ""
            case .singleQuoted: "'"
            case .doubleQuoted: "\""
            case .literal: "|"
            case .folded: ">"
            }
            return mark + String(reflecting: scalar.text)
        case .sequence(let items):
            return "[" + items.map { line($0) }.joined(separator: ", ") + "]"
        case .mapping(let mapping):
            return "{" + mapping.entries.map { String(reflecting: $0.key) + ": " + line($0.value) }.joined(separator: ", ") + "}"
        }
    }
}
