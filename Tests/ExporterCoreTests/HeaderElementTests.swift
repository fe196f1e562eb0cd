import Testing
@testable import ExporterCore

@Suite struct HeaderElementTests {
    @Test func quotedValuesKeepTheirCommasAndSemicolons() {
        let elements = HeaderElement.parse(#"text/plain; charset="a, b; c"; q=0.4 , application/openmetrics-text;version="1.0.0""#)
        #expect(elements.map(\.value) == ["text/plain", "application/openmetrics-text"])
        #expect(elements[0].parameter("charset") == "a, b; c")
        #expect(elements[0].quality == 0.4)
        #expect(elements[1].parameter("version") == "1.0.0")
        #expect(elements[1].quality == 1)
    }

    @Test func backslashEscapesInsideQuotes() {
        let elements = HeaderElement.parse(#"x/y; a="say \"hi\", \\ok""#)
        #expect(elements.count == 1)
        #expect(elements[0].parameter("a") == #"say "hi", \ok"#)
    }

    @Test func namesAreLowercasedAndEmptyElementsSkipped() {
        let elements = HeaderElement.parse(" , GZIP;Q=0 ,, *")
        #expect(elements.map(\.value) == ["gzip", "*"])
        #expect(elements[0].quality == 0)
        #expect(HeaderElement.parse("x; q=abc")[0].quality == 0, "a quality that is no number counts as 0")
    }

    @Test func negotiationReadsQuotedVersions() {
        #expect(ExpositionFormat.negotiate(accept: #"application/openmetrics-text; version="1.0.0""#) == .openMetrics)
        #expect(ExpositionFormat.negotiate(accept: #"application/openmetrics-text; version="9.9""#) == .text)
        #expect(ExpositionFormat.negotiate(accept: #"text/plain; x="a,application/openmetrics-text", application/openmetrics-text; q=0"#) == .text,
                "a media type named inside a quoted value is not offered")
    }
}
