import Testing
@testable import WebSecurity

@Suite struct BcryptHashTests {
    // Made by `htpasswd -nbB -C 4 x 'correct horse'` (Apache's $2y$), by Python's crypt module over
    // libxcrypt ($2b$), and the $2a$ vectors published with jBCrypt.
    static let vectors: [(hash: String, password: String)] = [
        ("$2y$04$tLso7Ae9emO3i25NbBHFledHaLy1paO2pF7D/pxvIzTDvc1l2KQGO", "correct horse"),
        ("$2b$05$Pb5f6pbyqYdTq65RH1VZ1udWFf22looSwCbpm2iDkD/WyV9t1v/Ki", "correct horse"),
        ("$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.", ""),
        ("$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i", "abc"),
    ]

    @Test(arguments: vectors.indices)
    func matchesOnlyItsPassword(index: Int) throws {
        let vector = Self.vectors[index]
        let hash = try BcryptHash(vector.hash)
        #expect(hash.matches(vector.password))
        #expect(!hash.matches(vector.password + "x"))
        #expect(!hash.matches("wrong"))
        #expect(!hash.matches(vector.password + "\u{0}tail"), "a NUL never matches")
    }

    @Test(arguments: [
        "", "secret", "$1$abc$def", "$2x$04$tLso7Ae9emO3i25NbBHFledHaLy1paO2pF7D/pxvIzTDvc1l2KQGO",
        "$2y$04$tLso7Ae9emO3i25NbBHFledHaLy1paO2pF7D/pxvIzTDvc1l2KQG",    // one character short
        "$2y$04$tLso7Ae9emO3i25NbBHFledHaLy1paO2pF7D/pxvIzTDvc1l2KQG!",   // not bcrypt's alphabet
        "$2y$ab$tLso7Ae9emO3i25NbBHFledHaLy1paO2pF7D/pxvIzTDvc1l2KQGO",
    ])
    func refusesWhatIsNotABcryptHash(text: String) {
        #expect(throws: WebConfigError.self) { try BcryptHash(text) }
    }

    @Test func refusesCostsThatWouldStallTheServer() {
        #expect(throws: WebConfigError("bcrypt cost 17 is outside 4…16")) {
            try BcryptHash("$2y$17$tLso7Ae9emO3i25NbBHFledHaLy1paO2pF7D/pxvIzTDvc1l2KQGO")
        }
        #expect(throws: WebConfigError.self) { try BcryptHash("$2y$03$tLso7Ae9emO3i25NbBHFledHaLy1paO2pF7D/pxvIzTDvc1l2KQGO") }
    }
}

@Suite struct BasicAuthenticatorTests {
    static let alice = try! BcryptHash("$2y$04$tLso7Ae9emO3i25NbBHFledHaLy1paO2pF7D/pxvIzTDvc1l2KQGO")

    @Test(arguments: [
        ("Basic YWxpY2U6Y29ycmVjdCBob3JzZQ==", BasicCredentials(user: "alice", password: "correct horse")),
        ("basic   YWxpY2U6Y29ycmVjdCBob3JzZQ==", BasicCredentials(user: "alice", password: "correct horse")),
        ("Basic YWxpY2U6YTpiOmM=", BasicCredentials(user: "alice", password: "a:b:c")),  // the password may hold colons
        ("Basic OnNlY3JldA==", BasicCredentials(user: "", password: "secret")),
    ] as [(String, BasicCredentials)])
    func parsesBasicCredentials(header: String, expected: BasicCredentials) {
        #expect(BasicCredentials(authorization: header) == expected)
    }

    @Test(arguments: ["", "Basic", "Basic ", "Bearer YWxpY2U6eA==", "Basic !!!", "Basic YWxpY2U=", "Basic //79/A==",
                      "Basic " + String(repeating: "A", count: 5000)])
    func refusesMalformedHeaders(header: String) {
        #expect(BasicCredentials(authorization: header) == nil)
    }

    @Test func rightWrongAndUnknown() {
        let authenticator = BasicAuthenticator(users: ["alice": Self.alice])
        #expect(authenticator.authorizes(BasicCredentials(user: "alice", password: "correct horse")))
        #expect(!authenticator.authorizes(BasicCredentials(user: "alice", password: "battery staple")))
        #expect(!authenticator.authorizes(BasicCredentials(user: "mallory", password: "correct horse")))
        #expect(!authenticator.authorizes(BasicCredentials(user: "Alice", password: "correct horse")), "user names are case-sensitive")
        #expect(authenticator.rememberedVerdict(for: BasicCredentials(user: "alice", password: "correct horse")) == true)
        #expect(authenticator.rememberedVerdict(for: BasicCredentials(user: "alice", password: "battery staple")) == false)
        #expect(authenticator.rememberedVerdict(for: BasicCredentials(user: "alice", password: "never tried")) == nil)
    }

    @Test func rememberedVerdictsAreBounded() {
        let authenticator = BasicAuthenticator(users: ["alice": Self.alice])
        for attempt in 0...BasicAuthenticator.cacheLimit {
            #expect(!authenticator.authorizes(BasicCredentials(user: "guesser\(attempt)", password: "x")))
        }
        // The cache started over when it was full: the first guess is no longer remembered.
        #expect(authenticator.rememberedVerdict(for: BasicCredentials(user: "guesser0", password: "x")) == nil)
        #expect(authenticator.rememberedVerdict(for: BasicCredentials(user: "guesser\(BasicAuthenticator.cacheLimit)", password: "x")) == false)
    }
}
