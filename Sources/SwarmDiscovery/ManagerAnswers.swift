/// What a manager answered for the tasks view, joined at once so that only what the view needs is
/// kept: each task desired running, by the network it is attached to, with its address there,
/// its service's name (`/services`), its name, its node's address (`/nodes`) and whether it is
/// expected to have a backend. The answers themselves (a `/tasks` answer holds every task's spec)
/// are freed as soon as this is made.
///
/// The directory keeps the last good one: when a later read fails, the tasks view is still built
/// from it, with its own `readAt`, so it ages and is no longer compared once it is too old.
struct ManagerAnswers: Sendable {
    /// The tasks attached to each network, by network id, in a stable order (service, address, name).
    var tasksByNetwork: [String: [SwarmSnapshot.Task]]
    /// When `/tasks` was asked (its answer can be no older).
    var readAt: ContinuousClock.Instant?

    /// Joins the answers (pure): `init(services:nodes:readAt:)`, `add` for each task, `finish`.
    ///
    /// Only tasks desired `running` are kept (the request asks for those; the filter is applied
    /// here too). Any of them makes its address known, whatever its state (a starting task may
    /// already have its backend), and only one whose state is `running` is expected to have one.
    /// A task's name is the one Docker gives its container and the network view gives the task:
    /// `<service>.<slot>.<task id>`, or `<service>.<node id>.<task id>` for a global service (slot
    /// 0). Its node is the address `/nodes` gives, which is what the network view's node is; the
    /// node id when `/nodes` gives none. A task of a service `/services` does not list is left out.
    init(tasks: [DockerEngine.SwarmTask], services: [DockerEngine.Service], nodes: [DockerEngine.Node],
         readAt: ContinuousClock.Instant?) {
        self.init(services: services, nodes: nodes, readAt: readAt)
        for task in tasks { add(task) }
        finish()
    }

    /// The names to join tasks with, and no task yet: `add` each task as it is read, then `finish`.
    init(services: [DockerEngine.Service], nodes: [DockerEngine.Node], readAt: ContinuousClock.Instant?) {
        var serviceName: [String: String] = [:]
        for service in services {
            if let id = service.id, serviceName[id] == nil { serviceName[id] = service.spec.name }
        }
        var nodeAddress: [String: String] = [:]
        for node in nodes {
            if let address = node.address, nodeAddress[node.id] == nil { nodeAddress[node.id] = address }
        }
        self.serviceName = serviceName
        self.nodeAddress = nodeAddress
        self.tasksByNetwork = [:]
        self.readAt = readAt
    }

    private var serviceName: [String: String]
    private var nodeAddress: [String: String]

    /// Joins one task of the `/tasks` answer.
    mutating func add(_ task: DockerEngine.SwarmTask) {
        guard task.desiredState == "running", let service = serviceName[task.serviceID] else { return }
        let name = task.name(service: service)
        let node = nodeAddress[task.nodeID] ?? task.nodeID
        for attachment in task.attachments {
            for address in attachment.addresses {
                // "10.0.0.5/24": the address without its prefix length.
                let bare = address.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                guard !bare.isEmpty else { continue }
                tasksByNetwork[attachment.networkID, default: []].append(
                    .init(service: service, address: bare, name: name, node: node, expectsBackend: task.state == "running"))
            }
        }
    }

    /// Puts each network's tasks in order, once every task is added.
    mutating func finish() {
        for network in tasksByNetwork.keys {
            tasksByNetwork[network]?.sort { ($0.service, $0.address, $0.name) < ($1.service, $1.address, $1.name) }
        }
    }
}
