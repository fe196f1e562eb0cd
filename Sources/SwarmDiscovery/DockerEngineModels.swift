/// The parts of the Docker Engine API's answers that name Swarm's load balancers.
enum DockerEngine {
    /// `GET /networks` (one element).
    struct NetworkSummary: Decodable, Sendable {
        let id: String
        let name: String
        let scope: String?
        let driver: String?
        let ingress: Bool?

        enum CodingKeys: String, CodingKey {
            case id = "Id", name = "Name", scope = "Scope", driver = "Driver", ingress = "Ingress"
        }
    }

    /// `GET /networks/{id}?verbose=true&scope=swarm`.
    struct NetworkDetail: Decodable, Sendable {
        let id: String
        let name: String
        let ingress: Bool?
        let services: [String: ServiceInfo]?

        enum CodingKeys: String, CodingKey {
            case id = "Id", name = "Name", ingress = "Ingress", services = "Services"
        }
    }

    struct ServiceInfo: Decodable, Sendable {
        let vip: String?
        let ports: [String]?
        let localLBIndex: UInt32?
        let tasks: [TaskInfo]?

        enum CodingKeys: String, CodingKey {
            case vip = "VIP", ports = "Ports", localLBIndex = "LocalLBIndex", tasks = "Tasks"
        }
    }

    struct TaskInfo: Decodable, Sendable {
        let name: String?
        let endpointIP: String?
        let info: [String: String]?

        enum CodingKeys: String, CodingKey {
            case name = "Name", endpointIP = "EndpointIP", info = "Info"
        }
    }

    /// `GET /services` (one element; managers only): the protocol of each published port.
    struct Service: Decodable, Sendable {
        struct Spec: Decodable, Sendable {
            let name: String
            enum CodingKeys: String, CodingKey { case name = "Name" }
        }

        struct Endpoint: Decodable, Sendable {
            let ports: [Port]?
            enum CodingKeys: String, CodingKey { case ports = "Ports" }
        }

        struct Port: Decodable, Sendable {
            let protocolName: String?
            let targetPort: UInt16?
            let publishedPort: UInt16?
            let publishMode: String?

            enum CodingKeys: String, CodingKey {
                case protocolName = "Protocol", targetPort = "TargetPort", publishedPort = "PublishedPort", publishMode = "PublishMode"
            }
        }

        let spec: Spec
        let endpoint: Endpoint?

        enum CodingKeys: String, CodingKey { case spec = "Spec", endpoint = "Endpoint" }
    }
}
