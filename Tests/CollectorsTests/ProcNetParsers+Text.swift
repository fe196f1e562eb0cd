@testable import Collectors

/// The parsers on text, as the tests write their inputs; the exporter itself hands them the
/// file's bytes.
extension ProcNetParsers {
    static func pairedTable(_ text: String, file: String) throws -> [ProcNetValue] {
        try pairedTable(Array(text.utf8), file: file).namedValues
    }

    static func singleColumn(_ text: String, file: String) throws -> [ProcNetValue] {
        try singleColumn(Array(text.utf8), file: file).namedValues
    }

    static func sockstat(_ text: String, file: String) throws -> [ProcNetValue] {
        try sockstat(Array(text.utf8), file: file).namedValues
    }
}
