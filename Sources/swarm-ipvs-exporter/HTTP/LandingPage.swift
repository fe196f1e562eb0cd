import ExporterCore

/// The page at `/`: what this is, which host it runs on, where the metrics are, which collectors and
/// namespaces it reads.
enum LandingPage {
    static func html(buildInfo: BuildInfo, hostname: String, telemetryPath: String, collectors: [String], namespacePaths: [String]) -> String {
        let path = escape(telemetryPath)
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>swarm-ipvs-exporter</title></head>
        <body>
        <h1>swarm-ipvs-exporter</h1>
        <p>Prometheus exporter for Docker Swarm's routing mesh: IPVS load balancers and network namespaces.</p>
        <p>host <code>\(escape(hostname))</code></p>
        <p><a href="\(path)">\(path)</a></p>
        <h2>Collectors</h2>
        <ul>\(collectors.map { "<li>\(escape($0))</li>" }.joined())</ul>
        <h2>Namespace paths</h2>
        <ul>\(namespacePaths.map { "<li><code>\(escape($0))</code></li>" }.joined())</ul>
        <p>version \(escape(buildInfo.version)), revision \(escape(buildInfo.revision)), Swift \(escape(buildInfo.swiftVersion))</p>
        </body>
        </html>

        """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
