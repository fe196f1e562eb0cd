import ExporterCore
import NIOConcurrencyHelpers

/// Which /proc/net fields the proc collector exports and their families, shared by the readers of
/// every namespace: the kernel gives every namespace the same field names, so the field filter runs,
/// a family is built and a file's selection is worked out once per name and layout, not once per
/// namespace (1,000 namespaces would otherwise keep 1,000 copies of the same few hundred names,
/// families and positions: about 16 KB per namespace).
final class ProcFieldCatalog: Sendable {
    private let fields: NameFilter
    /// nil: the field is not exported.
    private let known = NIOLockedValueBox<[String: MetricDescriptor?]>([:])
    /// The selections made so far, per source (one per layout the kernel has shown: in practice one).
    private let selections = NIOLockedValueBox<[ProcFields.Source: [ProcSelection]]>([:])
    /// More layouts than this for one file means something other than a kernel is writing it; their
    /// selections are then made for the reader that asked and not remembered.
    private static let layoutsRemembered = 4

    init(fields: NameFilter) {
        self.fields = fields
    }

    /// The family of `field` of `source`, or nil when the field filter rejects it (sockstat
    /// fields are always exported).
    func descriptor(_ source: ProcFields.Source, _ field: String) -> MetricDescriptor? {
        let key = source.prefix + field
        if let decided = known.withLockedValue({ $0[key] }) { return decided }
        let exported = source == .sockstat || source == .sockstat6 || fields.accepts(field)
        let decided = exported ? ProcFields.descriptor(source: source, field: field) : nil
        known.withLockedValue { $0[key] = decided }
        return decided
    }

    /// What is exported of a table of `source` with this table's field names.
    func selection(for table: ProcNetTable, of source: ProcFields.Source) -> ProcSelection {
        if let shared = selections.withLockedValue({ $0[source]?.first { $0.layout == table.layout } }) { return shared }
        let exported = table.names.enumerated().compactMap { index, name in
            descriptor(source, name).map { ProcSelection.Field(index: index, descriptor: $0) }
        }
        let made = ProcSelection(layout: table.layout, exported: exported)
        return selections.withLockedValue { selections in
            // Another namespace may have made the same one meanwhile: keep a single copy.
            if let shared = selections[source]?.first(where: { $0.layout == made.layout }) { return shared }
            if selections[source, default: []].count < Self.layoutsRemembered { selections[source, default: []].append(made) }
            return made
        }
    }
}

/// The exported fields of a /proc/net table with one layout of field names: their positions in the
/// table and their families.
final class ProcSelection: Sendable {
    struct Field: Sendable {
        let index: Int
        let descriptor: MetricDescriptor
    }

    /// The field names, each followed by a 0 byte (`ProcNetTable.layout`).
    let layout: [UInt8]
    let exported: [Field]

    init(layout: [UInt8], exported: [Field]) {
        self.layout = layout
        self.exported = exported
    }
}
