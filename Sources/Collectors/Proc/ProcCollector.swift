public import ExporterCore
import Logging
import NIOConcurrencyHelpers

/// SNMP, netstat and socket statistics of every namespace from its own /proc/net files, plus any
/// single-value /proc file the user names.
public struct ProcCollector: NamespaceCollector {
    public static let name = "proc"
    public static let summary = "Per-namespace /proc/net/snmp, snmp6, netstat and sockstat, plus user-named single-value /proc files."
    public static let enabledByDefault = true
    public static let options: [CollectorOption] = [
        .pattern("fields", default: ProcFields.defaultPattern,
               help: "snmp/snmp6/netstat fields to export (whole-name match on Proto_Field or the snmp6 name, e.g. Tcp_CurrEstab, Ip6InReceives, TcpExt_ListenDrops); '.*' exports all. The default is a short list of drops, errors, retransmits and listen-queue overflows."),
        .pattern("fields-exclude", help: "snmp/snmp6/netstat fields not to export, even if --collector.proc.fields matches them."),
        .repeated("file", placeholder: "NAME=PATH",
                  help: "Also export a single-number /proc file as netns_proc_<NAME>; PATH is relative to /proc (sys/… reads /proc/sys/…, net/… reads the namespace's /proc/thread-self/net/…)."),
    ]
    public static let metrics = ProcFields.documented

    struct CustomFile: Sendable {
        let descriptor: MetricDescriptor
        let path: String
    }

    let catalog: ProcFieldCatalog
    let customFiles: [CustomFile]

    public init(configuration: CollectorConfiguration, environment: CollectorEnvironment) throws {
        catalog = ProcFieldCatalog(fields: configuration.filter(include: "fields", exclude: "fields-exclude"))
        customFiles = try configuration.strings("file").map(Self.customFile)
    }

    /// `NAME=PATH` → the family and the absolute path to open inside the namespace.
    static func customFile(_ text: String) throws -> CustomFile {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw CollectorConfigurationError("--collector.proc.file", "expects NAME=PATH, not \"\(text)\"")
        }
        let metric = "netns_proc_" + parts[0]
        guard MetricName.isValid(metric) else {
            throw CollectorConfigurationError("--collector.proc.file", "name \"\(parts[0])\" makes an invalid metric name \(metric)")
        }
        var relative = parts[1]
        for prefix in ["/proc/thread-self/", "/proc/self/", "/proc/"] where relative.hasPrefix(prefix) {
            relative = String(relative.dropFirst(prefix.count))
            break
        }
        guard !relative.split(separator: "/").contains(".."), !relative.hasPrefix("/") else {
            throw CollectorConfigurationError("--collector.proc.file", "path \"\(parts[1])\" must stay under /proc")
        }
        let absolute = relative.hasPrefix("net/") ? "/proc/thread-self/" + relative : "/proc/" + relative
        return CustomFile(descriptor: .gauge(metric, "The value of \(absolute) in the namespace (--collector.proc.file)."), path: absolute)
    }

    public func open(in namespace: NamespaceDescription) throws -> any NamespaceReader {
        var tables: [(ProcFields.Source, ProcFile)] = []
        for source in ProcFields.Source.allCases {
            let opened = Self.openFile(source.path, rendersInOnePiece: true)
            switch opened {
            case .success(let file): tables.append((source, file))
            case .failure(let failure) where source.isOptional && failure.isMissing: continue
            case .failure(let failure): throw failure
            }
        }
        let files = customFiles.map { ($0, Self.openFile($0.path)) }
        return Reader(tables: tables, files: files, catalog: catalog)
    }

    static func openFile(_ path: String, rendersInOnePiece: Bool = false) -> Result<ProcFile, ProcFile.Failure> {
        do {
            return .success(try ProcFile(path, rendersInOnePiece: rendersInOnePiece))
        } catch {
            return .failure(error)
        }
    }

    final class Reader: NamespaceReader {
        let tables: [(ProcFields.Source, ProcFile)]
        let files: [(CustomFile, Result<ProcFile, ProcFile.Failure>)]
        let catalog: ProcFieldCatalog
        /// Per table, what was exported of it at the last read (shared with every namespace whose
        /// file has the same field names).
        private var selections: [ProcSelection?]

        init(tables: [(ProcFields.Source, ProcFile)], files: [(CustomFile, Result<ProcFile, ProcFile.Failure>)], catalog: ProcFieldCatalog) {
            self.tables = tables
            self.files = files
            self.catalog = catalog
            selections = Array(repeating: nil, count: tables.count)
        }

        func collect(into sink: inout MetricSink, logger: Logger) throws {
            var failures: [String] = []
            for (position, (source, file)) in tables.enumerated() {
                do {
                    let bytes = try file.readBytes()
                    let table: ProcNetTable
                    switch source {
                    case .snmp, .netstat: table = try ProcNetParsers.pairedTable(bytes, file: file.path)
                    case .snmp6: table = try ProcNetParsers.singleColumn(bytes, file: file.path)
                    case .sockstat, .sockstat6: table = try ProcNetParsers.sockstat(bytes, file: file.path)
                    }
                    let selection = select(table, of: source, at: position)
                    for field in selection.exported {
                        let value = table.values[field.index]
                        sink.add(field.descriptor, [], value >= 0 ? .unsigned(UInt64(value)) : .double(Double(value)))
                    }
                } catch {
                    failures.append("\(error)")
                }
            }
            for (custom, opened) in files {
                do {
                    let file = try opened.get()
                    sink.add(custom.descriptor, [], try ProcNetParsers.singleValue(try file.read(), file: file.path))
                } catch {
                    failures.append("\(error)")
                }
            }
            if !failures.isEmpty { throw CollectionFailure(failures.joined(separator: "; ")) }
        }

        /// The last selection when the table's names are the same as then; the catalog's otherwise.
        private func select(_ table: ProcNetTable, of source: ProcFields.Source, at position: Int) -> ProcSelection {
            if let known = selections[position], known.layout == table.layout { return known }
            let selection = catalog.selection(for: table, of: source)
            selections[position] = selection
            return selection
        }
    }
}
