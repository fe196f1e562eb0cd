import Foundation
import Yams

/// `--config.file`: collector options in YAML, for people who prefer a file to long command lines.
///
/// ```yaml
/// collectors:
///   proc:
///     file:
///       - conntrack_count=sys/net/netfilter/nf_conntrack_count
///     fields: "Tcp_.*|Udp_.*"
///   dns:
///     host: [tasks.web, tasks.api]
/// ```
///
/// Keys under `collectors` are the collectors' flag prefixes and options, exactly as in
/// `--collector.<prefix>.<option>`. The file is turned into those flags and put before the command
/// line's, so it is validated the same way, a value given on the command line wins, and repeatable
/// options add up.
enum ConfigFile {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The path given with `--config.file PATH` or `--config.file=PATH`, if any.
    static func path(in arguments: [String]) throws(Failure) -> String? {
        var found: String?
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" { break }
            if argument == "--config.file" {
                guard index + 1 < arguments.endIndex else { throw Failure(description: "--config.file needs a path") }
                found = arguments[index + 1]
                index += 1
            } else if argument.hasPrefix("--config.file=") {
                found = String(argument.dropFirst("--config.file=".count))
            }
            index += 1
        }
        return found
    }

    /// The collector flags the file stands for.
    static func collectorArguments(fromFile path: String) throws(Failure) -> [String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Failure(description: "--config.file \(path): cannot read it: \(error.localizedDescription)")
        }
        return try collectorArguments(fromYAML: text, path: path)
    }

    static func collectorArguments(fromYAML text: String, path: String) throws(Failure) -> [String] {
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw Failure(description: "--config.file \(path): not valid YAML: \(error)")
        }
        guard let document else { return [] }
        guard let root = document as? [String: Any] else { throw Failure(description: "--config.file \(path): expected a mapping at the top") }
        for key in root.keys where key != "collectors" {
            throw Failure(description: "--config.file \(path): unknown key \"\(key)\" (only \"collectors\" is read)")
        }
        guard let collectors = root["collectors"] else { return [] }
        guard let byCollector = collectors as? [String: Any] else { throw Failure(description: "--config.file \(path): \"collectors\" must be a mapping") }
        var arguments: [String] = []
        for (prefix, options) in byCollector.sorted(by: { $0.key < $1.key }) {
            guard let byOption = options as? [String: Any] else {
                throw Failure(description: "--config.file \(path): collectors.\(prefix) must be a mapping of options")
            }
            for (option, value) in byOption.sorted(by: { $0.key < $1.key }) {
                let values = value as? [Any] ?? [value]
                for single in values {
                    guard let scalar = scalarText(single) else {
                        throw Failure(description: "--config.file \(path): collectors.\(prefix).\(option) must be a value or a list of values")
                    }
                    arguments.append("--collector.\(prefix).\(option)=\(scalar)")
                }
            }
        }
        return arguments
    }

    private static func scalarText(_ value: Any) -> String? {
        switch value {
        case let text as String: text
        case let flag as Bool: flag ? "true" : "false"
        case let number as Int: String(number)
        case let number as Double: String(number)
        default: nil
        }
    }
}
