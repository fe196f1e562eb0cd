import Testing
import TestSupport
@testable import YAMLReader

/// YAMLReader against Yams, the library it replaced (each with its own libyaml and its own tree
/// builder, Yams's asked in a process of its own: `YamsOracle`): for every document both read, the
/// trees must be the same — structure, key order, each scalar's text and style.
@Suite struct YAMLAgainstYamsTests {
    static func expectSameAsYams(_ text: String, yams: YamsReading, sourceLocation: SourceLocation = #_sourceLocation) {
        let ours: YAMLNode?
        do {
            ours = try YAMLDocument.parse(text)
        } catch {
            Issue.record("YAMLReader refused a document Yams reads: \(error)\n\(text)", sourceLocation: sourceLocation)
            return
        }
        guard let theirs = yams.composed else {
            Issue.record("Yams refused the document (\(yams))\n\(text)", sourceLocation: sourceLocation)
            return
        }
        let mine = TreeRendering.line(ours)
        #expect(mine == theirs, "\n\(text)\nYAMLReader: \(mine)\nYams:       \(theirs)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        // The exporter's own files.
        """
        collectors:
          proc:
            file:
              - conntrack_count=sys/net/netfilter/nf_conntrack_count
            fields: "Tcp_.*|Udp_.*"
          dns:
            host: [tasks.web, tasks.api]
        """,
        """
        tls_server_config:
          cert_file: server.crt          # relative paths are relative to this file's folder
          key_file: server.key
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: clients-ca.crt
          min_version: TLS12
        http_server_config:
          http2: false
          headers:
            Strict-Transport-Security: max-age=31536000
            Content-Security-Policy: "default-src 'self'"
        basic_auth_users:
          prometheus: $2y$10$X6l6bqjkNLuG3LN8TmcFZ.4YfyhzG0cAj6bVQMMe9RGVHk4wQwQ7e
        """,
        // Block structure.
        "key: value\nother: 2\n",
        "a:\n  b:\n    c: deep\n  d: back\ne: top\n",
        "list:\n- one\n- two\nnext: x\n",
        "list:\n  - one\n  -   two\n  -\n    three\n",
        "- a: 1\n  b: 2\n- c: 3\n",
        "- - x\n  - y\n- - z\n",
        "-\n  - nested\n-\n  key: v\n",
        "a:\nb: ~\nc: null\nd:\n",
        "key:    spaced value   \n",
        "\"quoted key\": 1\n'single key': 2\nplain key with spaces: 3\n",
        "url: http://host:9100/metrics?x=1#frag\n",
        "hash: a#b\ncomment: value # trailing\n",
        "dash: -1\nq: ?x\ncolon: :x\n",
        "# only a comment at the top\n\nkey: v\n\n# and at the end\n",
        "---\nkey: v\n",
        "---\nkey: v\n...\n",
        "--- # comment after the marker\n- a\n",
        "--- [1, 2]\n",
        "\u{FEFF}key: with a byte order mark\n",
        "key: crlf\r\nother: line\r\n",
        // Plain scalars over several lines.
        "key: one\n  two\n  three\n",
        "key: one\n\n  two\n\n\n  three\n",
        "- item\n  continued\n- next\n",
        "a:\n  - x\n   - y\n",
        "plain\nat the top\n",
        // Quoted scalars.
        "a: 'it''s'\nb: \"say \\\"hi\\\"\"\n",
        "e: \"\\t\\n\\\\\\/\\x41\\u00e9\\U0001F600\\0\\a\\b\\e\\f\\r\\v\\N\\_\\L\\P\\ \"\n",
        "d: \"folded\n  over\n\n  lines\"\n",
        "s: 'folded\n  over\n\n  lines'\n",
        "d: \"escaped \\\n  break\"\n",
        "d: \"trailing   \n  spaces\"\n",
        "k: ''\nl: \"\"\n",
        // Block scalars.
        "lit: |\n  line one\n  line two\nnext: x\n",
        "lit: |-\n  stripped\n",
        "lit: |+\n  kept\n\n\nnext: x\n",
        "fold: >\n  folded\n  text\n\n  new paragraph\n    more indented\n  back\n",
        "fold: >-\n  a\n  b\n",
        "fold: >+\n  a\n\n",
        "lit: |2\n    two extra spaces\n  base\n",
        "- |\n  in a list\n- >\n  folded\n  item\n",
        "lit: |\n\n  leading empty line\n",
        "lit: |\nnext: empty literal\n",
        "lit: | # comment\n  text\n",
        "top: >\n a\n b\n\n",
        // Flow collections.
        "[]\n",
        "{}\n",
        "seq: [a, 'b c', \"d\", [e, f], {g: h}]\n",
        "map: {a: 1, b: [2, 3], 'c d': \"e\", f}\n",
        "multi: [\n  one,\n  two,   # comment\n  three,\n]\n",
        "m: {a: x,\n    b: y}\n",
        "plain: [long words\n  over lines, next]\n",
        "trailing: [a, b, ]\n",
        "urls: [http://a:1/x, https://b]\n",
        "empty: {a: , b: }\n",
    ])
    func readsWhatYamsReads(_ text: String) throws {
        Self.expectSameAsYams(text, yams: try YamsOracle.read(text))
    }

    @Test func randomDocumentsReadAsYamsReadsThem() throws {
        var generator = SeededGenerator(state: 0x59_414d_4c)
        var texts: [String] = []
        for _ in 0..<3_000 {
            var writer = RandomDocumentWriter(generator: generator)
            texts.append(writer.document())
            generator = writer.generator
        }
        var compared = 0
        var refusedByYams = 0
        for (text, yams) in zip(texts, try YamsOracle.read(texts)) {
            guard yams.composed != nil || (try? YAMLDocument.parse(text)) == .some(nil) else {
                refusedByYams += 1
                continue
            }
            compared += 1
            Self.expectSameAsYams(text, yams: yams)
        }
        // The writer only writes valid YAML; a high refusal rate would mean it tests little.
        #expect(refusedByYams * 20 < compared, "Yams refused \(refusedByYams) of \(compared + refusedByYams)")
    }
}
