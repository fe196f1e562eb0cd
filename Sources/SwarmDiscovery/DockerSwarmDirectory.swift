import CLinux
public import ExporterCore
public import Logging
import NIOConcurrencyHelpers
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Keeps a `SwarmSnapshot` fresh from the Docker Engine API, over its unix socket or over TCP
/// (`DockerHost`).
///
/// `run()` refreshes it every `interval` in the background; scrapes only read the last good
/// snapshot, so they never wait for Docker. Each refresh runs on a thread of its own, has an
/// overall deadline (`refreshTimeout`) besides each request's (`requestTimeout`), and stops
/// within ~50 ms when the task running it is cancelled (SIGTERM).
///
/// What counts as an error (`apiErrors`, `swarm_ipvs_exporter_docker_api_errors_total`): a
/// refresh that failed as a whole (the network list could not be had, or the deadline passed
/// before every network was read), a network whose detail could not be had, and every entry of
/// an answer that was dropped because a field of it could not be used (a network, service, task
/// or published port), and on a manager a failed `/tasks` or `/nodes` (the tasks view then keeps
/// its last good answers, and ages). A worker's `503` for `/services` is no error: it has no
/// tasks view, and `/tasks` and `/nodes` are not asked. A failed refresh keeps the last good
/// snapshot; a refresh cut by its deadline keeps the last good entries of the networks it did not
/// reach. A unix socket that does
/// not exist (not a Docker host, or not mounted) is not an error: there are simply no names. A TCP
/// address is asked for by name, so a refused connection there is an error like any other.
public final class DockerSwarmDirectory: SwarmDirectory, @unchecked Sendable {
    private struct State {
        var snapshot: SwarmSnapshot?
        var errors: UInt64 = 0
        var lastError: String?
        /// Reasons of dropped entries already logged as warnings (each once).
        var loggedProblems: Set<String> = []
        /// When each network's detail was last read: the least recently read go first.
        var readAt: [String: ContinuousClock.Instant] = [:]
        /// The last good answers for the tasks view (managers only); nil on a worker.
        var manager: ManagerAnswers?
        var inFlight: Refresh?
        /// Whether a refresh was ever started.
        var started = false
    }

    /// One refresh on its thread: how to cancel it and how to wait for its end.
    final class Refresh: Sendable {
        let cancellation = EngineHTTPClient.Cancellation()
        private let waiters = NIOLockedValueBox<(done: Bool, continuations: [CheckedContinuation<Void, Never>])>((false, []))

        var isDone: Bool { waiters.withLockedValue { $0.done } }

        func finish() {
            let continuations = waiters.withLockedValue { state in
                state.done = true
                defer { state.continuations = [] }
                return state.continuations
            }
            for continuation in continuations { continuation.resume() }
        }

