/// The kind of a metric family, as the exposition formats name it.
public enum MetricType: String, Sendable, Hashable {
    case counter
    case gauge
    case histogram
}
