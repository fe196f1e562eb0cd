import ExporterCore
import YAMLReader

/// `--config.file`: collector options in YAML, for people who prefer a file to long command lines.
///
/// ```yaml
/// collectors:
///   disable-defaults: true        # --collector.disable-defaults
///   ipvs:
///     enabled: true               # --collector.ipvs (false: --no-collector.ipvs)
///   proc:
///     enabled: true
///     file:
///       - conntrack_count=sys/net/netfilter/nf_conntrack_count
///     fields: "Tcp_.*|Udp_.*"
///   dns:
///     host: [tasks.web, tasks.api]
/// ```
///
/// Keys under `collectors` are the collectors' names and options, exactly as in
/// `--collector.<name>.<option>`; `enabled` and `disable-defaults` are the file's spelling of
/// `--collector.<name>`, `--no-collector.<name>` and `--collector.disable-defaults`. The file is
/// turned into those flags and put before the command line's, so it is validated the same way, a
/// value or a toggle given on the command line wins, and repeatable options add up.
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
            text = try ConfigurationFile.read(path)
        } catch {
            throw Failure(description: "--config.file \(path): cannot read it: \(error)")
        }
        return try collectorArguments(fromYAML: text, path: path)
    }

    static func collectorArguments(fromYAML text: String, path: String) throws(Failure) -> [String] {
        let document: YAMLNode?
        do {
            document = try YAMLDocument.parse(text)
        } catch {
            throw Failure(description: "--config.file \(path): not valid YAML: \(error)")
        }
        guard let document, !document.isNull else { return [] }
        guard case .mapping(let root) = document else {
            throw Failure(description: "--config.file \(path): expected a mapping at the top, found \(document.kind)")
        }
        for key in root.keys where key != "collectors" {
            throw Failure(description: "--config.file \(path): unknown key \"\(key)\" (only \"collectors\" is read)")
        }
        guard let collectors = root["collectors"], !collectors.isNull else { return [] }
        guard case .mapping(let byCollector) = collectors else {
            throw Failure(description: "--config.file \(path): \"collectors\" must be a mapping, found \(collectors.kind)")
        }
        var arguments: [String] = []
        for collector in byCollector.entries.sorted(by: { $0.key < $1.key }) {
            if collector.key == CollectorRegistry.disableDefaults {
                let on = try switchValue(collector.value, key: "collectors.\(collector.key)", path: path)
                arguments.append("--collector.\(collector.key)=\(on)")
                continue
            }
            guard case .mapping(let byOption) = collector.value else {
                throw Failure(description: "--config.file \(path): collectors.\(collector.key) must be a mapping of options, found \(collector.value.kind)")
            }
            for option in byOption.entries.sorted(by: { $0.key < $1.key }) {
                if option.key == CollectorRegistry.enabledKey {
                    let on = try switchValue(option.value, key: "collectors.\(collector.key).\(option.key)", path: path)
                    arguments.append("--collector.\(collector.key)=\(on)")
                    continue
                }
                let values: [YAMLNode] = if case .sequence(let items) = option.value { items } else { [option.value] }
                for single in values {
                    guard case .scalar(let scalar) = single, !scalar.isNull else {
                        throw Failure(description: "--config.file \(path): collectors.\(collector.key).\(option.key) must be a value or a list of values")
                    }
                    arguments.append("--collector.\(collector.key).\(option.key)=\(flagValue(scalar))")
                }
            }
        }
        return arguments
    }

    /// `enabled` and `disable-defaults` take a plain boolean only.
    private static func switchValue(_ node: YAMLNode, key: String, path: String) throws(Failure) -> Bool {
        guard case .scalar(let scalar) = node, let on = scalar.bool else {
            throw Failure(description: "--config.file \(path): \(key) must be true or false")
        }
        return on
    }

    /// A plain boolean in any of YAML's spellings becomes `true`/`false`, which the flag parser
    /// takes; every other value is passed as written.
    private static func flagValue(_ scalar: YAMLScalar) -> String {
        if let flag = scalar.bool { return flag ? "true" : "false" }
        return scalar.text
    }
}
