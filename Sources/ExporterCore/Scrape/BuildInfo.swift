/// What the binary was built from, for `--version` and `swarm_ipvs_exporter_build_info`.
public struct BuildInfo: Sendable, Hashable {
    public let version: String
    public let revision: String
    public let swiftVersion: String

    public init(version: String, revision: String, swiftVersion: String = BuildInfo.compilerVersion) {
        self.version = version
        self.revision = revision
        self.swiftVersion = swiftVersion
    }

    /// The version of the compiler that built this module.
    public static var compilerVersion: String {
        #if compiler(>=6.4)
        "6.4"
        #elseif compiler(>=6.3.1)
        "6.3.1"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #else
        "6.1"
        #endif
    }
}
