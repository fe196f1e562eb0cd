/// An exposition written a piece at a time: each `next(into:)` appends about `size` bytes (whole
/// lines), resuming where the previous piece stopped. What `ExpositionEncoder.chunks` returns.
public struct ExpositionChunks: Sendable {
    private let encoder: ExpositionEncoder
    private let families: [MetricFamily]
    private let size: Int
    private var family = 0
    private var run = 0
    private var sample = 0
    /// The current family's template; nil until its HELP and TYPE are written.
    private var template: LabelTemplate?
    private var finished = false

    init(encoder: ExpositionEncoder, families: [MetricFamily], size: Int) {
        self.encoder = encoder
        self.families = families
        self.size = max(1, size)
    }

    /// Appends the next piece to `out`; false (and nothing appended) once everything was written.
    public mutating func next(into out: inout [UInt8]) -> Bool {
        guard !finished else { return false }
        let start = out.count
        while family < families.count {
            let descriptor = families[family].descriptor
            if template == nil {
                encoder.writeHeader(descriptor, to: &out)
                template = LabelTemplate(metricName: descriptor.name, labelNames: descriptor.labelNames)
            }
            let runs = families[family].runs
            while run < runs.count {
                let samples = runs[run].samples
                while sample < samples.count {
                    encoder.writeSample(samples[sample], prefix: runs[run].prefix, of: descriptor, template: template!, to: &out)
                    sample += 1
                    if out.count - start >= size { return true }
                }
                run += 1
                sample = 0
            }
            family += 1
            run = 0
            template = nil
        }
        if encoder.format == .openMetrics { out.append(contentsOf: "# EOF\n".utf8) }
        finished = true
        return true
    }
}
