import Foundation
import Testing
@testable import Netlink

/// Resolving a generic netlink family from the kernel's CTRL_CMD_GETFAMILY answer: the id when the
/// family exists, "absent" only for the kernel's ENOENT, and an error for an answer that is damaged
/// (libnl's genl_ctrl_resolve reported every failure as "not found", so a damaged or late answer
/// looked like a missing IPVS module and the collector claimed success with no series).
@Suite struct GenericFamilyTests {
    @Test func readsTheFamilyIdOfARealAnswer() throws {
        let replies = try NetlinkMessage.split(Fixture.bytes("genl-ctrl-getfamily-nlctrl.bin"))
        #expect(replies.count == 1)
        #expect(try NetlinkSocket.familyID(in: replies, context: "test") == 0x10)
    }

    @Test func anAbsentFamilyIsTheKernelsENOENT() throws {
        let replies = try NetlinkMessage.split(Fixture.bytes("genl-ctrl-getfamily-ipvs-enoent.bin"))
        #expect(replies.first?.errorCode == ENOENT)
    }

    @Test func everyTruncationOfARealAnswerIsAnErrorNotAnAbsentFamily() throws {
        let answer = try Fixture.bytes("genl-ctrl-getfamily-nlctrl.bin")
        var parsed = 0
        for length in 0..<answer.count {
            do {
                let messages = try NetlinkMessage.split(answer[0..<length])
                let id = try NetlinkSocket.familyID(in: messages, context: "test")
                // Cutting only the trailing attributes may leave the id intact, and then it is right.
                #expect(id == 0x10)
                parsed += 1
            } catch {
                guard case .malformed = error else {
                    Issue.record("length \(length): \(error)")
                    continue
                }
            }
        }
        #expect(parsed == 0, "the nlmsghdr length no longer matches any shorter buffer")
    }
}
