#if canImport(Glibc)
import Glibc
#endif

/// Sends one DNS query over UDP or TCP to one server and reads the answer, with a deadline.
struct DNSResolver: Sendable {
    enum Transport: String, Sendable, CaseIterable {
        case udp, tcp
    }

    let server: ProbeEndpoint

    /// The first `nameserver` of /etc/resolv.conf: what the exporter's own lookups use (Docker's
    /// embedded DNS, 127.0.0.11, inside a Swarm task).
    static func systemServer(resolvConf: String = "/etc/resolv.conf") -> ProbeEndpoint? {
        guard let file = fopen(resolvConf, "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let fields = String(cString: line).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            if fields.count >= 2, fields[0] == "nameserver" { return ProbeEndpoint(host: String(fields[1]), port: 53) }
        }
        return nil
    }

    /// A lookup as a stub resolver makes it: over UDP, and again over TCP when the UDP answer came
    /// back truncated (TC). Docker's embedded DNS truncates `tasks.NAME` past about 30 tasks:
    /// taken as it is, a truncated answer would hide the rest of the peers.
    func lookup(_ name: String, type: DNSMessage.RecordType, timeout: Duration) throws(ProbeError) -> DNSMessage.Response {
        let deadline = ContinuousClock.now + timeout
        let answer = try query(name, type: type, transport: .udp, timeout: timeout)
        guard answer.truncated else { return answer }
        return try query(name, type: type, transport: .tcp, timeout: ContinuousClock.now.duration(to: deadline))
    }

    func query(_ name: String, type: DNSMessage.RecordType, transport: Transport, timeout: Duration) throws(ProbeError) -> DNSMessage.Response {
        let deadline = ContinuousClock.now + timeout
        let id = UInt16.random(in: 0...UInt16.max)
        let question: [UInt8]
        do {
            question = try DNSMessage.query(id: id, name: name, type: type)
        } catch {
            throw ProbeError(kind: .other, detail: "\(error)")
        }
        let descriptor = try SocketProbe.connect(server, type: transport == .udp ? Int32(SOCK_DGRAM.rawValue) : Int32(SOCK_STREAM.rawValue), deadline: deadline)
        defer { close(descriptor) }
        var answer: [UInt8]
        switch transport {
        case .udp:
            try SocketProbe.send(descriptor, question, deadline: deadline)
            answer = try SocketProbe.receive(descriptor, upTo: 65_535, deadline: deadline)
        case .tcp:
            try SocketProbe.send(descriptor, [UInt8(question.count >> 8), UInt8(question.count & 0xFF)] + question, deadline: deadline)
            answer = []
            var expected: Int?
            while expected.map({ answer.count < $0 + 2 }) ?? true {
                let chunk = try SocketProbe.receive(descriptor, upTo: 65_537, deadline: deadline)
                guard !chunk.isEmpty else { throw ProbeError(kind: .other, detail: "the server closed the connection mid-answer") }
                answer += chunk
                if expected == nil, answer.count >= 2 { expected = Int(answer[0]) << 8 | Int(answer[1]) }
            }
            answer = Array(answer[2..<(2 + expected!)])
        }
        let response: DNSMessage.Response
        do {
            response = try DNSMessage.parse(answer)
        } catch {
            throw ProbeError(kind: .other, detail: "\(error)")
        }
        guard response.id == id else { throw ProbeError(kind: .other, detail: "answer to another query (id \(response.id), sent \(id))") }
        return response
    }
}
