import Foundation

/// `engagement.yaml`: one health check, incident-response engagement or retainer period.
public struct Engagement: Codable, Sendable, Hashable {
    public enum Kind: String, WorkspaceEnum {
        case healthCheck = "health-check"
        case incidentResponse = "incident-response"
        case retainer
    }

    public enum Language: String, WorkspaceEnum {
        case ko, en
    }

    public enum Classification: String, WorkspaceEnum {
        case `public`, `internal`, confidential
    }

    public struct Period: Codable, Sendable, Hashable {
        public var from: Day
        public var to: Day
    }

    public struct Provider: Codable, Sendable, Hashable {
        public var name: String
        public var independent: Bool
        public var hotline: String?
    }

    public struct Consultant: Codable, Sendable, Hashable {
        public var name: String
        public var role: String?
    }

    public struct ServiceLevel: Codable, Sendable, Hashable {
        /// The engineer is engaged within this time of the client's report.
        public var goldenTime: TimeSpan
    }

    public struct Retainer: Codable, Sendable, Hashable {
        public var contractedManMonths: Double
        public var usedManMonths: Double
    }

    public struct Limits: Codable, Sendable, Hashable {
        /// The largest evidence file accepted, in bytes.
        public var evidenceMaxBytes: Int

        public static let defaultEvidenceMaxBytes = 10 * 1024 * 1024
    }

    /// The consultancy's identity on reports and the knowledge base.
    public struct Brand: Codable, Sendable, Hashable {
        public var name: String?
        /// The logo file (SVG or PNG), absolute after loading.
        public var logo: URL?
        /// CSS colours, validated as `#rgb` or `#rrggbb`.
        public var primaryColor: String?
        public var accentColor: String?
        public var footer: String?

        public init(name: String? = nil, logo: URL? = nil, primaryColor: String? = nil, accentColor: String? = nil, footer: String? = nil) {
            self.name = name
            self.logo = logo
            self.primaryColor = primaryColor
            self.accentColor = accentColor
            self.footer = footer
        }

        /// This brand's values, with `fallback`'s where this one has none.
        public func merged(over fallback: Brand?) -> Brand {
            Brand(name: name ?? fallback?.name, logo: logo ?? fallback?.logo, primaryColor: primaryColor ?? fallback?.primaryColor,
                  accentColor: accentColor ?? fallback?.accentColor, footer: footer ?? fallback?.footer)
        }
    }

    public var id: String
    public var title: String
    public var client: String
    public var kind: Kind
    public var locale: Language
    public var period: Period
    public var provider: Provider?
    public var consultants: [Consultant]
    public var scope: [String]
    public var serviceLevel: ServiceLevel?
    public var retainer: Retainer?
    public var classification: Classification
    /// The earlier engagement's folder, relative to this workspace, for trends.
    public var previous: String?
    public var limits: Limits
    public var redaction: Redactor.Configuration
    public var brand: Brand?
}
