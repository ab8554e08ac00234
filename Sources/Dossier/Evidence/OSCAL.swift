import Crypto
import Foundation

/// Name-based UUIDs (RFC 9562 version 5, SHA-1), so a rebuild gives every OSCAL object the same id.
enum StableUUID {
    /// Dossier's namespace for version-5 UUIDs.
    static let namespace: [UInt8] = [0x2b, 0x8f, 0x4e, 0x61, 0x0c, 0x3d, 0x4a, 0x57, 0x9e, 0x12, 0x6d, 0x71, 0xa8, 0x5c, 0x30, 0xe4]

    static func make(_ name: String) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: namespace)
        hasher.update(data: Data(name.utf8))
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return [bytes[0..<4], bytes[4..<6], bytes[6..<8], bytes[8..<10], bytes[10..<16]].map(Digest.hex).joined(separator: "-")
    }
}

/// OSCAL 1.1.2 documents: assessment results and a plan of action and milestones.
enum OSCAL {
    static let version = "1.1.2"

    struct Party: Encodable {
        var uuid: String
        var type = "organization"
        var name: String
    }

    struct Role: Encodable {
        var id: String
        var title: String
    }

    struct ResponsibleParty: Encodable {
        var roleID: String
        var partyUUIDs: [String]
        enum CodingKeys: String, CodingKey { case roleID = "role-id", partyUUIDs = "party-uuids" }
    }

    struct Property: Encodable {
        var name: String
        var value: String
        var ns: String? = nil
    }

    struct Metadata: Encodable {
        var title: String
        var lastModified: String
        var version: String
        var oscalVersion = OSCAL.version
        var roles: [Role]
        var parties: [Party]
        var responsibleParties: [ResponsibleParty]
        enum CodingKeys: String, CodingKey {
            case title, version, roles, parties
            case lastModified = "last-modified", oscalVersion = "oscal-version", responsibleParties = "responsible-parties"
        }
    }

    struct RelevantEvidence: Encodable {
        var href: String
        var description: String
    }

    struct Observation: Encodable {
        var uuid: String
        var title: String
        var description: String
        var props: [Property]
        var methods: [String]
        var types: [String]
        var collected: String
        var relevantEvidence: [RelevantEvidence]?
        enum CodingKeys: String, CodingKey {
            case uuid, title, description, props, methods, types, collected
            case relevantEvidence = "relevant-evidence"
        }
    }

    struct Risk: Encodable {
        var uuid: String
        var title: String
        var description: String
        var statement: String
        var props: [Property]
        var status: String
        var deadline: String?
    }

    struct ObservationReference: Encodable {
        var observationUUID: String
        enum CodingKeys: String, CodingKey { case observationUUID = "observation-uuid" }
    }

    struct RiskReference: Encodable {
        var riskUUID: String
        enum CodingKeys: String, CodingKey { case riskUUID = "risk-uuid" }
    }

    struct Target: Encodable {
        struct Status: Encodable { var state: String }
        var type = "objective-id"
        var targetID: String
        var status: Status
        enum CodingKeys: String, CodingKey { case type, status, targetID = "target-id" }
    }

    struct FindingEntry: Encodable {
        var uuid: String
        var title: String
        var description: String
        var target: Target
        var relatedObservations: [ObservationReference]
        var relatedRisks: [RiskReference]?
        enum CodingKeys: String, CodingKey {
            case uuid, title, description, target
            case relatedObservations = "related-observations", relatedRisks = "related-risks"
        }
    }

    struct ControlReference: Encodable {
        var controlID: String
        enum CodingKeys: String, CodingKey { case controlID = "control-id" }
    }

    struct ControlSelection: Encodable {
        var includeControls: [ControlReference]?
        var includeAll: [String: String]?
        enum CodingKeys: String, CodingKey { case includeControls = "include-controls", includeAll = "include-all" }
    }

    struct ReviewedControls: Encodable {
        var controlSelections: [ControlSelection]
        enum CodingKeys: String, CodingKey { case controlSelections = "control-selections" }
    }

    struct Result: Encodable {
        var uuid: String
        var title: String
        var description: String
        var start: String
        var end: String
        var reviewedControls: ReviewedControls
        var observations: [JSONPart<Observation>]?
        var risks: [JSONPart<Risk>]?
        var findings: [JSONPart<FindingEntry>]?
        enum CodingKeys: String, CodingKey {
            case uuid, title, description, start, end, observations, risks, findings
            case reviewedControls = "reviewed-controls"
        }
    }

    struct ImportAP: Encodable { var href: String }

    struct AssessmentResults: Encodable {
        var uuid: String
        var metadata: Metadata
        var importAP: ImportAP
        var results: [Result]
        enum CodingKeys: String, CodingKey { case uuid, metadata, results, importAP = "import-ap" }
    }

    struct SystemID: Encodable {
        var identifierType = "https://ietf.org/rfc/rfc4122"
        var id: String
        enum CodingKeys: String, CodingKey { case id, identifierType = "identifier-type" }
    }

