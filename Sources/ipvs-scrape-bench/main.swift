import Collectors
import ExporterCore
import Logging
import Netlink

// ipvs-scrape-bench: the exporter's own (user-space) share of an IPVS scrape, without a kernel.
//
//   ipvs-scrape-bench [SERVICES] [BACKENDS] [ITERATIONS]      (defaults 2000 10 5)
//
// Replays a synthesized table (SyntheticIPVSReplies) through the same steps a scrape of one
// namespace takes after the netlink replies arrived: parse the table, record the samples, merge
// them under the namespace's label, sort and encode as text 0.0.4. Prints the median time of each
// step. Deterministic, so it can also run under `perf record` for a profile.
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

let steps = [live ? "read" : "parse", "record", "merge", "sort", "encode", "total"]
var timings = Array(repeating: [Duration](), count: steps.count)
var bytes = 0
var series = 0
let clock = ContinuousClock()
for _ in 0..<iterations {
    let start = clock.now
    let table = try readTable()
    let parsed = clock.now
    var partial = MetricSink()
    collector.record(table, swarm: nil, into: &partial)
    let recorded = clock.now
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
    for (index, duration) in [parsed - start, recorded - parsed, merged - recorded, sorted - merged, encoded - sorted, encoded - start].enumerated() {
        timings[index].append(duration)
    }
}

print("ipvs-scrape-bench: \(live ? "the namespace's table" : "\(services) services x \(backends) backends"), \(series) series, \(bytes) bytes; median of \(iterations):")
for (step, durations) in zip(steps, timings) {
    let median = durations.sorted()[durations.count / 2]
    print("  \(step.padding(6)) \(String(Int((median / .microseconds(1)).rounded()) / 1000)) ms")
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
