import CLinux
import Foundation
import Testing
@testable import SwarmDiscovery

/// The memory a realistic large network answer costs to read (2,000 services × 10 tasks, 6.5 MB):
/// the peak resident set above the start, with the reader (`JSONReader`) and, for comparison,
/// with the tree decoder it replaced (`JSONDecoder` into Decodable models, after the old client's
/// growing `Data` and body copy). Figures are printed; run alone for clean ones:
/// `swift test --filter DockerAnswerMemoryTests` (other suites in the same process add noise).
@Suite(.serialized) struct DockerAnswerMemoryTests {
    /// The answer `docker network inspect --verbose` gives for an ingress network with `services`
    /// services of `tasks` tasks (the same shape as Tests/fakes/docker-engine.py).
    static func answer(services: Int, tasks: Int) -> [UInt8] {
        var text = #"{"Name":"ingress","Id":"ingressnetworkid012345678","Created":"2026-12-01T10:00:00Z","Scope":"swarm","Driver":"overlay","EnableIPv6":false,"IPAM":{"Driver":"default","Options":null,"Config":[{"Subnet":"10.0.0.0/8","Gateway":"10.0.0.1"}]},"Internal":false,"Attachable":false,"Ingress":true,"ConfigFrom":{"Network":""},"ConfigOnly":false,"#
        var containers: [String] = []
        var entries: [String] = []
        for s in 0..<services {
            var taskTexts: [String] = []
            for t in 0..<tasks {
                let n = s * tasks + t
                let name = "svc\(pad(s, 5)).\(t + 1).\(pad(n, 25))"
                let endpoint = pad(s * 1000 + t, 64)
                let address = "10.\(1 + n / 65536).\((n / 256) % 256).\(n % 256)"
                taskTexts.append(#"{"Name":"\#(name)","EndpointID":"\#(endpoint)","EndpointIP":"\#(address)","Info":{"Host IP":"192.168.77.\#(1 + t % 3)"}}"#)
                if t % 3 == 0 {
                    containers.append(#""\#(pad(s * 7919 + t, 64))":{"Name":"\#(name)","EndpointID":"\#(endpoint)","MacAddress":"02:42:0a:00:01:0\#(t % 10)","IPv4Address":"\#(address)/16","IPv6Address":""}"#)
                }
            }
            entries.append(#""svc\#(pad(s, 5))":{"VIP":"10.255.\#(s / 256).\#(s % 256)","Ports":["Target: 80, Publish: \#(30000 + s)"],"LocalLBIndex":\#(257 + s),"Tasks":[\#(taskTexts.joined(separator: ","))]}"#)
        }
        text += #""Containers":{\#(containers.joined(separator: ","))},"Options":{"com.docker.network.driver.overlay.vxlanid_list":"4096"},"Labels":{},"Peers":[{"Name":"node-1","IP":"192.168.77.1"}],"Services":{\#(entries.joined(separator: ","))}}"#
        return Array(text.utf8)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// kB from /proc/self/status.
    static func status(_ field: String) -> Int {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? -1
    }

    /// The peak resident set above the one at the start of `body`, in kB (VmHWM reset through clear_refs).
    static func peakIncrease(_ body: () throws -> Void) rethrows -> Int {
        _ = clinux_release_free_heap()
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let start = status("VmRSS")
        try body()
        return status("VmHWM") - start
    }

    // The models the tree decoder filled before (the fields the exporter read).
    struct OldDetail: Decodable {
        let Id: String, Name: String, Ingress: Bool?, Services: [String: OldService]?
    }
    struct OldService: Decodable {
        let VIP: String?, Ports: [String]?, LocalLBIndex: UInt32?, Tasks: [OldTask]?
    }
    struct OldTask: Decodable {
        let Name: String?, EndpointIP: String?, Info: [String: String]?
    }

    @Test func aLargeAnswerIsReadInMemoryProportionalToItsSize() throws {
        let bytes = Self.answer(services: 2_000, tasks: 10)
        let megabytes = Double(bytes.count) / 1_048_576
        #expect(bytes.count > 6_000_000)

        // Each way three times, the least peak kept: other tests running in the same process can
        // only add to a figure.
        var tasks = 0
        var problems: [String] = []
        var reader = Int.max, tree = Int.max
        var readerTime = Duration.zero, treeTime = Duration.zero
        for _ in 0..<3 {
            problems = []
            let started = ContinuousClock.now
            reader = min(reader, try Self.peakIncrease {
                // What the client and the directory hold: the body (in memory of its own), then
                // what was read from it.
                let body = try ResponseBody(bytes)
                let detail = try body.withBytes { try DockerEngine.networkDetail($0, id: "ingressnetworkid012345678", problems: &problems) }
                tasks = detail.services?.values.reduce(0) { $0 + ($1.tasks?.count ?? 0) } ?? 0
            })
            readerTime = ContinuousClock.now - started

            let treeStarted = ContinuousClock.now
            tree = min(tree, try Self.peakIncrease {
                // The old client: 64 KiB pieces appended to a growing Data, the body copied out of it.
                var received = Data()
                for start in stride(from: 0, to: bytes.count, by: 65_536) { received.append(contentsOf: bytes[start..<min(start + 65_536, bytes.count)]) }
                let body = Data(received)
                let detail = try JSONDecoder().decode(OldDetail.self, from: body)
                #expect(detail.Services?.count == 2_000)
            })
            treeTime = ContinuousClock.now - treeStarted
        }
        #expect(tasks == 20_000 && problems.isEmpty)
        print(String(format: "a %.1f MiB network answer: JSONReader peak +%.1f MiB in %@, JSONDecoder (before) peak +%.1f MiB in %@",
                     megabytes, Double(reader) / 1024, "\(readerTime)", Double(tree) / 1024, "\(treeTime)"))
        // The body, what is kept from it, and slack: well under three times the answer.
        #expect(Double(reader) / 1024 < 3 * megabytes, "reading cost \(reader) kB")
    }
}
