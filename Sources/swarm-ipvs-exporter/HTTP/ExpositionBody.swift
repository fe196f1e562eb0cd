import CompressNIO
import ExporterCore
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// The body of a scrape, sent while it is encoded: pieces of `pieceSize` bytes written into one
/// reused buffer, gzip-compressed as one stream when the client asked for it. The text of a large
/// IPVS table is tens of megabytes; held whole (and copied for sending and compressing) it set
/// the exporter's memory peak and cost a page fault per 4 KiB of it at every scrape.
enum ExpositionBody {
    static let pieceSize = 64 * 1024

    /// - Parameters:
    ///   - admission: released when the body is done with (see `ScrapeAdmission`).
    ///   - hold: released once the body is written or abandoned (a cut connection), after which
    ///     free memory is given back: the families may have been the last copy.
    static func make(_ families: [MetricFamily], encoder: ExpositionEncoder, gzip: Bool, admission: ScrapeAdmission,
                     hold: CollectionSharing<ScrapeSelection, [MetricFamily]>.Hold) -> ResponseBody {
        // The families are handed over to the writer, so that they are freed once written and
        // before the free memory is given back: held by the closure to its end, one scrape's
        // samples would stay resident as free heap until the next scrape.
        let handover = NIOLockedValueBox(families)
        return ResponseBody { writer in
            defer { withExtendedLifetime(admission) {} }
            var chunks: ExpositionChunks? = encoder.chunks(of: handover.withLockedValue { families in
                defer { families = [] }
                return families
            }, size: pieceSize)
            defer {
                chunks = nil
                hold.release()
                MemoryPolicy.releaseFreeMemory()
            }
            var piece: [UInt8] = []
            piece.reserveCapacity(pieceSize + 16 * 1024)
            let compressor = gzip ? try startCompressor() : nil
            while chunks!.next(into: &piece) {
                var buffer = ByteBuffer(bytes: piece)
                piece.removeAll(keepingCapacity: true)
                if let compressor {
                    var compressed: [ByteBuffer] = []
                    try buffer.compressStream(with: compressor, flush: .no) { compressed.append($0) }
                    try await writer.write(contentsOf: compressed)
                } else {
                    try await writer.write(buffer)
                }
            }
            chunks = nil
            piece = []
            if let compressor {
                var compressed: [ByteBuffer] = []
                var end = ByteBuffer()
                try end.compressStream(with: compressor, flush: .finish) { compressed.append($0) }
                try compressor.finishStream()
                try await writer.write(contentsOf: compressed)
            }
            try await writer.finish(nil)
        }
    }

    private static func startCompressor() throws -> any NIOCompressor {
        let compressor = CompressionAlgorithm.gzip().compressor
        compressor.window = ByteBufferAllocator().buffer(capacity: pieceSize)
        try compressor.startStream()
        return compressor
    }
}
