import Testing
@testable import ExporterCore

@Suite struct ExpositionEncoderTests {
    static let bytes = MetricDescriptor.counter("x_bytes_total", "Bytes \"seen\" with a \\ backslash\nand a newline.", labels: ["device"])
    static let temperature = MetricDescriptor.gauge("a_temperature", "A gauge.")

    func sink() -> MetricSink {
        var sink = MetricSink()
        sink.add(Self.bytes, ["zeta"], UInt64.max)
        sink.add(Self.bytes, ["al\"pha\\\nx"], UInt64(7))
        sink.add(Self.temperature, [], Double.nan)
        return sink
    }

    @Test func textFormatSortsFamiliesAndSeriesAndKeepsUInt64Exact() {
        let text = ExpositionEncoder(format: .text).encode(sink().sortedFamilies())
        #expect(text == """
            # HELP a_temperature A gauge.
            # TYPE a_temperature gauge
            a_temperature NaN
            # HELP x_bytes_total Bytes "seen" with a \\\\ backslash\\nand a newline.
            # TYPE x_bytes_total counter
            x_bytes_total{device="al\\"pha\\\\\\nx"} 7
            x_bytes_total{device="zeta"} 18446744073709551615

            """)
    }

    /// An empty label value is no label to Prometheus: such labels are left out, wherever they
    /// are (first, between, last, in the merged prefix), and a line with none has no braces.
    @Test func labelsWithEmptyValuesAreLeftOut() {
        let family = MetricDescriptor.gauge("x_info", "Info.", labels: ["a", "b", "c"])
        var partial = MetricSink()
        partial.add(family, ["", "2", ""], UInt64(1))
        partial.add(family, ["1", "", "3"], UInt64(2))
        partial.add(family, ["", "", ""], UInt64(3))
        partial.add(family, ["1", "2", "3"], UInt64(4))
        var scrape = MetricSink()
        scrape.merge(partial, prefixLabels: ["netns"], values: [""])
        scrape.merge(partial, prefixLabels: ["netns"], values: ["n"])
        for format in [ExpositionFormat.text, .openMetrics] {
            let lines = ExpositionEncoder(format: format).encode(scrape.sortedFamilies()).split(separator: "\n").filter { !$0.hasPrefix("#") }
            #expect(lines == [
                "x_info 3", "x_info{b=\"2\"} 1", "x_info{a=\"1\",c=\"3\"} 2", "x_info{a=\"1\",b=\"2\",c=\"3\"} 4",
                "x_info{netns=\"n\"} 3", "x_info{netns=\"n\",b=\"2\"} 1", "x_info{netns=\"n\",a=\"1\",c=\"3\"} 2",
                "x_info{netns=\"n\",a=\"1\",b=\"2\",c=\"3\"} 4",
            ], "\(format)")
        }
    }

    @Test func openMetricsNamesCounterFamiliesWithoutTotalAndEndsWithEOF() {
        let text = ExpositionEncoder(format: .openMetrics).encode(sink().sortedFamilies())
        #expect(text.contains("# TYPE x_bytes counter\n"))
        #expect(text.contains("# HELP x_bytes Bytes \\\"seen\\\" with a \\\\ backslash\\nand a newline.\n"))
        #expect(text.contains("x_bytes_total{device=\"zeta\"} 18446744073709551615\n"))
        #expect(text.hasSuffix("# EOF\n"))
    }

    @Test func histogramsWriteCumulativeBucketsSumAndCount() {
        let latency = MetricDescriptor.histogram("probe_seconds", "Latency.", labels: ["host"])
        var sink = MetricSink()
        sink.add(latency, ["a"], .histogram(HistogramSnapshot(upperBounds: [0.001, 0.5], cumulativeCounts: [1, 3], sum: 0.75, count: 4)))
        let text = ExpositionEncoder(format: .text).encode(sink.sortedFamilies())
        #expect(text.contains("probe_seconds_bucket{host=\"a\",le=\"0.001\"} 1\n"))
        #expect(text.contains("probe_seconds_bucket{host=\"a\",le=\"0.5\"} 3\n"))
        #expect(text.contains("probe_seconds_bucket{host=\"a\",le=\"+Inf\"} 4\n"))
        #expect(text.contains("probe_seconds_sum{host=\"a\"} 0.75\n"))
        #expect(text.contains("probe_seconds_count{host=\"a\"} 4\n"))
    }

    @Test func floatsUsePrometheusSpellings() {
        #expect(ExpositionEncoder.format(.infinity) == "+Inf")
        #expect(ExpositionEncoder.format(-.infinity) == "-Inf")
        #expect(ExpositionEncoder.format(.nan) == "NaN")
        #expect(ExpositionEncoder.format(0.25) == "0.25")
        #expect(Double(ExpositionEncoder.format(1e-7)) == 1e-7)
    }

    @Test func declaredFamiliesWithoutSamplesStillHaveHelpAndType() {
        var sink = MetricSink()
        sink.declare(Self.temperature)
        #expect(ExpositionEncoder(format: .text).encode(sink.sortedFamilies()) == "# HELP a_temperature A gauge.\n# TYPE a_temperature gauge\n")
    }

    @Test func mergingPrefixesLabelsOfEverySample() {
        var partial = MetricSink()
        partial.add(Self.bytes, ["eth0"], UInt64(1))
        var total = MetricSink()
        total.merge(partial, prefixLabels: ["netns"], values: ["ingress_sbox"])
        total.merge(partial, prefixLabels: ["netns"], values: ["lb_abc"])
        let text = ExpositionEncoder(format: .text).encode(total.sortedFamilies())
        #expect(text.contains("x_bytes_total{netns=\"ingress_sbox\",device=\"eth0\"} 1\n"))
        #expect(text.contains("x_bytes_total{netns=\"lb_abc\",device=\"eth0\"} 1\n"))
    }

    /// Namespaces merged in the order their collections finish come out in label order, whether
    /// the merge was told each one's rank or the labels are compared; runs with no prefix first.
    @Test func rankedMergesComeOutInLabelOrder() {
        let namespaces = ["lb_c", "ingress_sbox", "lb_a", "lb_b"]
        var partial = MetricSink()
        partial.add(Self.bytes, ["eth1"], UInt64(2))
        partial.add(Self.bytes, ["eth0"], UInt64(1))
        var ranked = MetricSink()
        var compared = MetricSink()
        for name in namespaces {
            ranked.merge(partial, prefixLabels: ["netns"], values: [name], rank: namespaces.sorted().firstIndex(of: name)!)
            compared.merge(partial, prefixLabels: ["netns"], values: [name])
        }
        var unprefixed = MetricSink()
        unprefixed.add(MetricDescriptor.counter("x_bytes_total", "Bytes.", labels: ["netns", "device"]), ["a_first", "eth9"], UInt64(9))
        ranked.merge(unprefixed)
        compared.merge(unprefixed)
        let encoder = ExpositionEncoder(format: .text)
        let text = encoder.encode(ranked.sortedFamilies())
        #expect(text == encoder.encode(compared.sortedFamilies()))
        let order = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { String($0) }
        #expect(order == ["x_bytes_total{netns=\"a_first\",device=\"eth9\"} 9"] + namespaces.sorted().flatMap { name in
            ["x_bytes_total{netns=\"\(name)\",device=\"eth0\"} 1", "x_bytes_total{netns=\"\(name)\",device=\"eth1\"} 2"]
        })
    }
}

@Suite struct ExpositionFormatTests {
    @Test(arguments: [
        (nil, ExpositionFormat.text),
        ("text/plain", .text),
        ("application/openmetrics-text; version=1.0.0; charset=utf-8", .openMetrics),
        ("application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2", .openMetrics),
        ("application/openmetrics-text;version=2.0.0", .text),
        ("application/openmetrics-text;q=0.2,text/plain;q=0.9", .text),
        ("application/openmetrics-text;q=0", .text),
        ("*/*", .text),
    ] as [(String?, ExpositionFormat)])
    func negotiation(accept: String?, expected: ExpositionFormat) {
        #expect(ExpositionFormat.negotiate(accept: accept) == expected)
    }
}
