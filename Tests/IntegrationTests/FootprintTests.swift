import Foundation
import Testing

/// The exporter does not load Foundation proper: with it come FoundationInternationalization and
/// ICU, about 8 MB of resident pages on every node (ARCHITECTURE.md, "Choices"). A new
/// `import Foundation` anywhere in the product's modules, or a dependency that needs it, fails here.
@Suite(.enabled(if: Shell.exists("ldd"), "needs ldd"))
struct FootprintTests {
    @Test func theBinaryLinksNeitherFoundationNorICU() throws {
        let listing = try Shell.run(["ldd", ExporterProcess.binary]).stdout
        let libraries = listing.split(separator: "\n").compactMap {
            $0.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init)
        }
        #expect(libraries.contains("libswiftCore.so"), "ldd listed: \(libraries)")
        #expect(libraries.contains("libFoundationEssentials.so"), "ldd listed: \(libraries)")
        for library in ["libFoundation.so", "libFoundationInternationalization.so", "lib_FoundationICU.so"] {
            #expect(!libraries.contains(library), "\(library) is linked again")
        }
    }

    /// libyaml is linked from its static archive: the image's runtime stage installs no libyaml.
    @Test func libyamlIsInsideTheBinary() throws {
        let listing = try Shell.run(["ldd", ExporterProcess.binary]).stdout
        #expect(!listing.contains("libyaml"), "ldd listed: \(listing)")
    }
}
