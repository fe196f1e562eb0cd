/// Addresses in numeric order: IPv4 addresses by value (10.0.0.9 before 10.0.0.10, as ipvsadm
/// shows them), before anything else in text order. The dial ring's order of peers and the order
/// of backends and findings in the mesh consistency report.
public enum AddressOrder {
    public static func precedes(_ a: String, _ b: String) -> Bool {
        switch (ipv4(a), ipv4(b)) {
        case let (x?, y?): x < y
        case (_?, nil): true
        case (nil, _?): false
        case (nil, nil): a < b
        }
    }

    /// A text whose order is `precedes`': for sorting many addresses, or a list of labels.
    public static func key(_ address: String) -> String {
        guard let value = ipv4(address) else { return "6" + address }
        let digits = String(value)
        return "4" + String(repeating: "0", count: 10 - digits.count) + digits
    }

    /// `elements` in the order of their addresses, each key computed once.
    public static func sorted<Element>(_ elements: [Element], by address: (Element) -> String) -> [Element] {
        guard elements.count > 1 else { return elements }
        return elements.map { (key(address($0)), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static func ipv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".")
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let octet = UInt8(part) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }
}
