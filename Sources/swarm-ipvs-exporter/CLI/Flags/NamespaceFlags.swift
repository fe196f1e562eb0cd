import ExporterCore

/// `--namespace-path`, `--namespace-include` and `--namespace-exclude`.
enum NamespaceFlags {
    static let defaultPath = "/var/run/docker/netns/ingress_sbox"

    static func path(_ text: String) throws(FlagRefusal) -> String {
        guard !text.isEmpty else { throw FlagRefusal("--namespace-path must not be empty") }
        return text
    }

    static func include(_ text: String) throws(FlagRefusal) -> NamePattern { try pattern(text, flag: "--namespace-include") }

    static func exclude(_ text: String) throws(FlagRefusal) -> NamePattern { try pattern(text, flag: "--namespace-exclude") }

    private static func pattern(_ text: String, flag: String) throws(FlagRefusal) -> NamePattern {
        do {
            return try NamePattern(text)
        } catch {
            throw FlagRefusal("\(flag) is not a valid regular expression: \(error.message)")
        }
    }
}
