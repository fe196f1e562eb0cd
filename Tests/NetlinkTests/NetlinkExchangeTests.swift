import CNetlink
import Foundation
import Testing
@testable import Netlink

/// What happens between sending a request and holding its replies (`NetlinkTransport.request`),
/// run on datagrams recorded from real kernels: a dump in several datagrams up to DONE, errors in
/// NLMSG_ERROR and in DONE, a dump the kernel marks interrupted, late answers to other requests.
@Suite struct NetlinkExchangeTests {
    static func linkDump() throws -> (data: [UInt8], done: [UInt8]) {
        (try Fixture.bytes("rtm-getlink-dump.bin"), try Fixture.bytes("rtm-getlink-done.bin"))
    }

    static func names(_ links: [Link]) -> [String] { links.map(\.name) }

    @Test func aDumpIsEveryDatagramUpToDone() throws {
        let (data, done) = try Self.linkDump()
        let expected = Self.names(try NetlinkMessage.split(data).map(Link.init(message:)))
        let split = Datagram.messages(data).map { Datagram.numbered($0, 1) }
        #expect(split.count == 2, "the recorded dump holds two links")
        let transport = RecordedTransport(answers: [split + [Datagram.numbered(done, 1)]])
        let links = try transport.dumpLinks()
        #expect(Self.names(links) == expected)
        #expect(transport.sent == [.init(type: UInt16(RTM_GETLINK), flags: UInt16(NLM_F_DUMP), sequence: 1)])
    }

    @Test func aDumpWithoutItsDoneIsNotTakenAsWhole() throws {
        let (data, _) = try Self.linkDump()
        let transport = RecordedTransport(answers: [[Datagram.numbered(data, 1)]])
        #expect(throws: NetlinkError.timeout(context: "RTM_GETLINK dump")) { try transport.dumpLinks() }
    }

    @Test func answersToOtherRequestsAreSkipped() throws {
        let (data, done) = try Self.linkDump()
        // A DONE and a dump that came too late for an earlier request (number 7) arrive first.
        let transport = RecordedTransport(answers: [[
            Datagram.numbered(done, 7), Datagram.numbered(data, 7),
            Datagram.numbered(data, 1), Datagram.numbered(done, 1),
        ]])
        let links = try transport.dumpLinks()
        #expect(links.count == 2)
    }

    @Test func anInterruptedDumpIsAskedForOnceMore() throws {
        let (data, done) = try Self.linkDump()
        let interrupted = NetlinkMessage.flagDumpInterrupted
        let transport = RecordedTransport(answers: [
            [Datagram.numbered(data, 1, addingFlags: interrupted), Datagram.numbered(done, 1, addingFlags: interrupted)],
            [Datagram.numbered(data, 2), Datagram.numbered(done, 2)],
        ])
        let links = try transport.dumpLinks()
        #expect(links.count == 2)
        #expect(transport.sent.map(\.sequence) == [1, 2], "asked again, under a new number")
    }

    @Test func aDumpInterruptedTwiceIsAnError() throws {
        let (data, done) = try Self.linkDump()
        let interrupted = NetlinkMessage.flagDumpInterrupted
        let answer = { (sequence: UInt32) in
            [Datagram.numbered(data, sequence, addingFlags: interrupted), Datagram.numbered(done, sequence)]
        }
        let transport = RecordedTransport(answers: [answer(1), answer(2)])
        #expect(throws: NetlinkError.malformed("RTM_GETLINK dump: the dump was interrupted twice by concurrent changes")) {
            try transport.dumpLinks()
        }
    }

    @Test func aDumpThatFailedHalfWaySaysSoInItsDone() throws {
        let (data, done) = try Self.linkDump()
        let transport = RecordedTransport(answers: [[Datagram.numbered(data, 1), Datagram.numbered(Datagram.withCode(done, -EBUSY), 1)]])
        #expect(throws: NetlinkError.kernel(errno: EBUSY, context: "RTM_GETLINK dump")) { try transport.dumpLinks() }
    }

    @Test func theKernelsENOENTIsAnAbsentFamilyAndAnyOtherErrorIsAnError() throws {
        let enoent = try Fixture.bytes("genl-ctrl-getfamily-ipvs-enoent.bin")
        let absent = RecordedTransport(answers: [[Datagram.numbered(enoent, 1)]])
        #expect(try absent.resolveGenericFamily("IPVS") == nil)
        #expect(absent.sent.map(\.type) == [UInt16(GENL_ID_CTRL)])

        let refused = RecordedTransport(answers: [[Datagram.numbered(Datagram.withCode(enoent, -EPERM), 1)]])
        do {
            _ = try refused.resolveGenericFamily("IPVS")
            Issue.record("EPERM taken for an answer")
        } catch {
            #expect(error == .kernel(errno: EPERM, context: "resolving generic netlink family IPVS"))
            #expect(error.description == "resolving generic netlink family IPVS: kernel error 1 (Operation not permitted (EPERM))")
        }
    }

    @Test func aFamilyIsResolvedFromTheRecordedAnswer() throws {
        let answer = try Fixture.bytes("genl-ctrl-getfamily-nlctrl.bin")
        let transport = RecordedTransport(answers: [[Datagram.numbered(answer, 1)]])
        #expect(try transport.resolveGenericFamily("nlctrl") == 0x10)
    }

    @Test func theRecordedIPVSServiceDumpAndASingleAnswer() throws {
        let services = try Fixture.bytes("ipvs-01-IPVS-CMD-GET-SERVICE-dump.bin")
        let done = try Fixture.bytes("ipvs-02-IPVS-CMD-GET-SERVICE-dump.bin")
        let info = try Fixture.bytes("ipvs-11-IPVS-CMD-GET-INFO.bin")
        let transport = RecordedTransport(answers: [
            [Datagram.numbered(services, 1), Datagram.numbered(done, 1)],
            // A request that is not a dump ends with its first answer; nothing more is read.
            [Datagram.numbered(info, 2)],
        ])
        let header = GenericNetlinkMessage.header(command: UInt8(IPVS_CMD_GET_SERVICE), version: UInt8(IPVS_GENL_VERSION))
        let dump = try transport.request(type: 0x20, dump: true, header: header, context: "GET_SERVICE")
        #expect(try dump.map { try IPVSService(message: GenericNetlinkMessage($0)) }.count == 4)
        let single = try transport.request(type: 0x20, dump: false, header: header, context: "GET_INFO")
        #expect(single.count == 1)
        #expect(transport.sent.map(\.flags) == [UInt16(NLM_F_DUMP), 0])
    }
}
