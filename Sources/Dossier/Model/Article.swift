/// A knowledge-base article: runbook, FAQ, workshop Q&A, glossary or note (`articles/*.md`).
public struct Article: Codable, Sendable, Hashable, Identifiable {
    public enum Kind: String, WorkspaceEnum {
        case runbook, faq, workshop, glossary, note
    }

    public var id: String
    public var title: String
    public var kind: Kind
    public var tags: [String]
    public var systems: [String]
    /// Ids of findings, incidents or articles of the same workspace.
    public var related: [String]
    public var audience: Audience
    public var body: String
    public var location: SourceLocation
    public var bodyLine: Int
}
