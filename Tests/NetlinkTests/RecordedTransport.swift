@testable import Netlink

/// A netlink transport that answers from datagrams recorded from a kernel, the way mdlayher/netlink's
/// `nltest` answers from a function: each request sent takes the next entry of `answers`, and
/// its datagrams are read one by one. Requests are numbered 1, 2, 3, … so a test can give its
/// datagrams the number of the request they answer (`Datagram.numbered`) or another one.
final class RecordedTransport: NetlinkTransport {
    struct Sent: Equatable {
        let type: UInt16
        let flags: UInt16
        let sequence: UInt32
    }

    private var answers: [[[UInt8]]]
    private var pending: [[UInt8]] = []
    private(set) var sent: [Sent] = []

    init(answers: [[[UInt8]]]) {
        self.answers = answers
    }

    func send(_ request: NetlinkRequest, context: String) throws(NetlinkError) -> UInt32 {
        request.sequence = UInt32(sent.count + 1)
        sent.append(Sent(type: request.type, flags: request.flags, sequence: request.sequence))
        if !answers.isEmpty { pending += answers.removeFirst() }
        return request.sequence
    }

    /// The next datagram; once none is left, what a kernel that says nothing more gives: a timeout.
    func receive(into buffer: UnsafeMutableRawBufferPointer, context: String) throws(NetlinkError) -> Int {
        guard !pending.isEmpty else { throw .timeout(context: context) }
        let datagram = pending.removeFirst()
        buffer.copyBytes(from: datagram)
        return datagram.count
    }
}

/// Recorded datagrams changed the way a test needs them: renumbered, flagged, cut into messages.
enum Datagram {
    /// The raw messages of `datagram`, each with its padding.
    static func messages(_ datagram: [UInt8]) -> [[UInt8]] {
        var messages: [[UInt8]] = []
        var offset = 0
        while offset < datagram.count {
            let length = Int(UInt32(datagram[offset]) | UInt32(datagram[offset + 1]) << 8
                             | UInt32(datagram[offset + 2]) << 16 | UInt32(datagram[offset + 3]) << 24)
            let end = min(datagram.count, offset + NetlinkAttributes.align(length))
            messages.append(Array(datagram[offset..<end]))
            offset = end
        }
        return messages
    }

    /// Every message of `datagram` with sequence number `sequence` and `flags` added to its own.
    static func numbered(_ datagram: [UInt8], _ sequence: UInt32, addingFlags flags: UInt16 = 0) -> [UInt8] {
        messages(datagram).flatMap { message in
            var message = message
            withUnsafeBytes(of: sequence.littleEndian) { message.replaceSubrange(8..<12, with: $0) }
            message[6] |= UInt8(flags & 0xFF)
            message[7] |= UInt8(flags >> 8)
            return message
        }
    }

    /// A copy of a one-message datagram whose first 32-bit payload word (an error or DONE code) is `code`.
    static func withCode(_ datagram: [UInt8], _ code: Int32) -> [UInt8] {
        var copy = datagram
        withUnsafeBytes(of: code.littleEndian) { copy.replaceSubrange(16..<20, with: $0) }
        return copy
    }
}