    struct POAMItem: Encodable {
        var uuid: String
        var title: String
        var description: String
        var props: [Property]
        var relatedObservations: [ObservationReference]?
        var relatedRisks: [RiskReference]?
        enum CodingKeys: String, CodingKey {
            case uuid, title, description, props
            case relatedObservations = "related-observations", relatedRisks = "related-risks"
        }
    }

    struct POAM: Encodable {
        var uuid: String
        var metadata: Metadata
        var systemID: SystemID
        var observations: [JSONPart<Observation>]?
        var risks: [JSONPart<Risk>]?
        var poamItems: [JSONPart<POAMItem>]
        enum CodingKeys: String, CodingKey {
            case uuid, metadata, observations, risks
            case systemID = "system-id", poamItems = "poam-items"
        }
    }

    /// An OSCAL token for a control: `isms-p:2.9.2` → `ismsp-2.9.2`, `iso27001:A.8.6` → `iso27001-a.8.6`.
    static func token(_ reference: Dossier.ControlReference) -> String {
        let prefix = reference.framework == .ismsP ? "ismsp" : reference.framework.rawValue
        return (prefix + "-" + reference.id).lowercased()
    }

    /// The document as PrettyJSON writes it, and a line break; `capacity` as for `PrettyJSON.encode`.
    static func encode<T: Encodable>(_ value: T, capacity: Int = 1 << 20) throws -> Data {
        try PrettyJSON.encode(value, capacity: capacity, trailingNewline: true)
    }
}

/// The OSCAL entries written for every finding and incident, as `PrettyJSON` trees built directly:
/// `Codable`'s containers took most of the OSCAL phase (four fragments a finding). The fields and
/// their names are those of the `Encodable` conformances, which `OSCALTreeTests` holds them to.
protocol JSONTreeConvertible {
    var jsonTree: EncodedTree.Node { get }
}

extension EncodedTree.Node {
    /// An object of the given members, nil values left out (as `encodeIfPresent` does).
    static func members(_ members: [(String, EncodedTree.Node?)]) -> EncodedTree.Node {
        let object = EncodedTree.ObjectNode()
        object.members = members.compactMap { key, value in value.map { (key, $0) } }
        return .object(object)
    }

    static func list(_ values: [some JSONTreeConvertible]) -> EncodedTree.Node {
        let array = EncodedTree.ArrayNode()
        array.items = values.map(\.jsonTree)
        return .array(array)
    }

    static func strings(_ values: [String]) -> EncodedTree.Node {
        let array = EncodedTree.ArrayNode()
        array.items = values.map { .string($0) }
        return .array(array)
    }
}

extension OSCAL.Property: JSONTreeConvertible {
    var jsonTree: EncodedTree.Node { .members([("name", .string(name)), ("value", .string(value)), ("ns", ns.map { .string($0) })]) }
}

extension OSCAL.RelevantEvidence: JSONTreeConvertible {
    var jsonTree: EncodedTree.Node { .members([("href", .string(href)), ("description", .string(description))]) }
}

extension OSCAL.ObservationReference: JSONTreeConvertible {
    var jsonTree: EncodedTree.Node { .members([("observation-uuid", .string(observationUUID))]) }
}

extension OSCAL.RiskReference: JSONTreeConvertible {
    var jsonTree: EncodedTree.Node { .members([("risk-uuid", .string(riskUUID))]) }
}

extension OSCAL.Target: JSONTreeConvertible {
    var jsonTree: EncodedTree.Node {
        .members([("type", .string(type)), ("target-id", .string(targetID)), ("status", .members([("state", .string(status.state))]))])
    }
}

extension OSCAL.Observation: JSONTreeConvertible {
    var jsonTree: EncodedTree.Node {
        .members([("uuid", .string(uuid)), ("title", .string(title)), ("description", .string(description)), ("props", .list(props)),
                  ("methods", .strings(methods)), ("types", .strings(types)), ("collected", .string(collected)),
                  ("relevant-evidence", relevantEvidence.map { .list($0) })])
    }
}

extension OSCAL.Risk: JSONTreeConvertible {
    var jsonTree: EncodedTree.Node {
        .members([("uuid", .string(uuid)), ("title", .string(title)), ("description", .string(description)),
                  ("statement", .string(statement)), ("props", .list(props)), ("status", .string(status)),
                  ("deadline", deadline.map { .string($0) })])
    }
}

extension OSCAL.FindingEntry: JSONTreeConvertible {
    var jsonTree: EncodedTree.Node {
        .members([("uuid", .string(uuid)), ("title", .string(title)), ("description", .string(description)), ("target", target.jsonTree),
                  ("related-observations", .list(relatedObservations)), ("related-risks", relatedRisks.map { .list($0) })])
    }
}

extension OSCAL.POAMItem: JSONTreeConvertible {
    var jsonTree: EncodedTree.Node {
        .members([("uuid", .string(uuid)), ("title", .string(title)), ("description", .string(description)), ("props", .list(props)),
                  ("related-observations", relatedObservations.map { .list($0) }), ("related-risks", relatedRisks.map { .list($0) })])
    }
}
