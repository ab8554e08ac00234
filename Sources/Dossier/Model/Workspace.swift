import Foundation

/// A loaded engagement folder: the engagement and every item, in file order.
public struct Workspace: Sendable {
    /// The folder, as an absolute URL.
    public var root: URL
    public var engagement: Engagement
    public var findings: [Finding]
    public var incidents: [Incident]
    public var articles: [Article]
    /// SHA-256 (hex) of each item file's text, by path relative to the workspace: what the build
    /// cache keys an item's pages on.
    public var sourceDigests: [String: String] = [:]

    public init(root: URL, engagement: Engagement, findings: [Finding], incidents: [Incident], articles: [Article]) {
        self.root = root
        self.engagement = engagement
        self.findings = findings
        self.incidents = incidents
        self.articles = articles
    }
}
