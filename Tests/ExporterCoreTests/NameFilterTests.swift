import Testing
@testable import ExporterCore

@Suite struct NameFilterTests {
    /// Names a filter is asked about: the pattern's own names, their prefixes and extensions,
    /// case changes and the empty name.
    private static let probes = [
        "", "Tcp_InErrs", "Tcp_InErr", "Tcp_InErrsX", "tcp_inerrs", "Udp_NoPorts", "Udp-NoPorts",
        "Udp_NoPorts|Tcp_InErrs", "Ip6InReceives", "eth0", "eth-0", "veth1234", "x",
    ]

    @Test func literalAlternativesMatchExactlyWhatTheAnchoredRegexMatches() throws {
        for pattern in ["Tcp_InErrs|Udp_NoPorts|Ip6InReceives", "eth0", "eth-0|x", "a|b|c"] {
            #expect(AnchoredRegex.literalAlternatives(pattern) != nil, "\(pattern) is a list of names")
            let filter = NameFilter(include: try NamePattern(pattern), exclude: nil)
            let regex = try Regex(pattern)
            for name in Self.probes {
                #expect(filter.accepts(name) == ((try? regex.wholeMatch(in: name)) != nil), "\(pattern) vs \(name)")
            }
        }
    }

    @Test func anythingARegexGivesAMeaningIsLeftToTheRegexEngine() throws {
        for pattern in ["eth.*", "a||b", "a|", "|a", "(a|b)", "eth[0-9]", "a+", "a.b", "^a$", "a\\|b", "é"] {
            #expect(AnchoredRegex.literalAlternatives(pattern) == nil, "\(pattern) is a regex")
        }
        let filter = NameFilter(include: try NamePattern("eth.*|veth[0-9]+"), exclude: try NamePattern("eth-0"))
        #expect(filter.accepts("eth0"))
        #expect(filter.accepts("veth1234"))
        #expect(!filter.accepts("eth-0"))
        #expect(!filter.accepts("x"))
    }
}
