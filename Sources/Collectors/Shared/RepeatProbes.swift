import Foundation

/// Runs one blocking probe on a thread of its own and awaits it, so probes never occupy the
/// scrape thread pool or the cooperative pool. (These threads never enter a namespace.)
enum ProbeThread {
    static func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = name
            thread.start()
        }
    }
}

/// Repeats `probe` every `interval` until the task is cancelled. The next round starts only after
/// the previous one finished, so a slow probe never has two rounds running for the same target.
func repeatProbes(every interval: Duration, _ probe: @escaping @Sendable () async -> Void) async {
    while !Task.isCancelled {
        let started = ContinuousClock.now
        await probe()
        try? await Task.sleep(until: started + interval, clock: .continuous)
    }
}
