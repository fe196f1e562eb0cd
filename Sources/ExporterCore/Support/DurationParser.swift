/// Parses durations the way Prometheus tools write them: `250ms`, `15s`, `1m30s`, `2h`, or a bare
/// number of seconds (`1.5`).
public enum DurationParser {
    /// The longest duration accepted (ten years): beyond it `Duration` arithmetic could trap.
    static let limit = 315_360_000.0

    public static func parse(_ text: String) -> Duration? {
        if let seconds = Double(text) { return seconds.isFinite && seconds >= 0 && seconds <= limit ? .seconds(seconds) : nil }
        var total = 0.0
        var number = ""
        var unit = ""
        var sawPart = false
        func flush() -> Bool {
            guard let value = Double(number), value.isFinite, value >= 0 else { return false }
            let scale: Double
            switch unit {
            case "ms": scale = 0.001
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: return false
            }
            total += value * scale
            guard total <= limit else { return false }
            number = ""
            unit = ""
            sawPart = true
            return true
        }
        for character in text {
            if character.isNumber || character == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(character)
            } else if character.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(character)
            } else {
                return nil
            }
        }
        guard !number.isEmpty, flush(), sawPart else { return nil }
        return .seconds(total)
    }
}
