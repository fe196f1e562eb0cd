/// What a manager answered for the tasks view: `/tasks` (desired state running), `/services` (the
/// names of the services the tasks belong to) and `/nodes` (the address of the node each runs on),
/// and when `/tasks` was read.
///
/// The directory keeps the last good one: when a later read fails, the tasks view is still built
/// from it, with its own `readAt`, so it ages and is no longer compared once it is too old.
struct ManagerAnswers: Sendable {
    var tasks: [DockerEngine.SwarmTask]
    var services: [DockerEngine.Service]
    var nodes: [DockerEngine.Node]
    /// When `/tasks` was asked (its answer can be no older).
    var readAt: ContinuousClock.Instant?
}
