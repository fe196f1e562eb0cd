import ArgumentParser
import ExporterCore
import Logging

/// Says at start, in plain words, which namespace paths exist and which do not: on a machine that
/// is not a Swarm node (or before Docker created ingress_sbox) the exporter still serves, and
/// reports `swarm_ipvs_exporter_netns_up 0` until the namespace appears. A path that exists but
/// is no network namespace file is a usage error; so the exporter refuses to start.
enum StartupCheck {
    static func report(selector: NamespaceSelector, namespaceCollectors: Int, logger: Logger) throws {
        let selection = selector.select()
        let targets = selection.targets
        for (pattern, error) in selection.unreadable {
            logger.error("cannot expand a --namespace-path glob", metadata: ["pattern": "\(pattern)", "error": "\(error)"])
        }
        if targets.isEmpty {
            logger.warning("no namespace matches the --namespace-path patterns yet; they are re-expanded at every scrape",
                           metadata: ["patterns": "\(selector.patterns.joined(separator: ","))"])
        }
        for target in targets {
            switch NamespaceIdentity.of(path: target.path) {
            case .success(let identity):
                if case .failure(let refusal) = NamespaceFileCheck.check(path: target.path) {
                    if target.isLiteral { throw ValidationError("--namespace-path \(target.path): \(refusal)") }
                    logger.warning("matched path is not a network namespace; it reports netns_up 0",
                                   metadata: ["netns": "\(target.label)", "path": "\(target.path)", "reason": "\(refusal)"])
                    continue
                }
                logger.info("namespace found", metadata: ["netns": "\(target.label)", "path": "\(target.path)", "identity": "\(identity)"])
            case .failure(let error):
                logger.warning(
                    "namespace is absent: serving anyway, with swarm_ipvs_exporter_netns_up 0 for it until it appears (is this a Swarm node? use --namespace-path for other namespaces)",
                    metadata: ["netns": "\(target.label)", "path": "\(target.path)", "error": "\(error)"])
            }
        }
        checkDescriptors(namespaces: targets.count, collectors: namespaceCollectors, logger: logger)
    }

    /// Warns when the open file limit cannot hold the readers of every selected namespace.
    static func checkDescriptors(namespaces: Int, collectors: Int, logger: Logger) {
        guard let limit = FileDescriptors.limit, namespaces > 0, collectors > 0 else { return }
        let each = FileDescriptors.perNamespace(collectors: collectors)
        let reserve = FileDescriptors.reserve(limit: limit)
        let inUse = FileDescriptors.openCount ?? 0
        let needed = inUse + reserve + namespaces * each
        guard needed > limit else { return }
        logger.warning("the open file limit is too low for the selected namespaces: those beyond it report netns_up 0 until it is raised (ulimit -n, or ulimits: nofile: in the stack)", metadata: [
            "limit": "\(limit)", "needed": "\(needed)", "namespaces": "\(namespaces)", "descriptors_per_namespace": "\(each)",
            "namespaces_that_fit": "\(max(0, (limit - reserve - inUse) / each))",
        ])
    }
}
