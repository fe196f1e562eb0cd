import Collectors
import ExporterCore
import Logging
import Netlink
import SwarmDiscovery

// ipvs-scrape-bench: the exporter's own (user-space) share of an IPVS scrape, without a kernel.
//
//   ipvs-scrape-bench [SERVICES] [BACKENDS] [ITERATIONS]      (defaults 2000 10 5)
//
// Replays a synthesized table (SyntheticIPVSReplies) through the same steps a scrape of one
// namespace takes after the netlink replies arrived: parse the table, record the samples, merge
// them under the namespace's label, sort and encode as text 0.0.4. Prints the median time of each
// step. Deterministic, so it can also run under `perf record` for a profile. The step
// "consistency" is the mesh consistency check against a Docker view that names every fwmark and
// lists every backend as a task (what a scrape adds on a Swarm node; nothing is wrong, so every
// backend is looked up and none reported).
//
//   ipvs-scrape-bench --live [ITERATIONS]
//
// The same steps on the table of the namespace it runs in, read from the kernel as a scrape reads
// it (the first step is then the requests and the parse): run it where IPVS is, e.g. in the VM
// (`scripts/vm-run`), to see how a scrape's time splits between the kernel and the exporter.

let live = CommandLine.arguments.dropFirst().first == "--live"
let arguments = CommandLine.arguments.dropFirst(live ? 2 : 1).compactMap { Int($0) }
let services = arguments.count > 0 ? arguments[0] : 2000
let backends = arguments.count > 1 ? arguments[1] : 10
let iterations = max(1, (live ? arguments.first : arguments.count > 2 ? arguments[2] : nil) ?? 5)

let readTable: () throws -> IPVSTable
if live {
    let client = try IPVSClient()
    readTable = {
        guard let table = try client.table() else { fatalError("ipvs-scrape-bench: the kernel has no IPVS (modprobe ip_vs)") }
        return table
    }
} else {
    let datagrams = SyntheticIPVSReplies(services: services, backends: backends).datagrams
    readTable = { try IPVSTable(replaying: datagrams) }
}
let collector = try IPVSCollector(
    configuration: CollectorConfiguration(collectorName: IPVSCollector.name, options: IPVSCollector.options, values: [:]),
    environment: CollectorEnvironment(logger: Logger(label: "ipvs-scrape-bench")))

let steps = [live ? "read" : "parse", "record", "consistency", "merge", "sort", "encode", "total"]
var timings = Array(repeating: [Duration](), count: steps.count)
var bytes = 0
var series = 0
let clock = ContinuousClock()
var memory = MeshMemory()
// Docker's view is read by the background refresh, not by the scrape: built once, outside the timing.
let benchView = MeshBench.view(of: try readTable(), readAt: clock.now)
for _ in 0..<iterations {
    let start = clock.now
    let table = try readTable()
    let parsed = clock.now
    var partial = MetricSink()
    collector.record(table, swarm: nil, into: &partial)
    let recorded = clock.now
    _ = MeshConsistency.check(kernel: KernelLoadBalancer(table), view: benchView, memory: &memory, now: clock.now)
    let checked = clock.now
    var scrape = MetricSink()
    scrape.merge(partial, prefixLabels: ["netns"], values: ["swbench-ipvs"])
    let merged = clock.now
    let families = scrape.sortedFamilies()
    let sorted = clock.now
    // As the HTTP endpoint sends it (ExpositionBody): in pieces of 64 KiB, one buffer reused.
    var chunks = ExpositionEncoder(format: .text).chunks(of: families, size: 64 * 1024)
    var chunk: [UInt8] = []
    bytes = 0
    while chunks.next(into: &chunk) {
        bytes += chunk.count
        chunk.removeAll(keepingCapacity: true)
    }
    let encoded = clock.now
    series = scrape.sampleCount
    for (index, duration) in [parsed - start, recorded - parsed, checked - recorded, merged - checked, sorted - merged, encoded - sorted, encoded - start].enumerated() {
        timings[index].append(duration)
    }
}

print("ipvs-scrape-bench: \(live ? "the namespace's table" : "\(services) services x \(backends) backends"), \(series) series, \(bytes) bytes; median of \(iterations):")
for (step, durations) in zip(steps, timings) {
    let median = durations.sorted()[durations.count / 2]
    print("  \(step.padding(6)) \(String(Int((median / .microseconds(1)).rounded()) / 1000)) ms")
}

/// A Docker view that agrees with the table: a service per fwmark, a task per backend.
enum MeshBench {
    static func view(of table: IPVSTable, readAt: ContinuousClock.Instant) -> SwarmSnapshot.LoadBalancer {
        var view = SwarmSnapshot.LoadBalancer()
        view.readAt = readAt
        for entry in table.entries {
            guard let mark = entry.service.firewallMark else { continue }
            let name = "service-\(mark)"
            view.serviceByFirewallMark[mark] = name
            for destination in entry.destinations {
                view.tasks.append(.init(service: name, address: destination.address.description, name: name + ".task", node: "10.0.0.1"))
            }
        }
        return view
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
