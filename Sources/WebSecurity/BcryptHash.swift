import CCrypt

/// A bcrypt password hash as `htpasswd -B` writes it: `$2y$`, `$2b$` or `$2a$`, a two-digit cost,
/// then 22 characters of salt and 31 of hash. Checked with libxcrypt's `crypt_r`.
public struct BcryptHash: Sendable, Equatable, CustomStringConvertible {
    public let text: String

    /// The costs bcrypt defines; above 16 a single check takes seconds, which would let one client
    /// stall the server, so such hashes are refused when the file is read.
    public static let costs = 4...16

    public init(_ text: String) throws(WebConfigError) {
        let bytes = Array(text.utf8)
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
              [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]), bytes[3] == UInt8(ascii: "$"),
              bytes[6] == UInt8(ascii: "$"),
              let cost = Int(String(decoding: bytes[4..<6], as: UTF8.self)),
              bytes[7...].allSatisfy(Self.isBcryptBase64)
        else {
            throw WebConfigError("not a bcrypt hash ($2y$, $2b$ or $2a$, as made by `htpasswd -nB USER`)")
        }
        guard Self.costs.contains(cost) else {
            throw WebConfigError("bcrypt cost \(cost) is outside \(Self.costs.lowerBound)…\(Self.costs.upperBound)")
        }
        self.text = text
    }

    /// Whether `password` hashes to this hash. Takes the time bcrypt's cost asks for.
    public func matches(_ password: String) -> Bool {
        // A NUL would end the C string early: such a password never matches.
        guard !password.utf8.contains(0) else { return false }
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer { data.deallocate() }
        data.initialize(to: crypt_data())
        guard let result = crypt_r(password, text, data) else { return false }
        return Self.constantTimeEqual(Array(text.utf8), Array(String(cString: result).utf8))
    }

    public var description: String { "bcrypt hash (cost \(text.dropFirst(4).prefix(2)))" }

    static func isBcryptBase64(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: false
        }
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
