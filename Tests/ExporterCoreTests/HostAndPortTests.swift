import Testing
@testable import ExporterCore

@Suite struct HostAndPortTests {
    @Test(arguments: [
        ("10.0.0.1:53", "10.0.0.1", "53"),
        (":10118", "", "10118"),
        ("[::1]:80", "::1", "80"),
        ("[fe80::1%eth0]", "fe80::1%eth0", nil),
        ("fe80::1", "fe80::1", nil),
        ("web", "web", nil),
        ("web:", "web", ""),
    ] as [(String, String, String?)])
    func splits(text: String, host: String, port: String?) {
        let parsed = HostAndPort(text)
        #expect(parsed?.host == host)
        #expect(parsed?.port == port)
    }

    @Test(arguments: ["[::1", "[::1]80", "[::1]x:80"])
    func refusesBracketsThatDoNotCloseOrAreFollowedByOtherThanAPort(text: String) {
        #expect(HostAndPort(text) == nil)
    }
}
