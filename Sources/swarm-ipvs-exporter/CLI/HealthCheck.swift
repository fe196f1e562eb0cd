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
/// With several `--web.listen-address` values each one is asked, in turn, and all must answer.
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
        let listenFlags = ["--web.listen-address", "--listen-address"]
        let given = flags(listenFlags, in: arguments)
        let listen = !given.isEmpty ? given : !flags(listenFlags, in: running).isEmpty ? flags(listenFlags, in: running) : [ListenAddress.defaultAddress.description]
        let webConfigPath = flag(["--web.config.file"], in: arguments) ?? flag(["--web.config.file"], in: running)
        let timeout = flag(["--timeout"], in: arguments).flatMap(Double.init) ?? 4
        var addresses: [ListenAddress] = []
        for text in listen {
            guard let address = ListenAddress(text) else {
                StandardError.write("healthcheck: bad listen address \(text)\n")
                return 1
            }
            addresses.append(address)
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
        // One time limit for all of them, as Docker gives one to the whole command.
        let deadline = ContinuousClock.now + .seconds(timeout)
        var statuses: [String] = []
        for address in addresses {
            let host = loopbackHost(for: address)
            let target = "\(host.contains(":") ? "[\(host)]" : host):\(address.port)\(path)"
            let remaining = deadline - .now
            let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
            do {
                let status = try await statusLine(host: host, port: address.port, tls: tls, timeout: max(seconds, 0.001))
                guard status.hasPrefix("HTTP/1.1 200") || status.hasPrefix("HTTP/1.0 200") else {
                    StandardError.write("healthcheck: \(target) answered \(status)\n")
                    return 1
                }
                statuses.append(addresses.count > 1 ? "\(target) \(status)" : status)
            } catch {
                StandardError.write("healthcheck: \(target): \(error)\n")
                return 1
            }
        }
        print("healthy: \(statuses.joined(separator: "; "))")
        return 0
    }

    /// Where this container reaches a listen address: loopback for the wildcards (`:PORT` is served
    /// on IPv4 in any case), the address itself otherwise.
    static func loopbackHost(for address: ListenAddress) -> String {
        switch address.host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::": "::1"
        default: address.host
        }
    }

    /// Every value of `names` in `arguments`, in order (the listen address is repeatable).
    static func flags(_ names: [String], in arguments: [String]) -> [String] {
        var found: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            for name in names {
                if argument == name, index + 1 < arguments.count {
                    found.append(arguments[index + 1])
                } else if argument.hasPrefix(name + "=") {
                    found.append(String(argument.dropFirst(name.count + 1)))
                }
            }
            index += 1
        }
        return found
    }

    /// The value of the first of `names` in `arguments` (`--name value` or `--name=value`); the last
    /// occurrence wins, as for the exporter's own flags.
    static func flag(_ names: [String], in arguments: [String]) -> String? {
        flags(names, in: arguments).last
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
