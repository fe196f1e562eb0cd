import ExporterCore
import NIOCore
import NIOPosix
import NIOSSL
import WebSecurity
#if canImport(Glibc)
import Glibc
#endif

/// `swarm-ipvs-exporter healthcheck`: the image's HEALTHCHECK.
///
/// Asks the exporter for ``path`` (answered without basic auth, see `WebSecurityMiddleware`) on the
/// loopback address of its listen port, over TLS when its web config serves TLS (the server's own
/// certificate is not verified: it is our own process; it is offered as client certificate in case
/// the config asks for one), and exits 0 when the answer is `200`, 1 otherwise (Docker's contract).
/// `--web.listen-address` and `--web.config.file` are taken from this command's arguments, else from
/// the running exporter's command line (`/proc/1/cmdline`, the container's entry point), else the
/// defaults; so the image's fixed HEALTHCHECK follows whatever flags a stack gives the exporter.
enum HealthCheck {
    static let path = "/-/healthy"

    static func run(_ arguments: [String]) async -> Int32 {
        if arguments.contains("-h") || arguments.contains("--help") {
            print("""
            USAGE: swarm-ipvs-exporter healthcheck [--web.listen-address ADDRESS] [--web.config.file PATH] [--timeout SECONDS]
            Exits 0 when the exporter answers GET \(path) with 200 (over TLS if its web config has tls_server_config),
            1 otherwise. Flags not given are read from the exporter's command line (/proc/1/cmdline), else defaults.
            """)
            return 0
        }
        let running = exporterArguments()
        let listen = flag(["--web.listen-address", "--listen-address"], in: arguments)
            ?? flag(["--web.listen-address", "--listen-address"], in: running) ?? ":10118"
        let webConfigPath = flag(["--web.config.file"], in: arguments) ?? flag(["--web.config.file"], in: running)
        let timeout = flag(["--timeout"], in: arguments).flatMap(Double.init) ?? 4
        guard let address = ListenAddress(listen) else {
            StandardError.write("healthcheck: bad listen address \(listen)\n")
            return 1
        }
        var tls: TLSServerSettings?
        if let webConfigPath {
            do {
                tls = try WebConfigParser.parse(contentsOf: webConfigPath).tls
            } catch {
                StandardError.write("healthcheck: web config \(webConfigPath): \(error)\n")
                return 1
            }
        }
        let host: String
        switch address.host {
        case "0.0.0.0", "": host = "127.0.0.1"
        case "::": host = "::1"
        default: host = address.host
        }
        do {
            let status = try await statusLine(host: host, port: address.port, tls: tls, timeout: timeout)
            if status.hasPrefix("HTTP/1.1 200") || status.hasPrefix("HTTP/1.0 200") {
                print("healthy: \(status)")
                return 0
            }
            StandardError.write("healthcheck: \(host):\(address.port)\(path) answered \(status)\n")
        } catch {
            StandardError.write("healthcheck: \(host):\(address.port)\(path): \(error)\n")
        }
        return 1
    }

    /// The value of the first of `names` in `arguments` (`--name value` or `--name=value`); the last
    /// occurrence wins, as for the exporter's own flags.
    static func flag(_ names: [String], in arguments: [String]) -> String? {
        var found: String?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            for name in names {
                if argument == name, index + 1 < arguments.count {
                    found = arguments[index + 1]
                } else if argument.hasPrefix(name + "=") {
                    found = String(argument.dropFirst(name.count + 1))
                }
            }
            index += 1
        }
        return found
    }

    /// The arguments of PID 1 when it is this exporter (the container's entry point), else none.
    static func exporterArguments() -> [String] {
        guard let bytes = readProcBytes("/proc/1/cmdline") else { return [] }
        let words = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        guard let first = words.first, first.hasSuffix("swarm-ipvs-exporter") else { return [] }
        return Array(words.dropFirst())
    }

    struct Timeout: Error, CustomStringConvertible {
        var description: String { "no answer in time" }
    }

    struct NoAnswer: Error, CustomStringConvertible {
        var description: String { "the connection closed without an HTTP status line" }
    }

    static func statusLine(host: String, port: Int, tls: TLSServerSettings?, timeout: Double) async throws -> String {
        let group = MultiThreadedEventLoopGroup.singleton
        var sslContext: NIOSSLContext?
        if let tls {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            if let chain = try? NIOSSLCertificate.fromPEMFile(tls.certificateFile),
               let key = try? NIOSSLPrivateKey(file: tls.keyFile, format: .pem) {
                configuration.certificateChain = chain.map { .certificate($0) }
                configuration.privateKey = .privateKey(key)
            }
            sslContext = try NIOSSLContext(configuration: configuration)
        }
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: String.self)
        let limit = TimeAmount.nanoseconds(Int64(timeout * 1e9))
        let timer = eventLoop.scheduleTask(in: limit) { promise.fail(Timeout()) }
        let context = sslContext
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(limit)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(StatusLineHandler(promise: promise))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            timer.cancel()
            promise.fail(error)
            throw error
        }
        let request = "GET \(path) HTTP/1.1\r\nHost: localhost\r\nUser-Agent: swarm-ipvs-exporter-healthcheck\r\nConnection: close\r\n\r\n"
        channel.writeAndFlush(ByteBuffer(string: request), promise: nil)
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        return try await promise.futureResult.get()
    }
}

/// Collects bytes until the first line of the answer is complete.
private final class StatusLineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let promise: EventLoopPromise<String>
    private var bytes: [UInt8] = []

    init(promise: EventLoopPromise<String>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        bytes += buffer.readableBytesView
        if let end = bytes.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: bytes[..<end], as: UTF8.self).trimmingCharacters(in: "\r")
            promise.succeed(line)
            context.close(promise: nil)
        } else if bytes.count > 8192 {
            promise.fail(HealthCheck.NoAnswer())
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(HealthCheck.NoAnswer())
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}

private extension String {
    func trimmingCharacters(in character: Character) -> String {
        var text = Substring(self)
        while text.last == character { text = text.dropLast() }
        return String(text)
    }
}
