public import ExporterCore
import NIOConcurrencyHelpers

/// Which /proc/net fields the proc collector exports and their families, shared by the readers of
/// every namespace: the kernel gives every namespace the same field names, so the field filter runs
/// and a family is built once per name, not once per namespace (1,000 namespaces would otherwise
/// keep 1,000 copies of the same few hundred names and families).
final class ProcFieldCatalog: Sendable {
    private let fields: NameFilter
    /// nil: the field is not exported.
    private let known = NIOLockedValueBox<[String: MetricDescriptor?]>([:])

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
}
