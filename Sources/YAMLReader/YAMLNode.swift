/// One node of a YAML document: a scalar, a sequence or a mapping.
///
/// Scalars keep their text and style; what they mean (a boolean, null, a number) is decided by
/// whoever reads them (`YAMLScalar.bool`, `YAMLScalar.isNull`), because a quoted "true" is a string
/// and a plain `true` is not.
public indirect enum YAMLNode: Sendable, Equatable {
    case scalar(YAMLScalar)
    case sequence([YAMLNode])
    case mapping(YAMLMapping)

    /// The node of an empty value (`key:` with nothing after it).
    public static let empty = YAMLNode.scalar(YAMLScalar(text: "", style: .plain))

    /// True for the plain null forms (`~`, `null`, an empty value).
    public var isNull: Bool {
        if case .scalar(let scalar) = self { return scalar.isNull }
        return false
    }

    /// How an error message names what was found instead of what was expected.
    public var kind: String {
        switch self {
        case .scalar(let scalar): scalar.isNull ? "empty" : "a single value"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}
