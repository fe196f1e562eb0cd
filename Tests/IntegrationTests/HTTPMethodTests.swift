import Foundation
import Testing

/// Methods other than GET, and media types with quoted parameters, against the real binary.
@Suite(.serialized, .enabled(if: Shell.exists("curl"), "needs curl"))
struct HTTPMethodTests {
    static func request(_ exporter: ExporterProcess, _ text: String) throws -> (head: String, body: [UInt8]) {
        let connection = try RawConnection(port: exporter.port, readTimeout: .seconds(10))
        connection.send(text)
        let (bytes, _) = connection.readAll()
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return (String(decoding: bytes, as: UTF8.self), []) }
        return (String(decoding: bytes[..<end.lowerBound], as: UTF8.self), Array(bytes[end.upperBound...]))
    }

    @Test func headAnswersWithTheHeadersOfGetAndNoBody() throws {
        let exporter = try ExporterProcess(["--namespace-path", "/proc/self/ns/net", "--no-docker", "--collectors", "interfaces"])
        for path in ["/", "/metrics"] {
            let (head, body) = try Self.request(exporter, "HEAD \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(head.hasPrefix("HTTP/1.1 200"), "HEAD \(path): \(head)")
            #expect(head.lowercased().contains(path == "/" ? "content-type: text/html" : "content-type: text/plain; version=0.0.4"), "HEAD \(path): \(head)")
            #expect(body.isEmpty, "HEAD \(path) sent \(body.count) body bytes")
        }
        let (head, _) = try Self.request(exporter, "HEAD /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text; version=1.0.0\r\nConnection: close\r\n\r\n")
        #expect(head.contains("application/openmetrics-text"), "HEAD negotiates the format as GET does: \(head)")
    }

    @Test(arguments: ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
    func otherMethodsAre405WithAllow(method: String) throws {
        let exporter = try ExporterProcess(["--namespace-path", "/proc/self/ns/net", "--no-docker", "--collectors", "interfaces"])
        for path in ["/", "/metrics"] {
            let response = try exporter.get(path, ["-X", method])
            #expect(response.status == 405, "\(method) \(path): \(response.status)")
            #expect(response.headers.lowercased().contains("allow: get, head"), "\(method) \(path): \(response.headers)")
        }
        #expect(try exporter.get("/nothing-here", ["-X", method]).status == 404, "an unknown path stays 404")
    }

    @Test(arguments: [
        ("application/openmetrics-text; version=\"1.0.0\"", true),
        ("application/openmetrics-text;version=\"1.0.0\";q=0.9, text/plain;q=0.5", true),
        ("application/openmetrics-text; version=\"0.0.1\"; charset=\"utf-8\"", true),
        ("application/openmetrics-text; version=\"2.0.0\"", false),
        ("text/plain; charset=\"utf-8, really\"; q=1, application/openmetrics-text; q=0.5", false),
    ])
    func quotedMediaTypeParametersAreUnderstood(accept: String, openMetrics: Bool) throws {
        let exporter = try ExporterProcess(["--namespace-path", "/proc/self/ns/net", "--no-docker", "--collectors", "interfaces"])
        let response = try exporter.get("/metrics", ["-H", "Accept: \(accept)"])
        #expect(response.status == 200)
        #expect(response.headers.contains("application/openmetrics-text") == openMetrics, "Accept: \(accept) -> \(response.headers)")
    }
}
