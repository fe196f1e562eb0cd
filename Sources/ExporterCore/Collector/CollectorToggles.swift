/// The collectors chosen node_exporter's way: `--collector.<name>` turns one on,
/// `--no-collector.<name>` turns one off, `--collector.disable-defaults` starts from none.
///
/// Each setting remembers the argument that made it, so a contradiction or a conflict with
/// `--collectors` is refused in the words the user wrote.
public struct CollectorToggles: Sendable, Equatable {
    /// What a toggle turns on or off.
    public enum Subject: Hashable, Sendable {
        /// `--collector.disable-defaults`: on means no collector runs unless turned on.
        case disableDefaults
        /// A collector, by its name.
        case collector(String)
    }

    public struct Setting: Sendable, Equatable {
        public let on: Bool
        /// The argument that said so (`--no-collector.proc`).
        public let argument: String
    }

    public private(set) var settings: [Subject: Setting] = [:]

    public init() {}

    /// True when nothing was toggled.
    public var isEmpty: Bool { settings.isEmpty }

    /// The arguments that toggled something, in a stable order (for messages).
    public var arguments: [String] { settings.values.map(\.argument).sorted() }

    /// Records one toggle. Turning the same thing on and off in one place is a contradiction,
    /// not "the last one wins": it is a mistake in a command line, never an intent.
    public mutating func set(_ subject: Subject, on: Bool, argument: String) throws(CollectorFlagError) {
        if let earlier = settings[subject], earlier.on != on {
            throw CollectorFlagError("\(earlier.argument) and \(argument) contradict each other; give one of them")
        }
        settings[subject] = Setting(on: on, argument: argument)
    }

    /// These settings with `later`'s taking the place of any for the same subject: the command
    /// line's over the config file's.
    public func overridden(by later: CollectorToggles) -> CollectorToggles {
        var merged = self
        merged.settings.merge(later.settings) { _, newer in newer }
        return merged
    }

    /// The same settings, each argument marked as coming from `origin` (`--config.file x.yml`).
    public func attributed(to origin: String) -> CollectorToggles {
        var marked = self
        marked.settings = settings.mapValues { Setting(on: $0.on, argument: "\($0.argument) (\(origin))") }
        return marked
    }

    /// The collectors these toggles leave running, in the registry's order: the default set (none
    /// after `--collector.disable-defaults`), plus those turned on, less those turned off.
    public func select(from registry: CollectorRegistry) -> [any Collector.Type] {
        let startFromNone = settings[.disableDefaults]?.on ?? false
        return registry.types.filter { type in
            settings[.collector(type.name)]?.on ?? (type.enabledByDefault && !startFromNone)
        }
    }
}
