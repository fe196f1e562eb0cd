import ArgumentParser

/// A flag's value its conversion refused, in the words the exporter uses for usage errors: the
/// flag, the value and why (`--log.level must be debug, info, warn or error, not "LOUD"`).
///
/// Flags are converted when the command line is parsed (the `transform:` of each `@Option`), and
/// ArgumentParser words such a failure itself, as "The value '…' is invalid for '--flag <x>':"
/// followed by ours. Ours already names the flag and the value, and scripts and people read these
/// lines, so `Main` prints ours alone, as a validation error: one line with the flag, the value
/// and why.
struct FlagRefusal: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }

    /// The refusal an ArgumentParser error carries, if it carries one. ArgumentParser keeps the
    /// error a conversion threw (it prints it) but offers no way to ask for it, so it is looked
    /// for among the error's stored values.
    static func carried(by error: any Error) -> FlagRefusal? {
        func search(_ value: Any, depth: Int) -> FlagRefusal? {
            if let refusal = value as? FlagRefusal { return refusal }
            guard depth < 6 else { return nil }
            for child in Mirror(reflecting: value).children {
                if let found = search(child.value, depth: depth + 1) { return found }
            }
            return nil
        }
        return search(error, depth: 0)
    }

    /// The error `Main` reports: ArgumentParser formats it exactly as a failed `validate()`.
    var asValidationError: ValidationError { ValidationError(description) }
}

extension ArgumentHelp {
    /// Help for a flag the exporter converts itself. ArgumentParser shows "(default: …)" only for
    /// values it converts, so the default is written out here, in the same words.
    init(_ abstract: String, valueName: String, default shown: String) {
        self.init("\(abstract) (default: \(shown))", valueName: valueName)
    }
}
