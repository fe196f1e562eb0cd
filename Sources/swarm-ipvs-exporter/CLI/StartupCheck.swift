import ExporterCore
import Logging

/// Says at start, in plain words, which namespace paths exist and which do not: on a machine that
/// is not a Swarm node (or before Docker created ingress_sbox) the exporter still serves, and
/// reports `swarm_ipvs_exporter_netns_up 0` until the namespace appears.
enum StartupCheck {
    static func report(selector: NamespaceSelector, logger: Logger) async {
        let targets = selector.targets()
        if targets.isEmpty {
            logger.warning("no namespace matches the --namespace-path patterns yet; they are re-expanded at every scrape",
                           metadata: ["patterns": "\(selector.patterns.joined(separator: ","))"])
        }
        for target in targets {
            switch NamespaceIdentity.of(path: target.path) {
            case .success(let identity):
                logger.info("namespace found", metadata: ["netns": "\(target.label)", "path": "\(target.path)", "identity": "\(identity)"])
            case .failure(let error):
                logger.warning(
                    "namespace is absent: serving anyway, with swarm_ipvs_exporter_netns_up 0 for it until it appears (is this a Swarm node? use --namespace-path for other namespaces)",
                    metadata: ["netns": "\(target.label)", "path": "\(target.path)", "error": "\(error)"])
            }
        }
    }
}