        /// Waits for the end; cancelling the waiting task cancels the refresh (it then ends within ~50 ms).
        func wait() async {
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let done = waiters.withLockedValue { state in
                        if !state.done { state.continuations.append(continuation) }
                        return state.done
                    }
                    if done { continuation.resume() }
                }
            } onCancel: {
                cancellation.cancel()
            }
        }
    }

    /// Distinct reasons of dropped entries logged as warnings at most; later ones at debug level.
    static let maximumLoggedProblems = 1000

    public let host: DockerHost
    private let interval: Duration
    private let refreshTimeout: Duration
    private let client: EngineHTTPClient
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    /// - Parameters:
    ///   - refreshTimeout: how long one refresh (all its requests) may take.
    ///   - requestTimeout: how long one request may take.
    public init(host: DockerHost, interval: Duration, refreshTimeout: Duration, requestTimeout: Duration = .seconds(3), logger: Logger) {
        self.host = host
        self.interval = interval
        self.refreshTimeout = refreshTimeout
        self.client = EngineHTTPClient(host: host, timeout: requestTimeout)
        self.logger = logger
    }

    /// The Engine API over the unix socket at `socketPath`.
    public convenience init(socketPath: String, interval: Duration, refreshTimeout: Duration, requestTimeout: Duration = .seconds(3), logger: Logger) {
        self.init(host: .unix(path: socketPath), interval: interval, refreshTimeout: refreshTimeout, requestTimeout: requestTimeout, logger: logger)
    }

    /// Whether there is a Docker host to ask: a unix socket only while its file exists, a TCP
    /// address always.
    public var isReachable: Bool {
        switch host {
        case .unix(let path): access(path, F_OK) == 0
        case .tcp: true
        }
    }

    /// Where the log lines say the API is: `socket=PATH` as always for a unix socket, `host=tcp://…`.
    public var logMetadata: Logger.Metadata {
        switch host {
        case .unix(let path): ["socket": "\(path)"]
        case .tcp: ["host": "\(host)"]
        }
    }

    public var snapshot: SwarmSnapshot? { state.withLockedValue { $0.snapshot } }

    /// Three refreshes missed: three intervals, each refresh allowed its whole deadline.
    public var maximumViewAge: Duration { (interval + refreshTimeout) * 3 }
    public var apiErrors: UInt64 { state.withLockedValue { $0.errors } }

    /// One refresh on the calling thread (`inspect`, which has no background); returns the reason
    /// it failed, nil when it did not. A missing socket is no failure: the snapshot stays nil.
    public func refreshNow() -> String? {
        refreshOnce()
        return state.withLockedValue { $0.lastError }
    }

    /// Starts the first refresh and waits for it at most `bound`; `run()` later waits for the
    /// rest of it. Returns whether it finished in time.
    public func startFirstRefresh(waitingAtMost bound: Duration) async -> Bool {
        let refresh = start()
        let end = ContinuousClock.now + bound
        while !refresh.isDone, ContinuousClock.now < end, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return refresh.isDone
    }

    /// Refreshes until the task is cancelled, which cancels a refresh in flight.
    public func run() async {
        // The first refresh started before serving: let it end, then wait the interval as usual.
        let (startedBefore, running) = state.withLockedValue { ($0.started, $0.inFlight) }
        if startedBefore {
            await running?.wait()
            try? await Task.sleep(for: interval)
        }
        while !Task.isCancelled {
            await start().wait()
            try? await Task.sleep(for: interval)
        }
    }

    /// Starts a refresh on a thread of its own (or adopts the one in flight).
    private func start() -> Refresh {
        let refresh = Refresh()
        if let running = state.withLockedValue({ current -> Refresh? in
            if let running = current.inFlight { return running }
            current.inFlight = refresh
            current.started = true
            return nil
        }) {
            return running
        }
        let work: @Sendable () -> Void = { [self] in
            refreshOnce(cancellation: refresh.cancellation)
            state.withLockedValue { $0.inFlight = nil }
            refresh.finish()
        }
        if DedicatedThread.start(name: "docker-api", work) != nil { work() }
        return refresh
    }

    /// One refresh: networks, (on managers) the services' ports, and each network's load balancer.
    func refreshOnce(cancellation: EngineHTTPClient.Cancellation? = nil) {
        guard isReachable else {
            logger.debug("no Docker socket; Swarm service names are off", metadata: logMetadata)
            return
        }
        // The answers are freed by now: hand their pages back rather than keep the peak of the largest.
        defer { _ = clinux_release_free_heap() }
        var problems: [String] = []
        let outcome: Result<SwarmSnapshot?, APIError>
        do {
            outcome = .success(try fetch(deadline: .now + refreshTimeout, cancellation: cancellation, problems: &problems))
        } catch is Cancelled {
            logger.debug("Docker Engine API refresh cancelled", metadata: logMetadata)
            return
        } catch let error as APIError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(APIError(description: "\(error)"))
        }

        let (newProblems, newError) = state.withLockedValue { current -> ([String], String?) in
            current.errors += UInt64(problems.count)
            var fresh: [String] = []
            for problem in problems where current.loggedProblems.count < Self.maximumLoggedProblems {
                if current.loggedProblems.insert(problem).inserted { fresh.append(problem) }
            }
            switch outcome {
            case .success(let snapshot):
                if let snapshot { current.snapshot = snapshot }
                current.lastError = nil
                return (fresh, nil)
            case .failure(let error):
                current.errors += 1
                if let partial = error.partial { current.snapshot = partial }
                defer { current.lastError = error.reason }
                return (fresh, current.lastError == error.reason ? nil : error.description)
            }
        }
        for problem in newProblems {
            logger.warning("Docker Engine API answer has an entry that cannot be used; dropped it (logged once)", metadata: logMetadata.merging(["entry": "\(problem)"]) { $1 })
        }
        if problems.count > newProblems.count {
            logger.debug("Docker Engine API answers had entries that cannot be used", metadata: logMetadata.merging(["dropped": "\(problems.count)"]) { $1 })
        }
        if let newError {
            logger.warning("Docker Engine API request failed; keeping the last good Swarm names", metadata: logMetadata.merging(["error": "\(newError)"]) { $1 })
        }
    }

    struct APIError: Error, CustomStringConvertible {
        let description: String
        /// The HTTP status of an answer other than 200.
        var status: Int? = nil
        /// What a refresh cut by its deadline could read, with the last good entries of the rest.
        var partial: SwarmSnapshot?
        /// What makes two failures the same for the log (a cut's counts and network vary).
        var reason: String { partial == nil ? description : "refresh deadline" }
    }

    private struct Cancelled: Error {}

    private func fetch(deadline: ContinuousClock.Instant, cancellation: EngineHTTPClient.Cancellation?, problems: inout [String]) throws -> SwarmSnapshot {
        let filter = "%7B%22scope%22%3A%5B%22swarm%22%5D%7D"  // {"scope":["swarm"]}, percent-encoded
        let networks = try read("/networks?filters=\(filter)", deadline, cancellation) { body in
            try DockerEngine.networks(body, problems: &problems)
        }
        // Only managers can list services; a worker's 503 just means no protocols and no tasks view.
        var services: [DockerEngine.Service]?
        do {
            services = try read("/services", deadline, cancellation) { body in try DockerEngine.services(body, problems: &problems) }
        } catch is Cancelled {
            throw Cancelled()
        } catch let error as APIError where error.status == 503 {
            state.withLockedValue { $0.manager = nil }
        } catch {
            services = nil
        }
        if let services {
            try readManagerAnswers(services: services, deadline, cancellation, problems: &problems)
        }

        let overlays = networks.filter { ($0.driver ?? "overlay") == "overlay" }
        let readAt = state.withLockedValue { current in
            current.readAt = current.readAt.filter { entry in overlays.contains { $0.id == entry.key } }
            return current.readAt
        }
        // Least recently read first, so that refreshes cut by their deadline still reach every network in turn.
        let ordered = overlays.sorted { first, second in
            switch (readAt[first.id], readAt[second.id]) {
            case (nil, nil): first.id < second.id
            case (nil, _): true
            case (_, nil): false
            case (let one?, let other?): one < other
            }
        }
        var details: [DockerEngine.NetworkDetail] = []
        var unread: [DockerEngine.NetworkSummary] = []
        var cut: String?
        for (index, network) in ordered.enumerated() {
            if cut != nil || ContinuousClock.now >= deadline {
                cut = cut ?? "the refresh deadline (\(refreshTimeout)) passed after \(index) of \(ordered.count) network details"
                unread.append(network)
                continue
            }
            let target = "/networks/\(EngineHTTPClient.escapedPathSegment(network.id))?verbose=true&scope=swarm"
            do {
                details.append(try read(target, deadline, cancellation) { body in
                    try DockerEngine.networkDetail(body, id: network.id, problems: &problems)
                })
                state.withLockedValue { $0.readAt[network.id] = .now }
            } catch is Cancelled {
                throw Cancelled()
            } catch {
                if ContinuousClock.now >= deadline {
                    cut = "the refresh deadline (\(refreshTimeout)) passed during \(error)"
                } else {
                    problems.append("network \(network.id) dropped: \(error)")
                }
                unread.append(network)
            }
        }
        let (readTimes, manager) = state.withLockedValue { ($0.readAt, $0.manager) }
        var snapshot = SwarmSnapshotBuilder.build(networks: details, services: services, readAt: readTimes)
        // The networks not read this time keep their last good entries.
        let previous = state.withLockedValue { $0.snapshot }
        for network in unread {
            let label = SwarmSnapshotBuilder.namespaceLabel(networkID: network.id, ingress: network.ingress ?? false)
            if snapshot.loadBalancers[label] == nil, let kept = previous?.loadBalancers[label] { snapshot.loadBalancers[label] = kept }
        }
        if let manager {
            let labels = overlays.map { ($0.id, SwarmSnapshotBuilder.namespaceLabel(networkID: $0.id, ingress: $0.ingress ?? false)) }
            snapshot.managerLoadBalancers = SwarmSnapshotBuilder.tasksViews(
                networkViews: snapshot.loadBalancers, labelByNetworkID: Dictionary(labels, uniquingKeysWith: { first, _ in first }),
                answers: manager)
        }
        if let cut { throw APIError(description: cut, partial: snapshot) }
        return snapshot
    }

    /// On a manager: `/nodes` and `/tasks` desired running, joined with the services just read and
    /// kept as the last good answers. A failure of either is one problem (counted; the last good
    /// answers stay, growing older), not a failed refresh: the network view is compared as before.
    private func readManagerAnswers(services: [DockerEngine.Service], _ deadline: ContinuousClock.Instant,
                                    _ cancellation: EngineHTTPClient.Cancellation?, problems: inout [String]) throws {
        let filter = "%7B%22desired-state%22%3A%5B%22running%22%5D%7D"  // {"desired-state":["running"]}, percent-encoded
        var found: [String] = []
        do {
            let nodes = try read("/nodes", deadline, cancellation) { body in try DockerEngine.nodes(body, problems: &found) }
            // The time before asking: the answer shows the managers' store at that moment or later,
            // so a disagreement first seen before it and still in the answer is confirmed.
            var answers = ManagerAnswers(services: services, nodes: nodes, readAt: .now)
            // Each task joined as it is read: the tasks' specs and ids are never kept.
            try read("/tasks?filters=\(filter)", deadline, cancellation) { body in
                try DockerEngine.tasks(body, problems: &found) { answers.add($0) }
            }
            answers.finish()
            problems += found
            state.withLockedValue { $0.manager = answers }
        } catch is Cancelled {
            throw Cancelled()
        } catch {
            problems.append("the tasks view not refreshed: \(error)")
        }
    }

    /// GET `target` and read its answer with `decode`; every failure an `APIError` naming the target.
    private func read<T>(_ target: String, _ deadline: ContinuousClock.Instant, _ cancellation: EngineHTTPClient.Cancellation?,
                         _ decode: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let response: EngineHTTPClient.Response
        do {
            response = try client.get(target, deadline: deadline, cancellation: cancellation)
        } catch .cancelled {
            throw Cancelled()
        } catch {
            throw APIError(description: "GET \(target): \(error)")
        }
        guard response.status == 200 else {
            let body = response.body.withBytes { String(decoding: $0.prefix(200), as: UTF8.self) }
            throw APIError(description: "GET \(target): HTTP \(response.status) \(body.trimmedWhitespace.split(whereSeparator: \.isNewline).joined(separator: " "))",
                           status: response.status)
        }
        do {
            return try response.body.withBytes { try decode($0) }
        } catch {
            throw APIError(description: "GET \(target): cannot read the answer: \(error)")
        }
    }
}
