/// Repeats `probe` every `interval` until the task is cancelled. The next round starts only after
/// the previous one finished, so a slow probe never has two rounds running for the same target.
func repeatProbes(every interval: Duration, _ probe: @escaping @Sendable () async -> Void) async {
    while !Task.isCancelled {
        let started = ContinuousClock.now
        await probe()
        try? await Task.sleep(until: started + interval, clock: .continuous)
    }
}
