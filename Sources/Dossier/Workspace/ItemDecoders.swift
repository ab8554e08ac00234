import Foundation
import Yams

/// What the item decoders need to know about the workspace they read.
struct DecodingEnvironment: Sendable {
    var scope: [String]
    var catalogs: ControlCatalogs?
    var evidence: EvidencePolicy
}

/// A reference to another item's id, checked once every file is loaded.
struct ItemReference: Sendable {
    enum Target: Sendable { case finding, anyItem }
    var id: String
    var target: Target
    var location: SourceLocation
}

extension MappingReader {
    /// Systems, each checked against the engagement's scope (a warning: scope may simply be incomplete).
    func systems(required: Bool, environment: DecodingEnvironment) -> [String] {
        let values = strings("systems", required: required)
        if !environment.scope.isEmpty {
            for (system, location) in values where !environment.scope.contains(system) {
                var message = "system '\(system)' is not in the engagement's scope (\(environment.scope.joined(separator: ", ")))"
                if let suggestion = Suggestions.closest(to: system, in: environment.scope) {
                    message += " — did you mean '\(suggestion)'?"
                } else {
                    message += " — add it to `scope` in engagement.yaml if it belongs there"
                }
                context.log.warning(message, at: location)
            }
        }
        return values.map(\.value)
    }

    /// Control references, each checked against the shipped catalogs.
    func controls(environment: DecodingEnvironment) -> [ControlReference] {
        var result: [ControlReference] = []
        for (text, location) in strings("controls") {
            guard let reference = ControlReference(text) else {
                let prefixes = ControlFramework.allowedValues.map { "\($0):" }.joined(separator: ", ")
                context.log.error("'\(text)' is not a control reference — write a catalog prefix (\(prefixes)) and an id, e.g. isms-p:2.9.2", at: location)
                continue
            }
            if let catalogs = environment.catalogs, !catalogs.contains(reference) {
                let hint = catalogs.suggestion(for: reference).map { " — did you mean '\($0)'?" } ?? " — see Templates/catalogs/ for the valid ids"
                context.log.error("control '\(text)' is not in the \(reference.framework.displayName) catalog\(hint)", at: location)
                continue
            }
            result.append(reference)
        }
        return result
    }

    func evidence(environment: DecodingEnvironment) -> [EvidenceReference] {
        mappings("evidence", element: "evidence entry").compactMap { entry in
            defer { entry.rejectUnknownKeys(["file", "caption"]) }
            guard let file = entry.string("file", required: true) else { return nil }
            let location = entry.location(of: "file")
            for problem in environment.evidence.problems(with: file) {
                context.log.error(problem, at: location)
            }
            return EvidenceReference(file: file, caption: entry.string("caption"), location: location)
        }
    }

    func references(_ key: String, target: ItemReference.Target) -> (ids: [String], checks: [ItemReference]) {
        let values = strings(key)
        return (values.map(\.value), values.map { ItemReference(id: $0.value, target: target, location: $0.location) })
    }
}

enum FindingDecoder {
    static let keys = ["id", "title", "summary", "severity", "category", "status", "systems", "tags", "detected", "due",
                       "owner", "effort", "controls", "metrics", "evidence", "audience"]

    static func decode(_ front: MappingReader, body: String, bodyLine: Int, environment: DecodingEnvironment) -> Finding? {
        front.rejectUnknownKeys(keys)
        let id = front.identifier("id")
        let title = front.string("title", required: true)
        let severity = front.enumeration("severity", Finding.Severity.self, required: true)
        let category = front.enumeration("category", Finding.Category.self, required: true)
        let status = front.enumeration("status", Finding.Status.self) ?? .open
        let systems = front.systems(required: true, environment: environment)
        let detected = front.day("detected")
        let due = front.day("due")
        if let detected, let due, due < detected {
            front.context.log.warning("'due' (\(due)) is before 'detected' (\(detected))", at: front.location(of: "due"))
        }
        let metrics = front.mappings("metrics", element: "metric").compactMap(decodeMetric)
        let finding = Finding(
            id: id ?? "", title: title ?? "", summary: front.string("summary"),
            severity: severity ?? .info, category: category ?? .operations, status: status,
            systems: systems, tags: front.strings("tags").map(\.value), detected: detected, due: due,
            owner: front.string("owner"), effort: front.enumeration("effort", Finding.Effort.self),
            controls: front.controls(environment: environment), metrics: metrics,
            evidence: front.evidence(environment: environment),
            audience: front.enumeration("audience", Audience.self) ?? .client,
            body: body, location: front.location(of: "id"), bodyLine: bodyLine)
        guard id != nil, title != nil, severity != nil, category != nil else { return nil }
        return finding
    }

    private static func decodeMetric(_ entry: MappingReader) -> Finding.Metric? {
        entry.rejectUnknownKeys(["name", "unit", "before", "after", "target", "better"])
        let name = entry.string("name", required: true)
        let metric = Finding.Metric(
            name: name ?? "", unit: entry.string("unit"), before: entry.number("before"), after: entry.number("after"),
            target: entry.number("target"), better: entry.enumeration("better", Finding.Metric.Direction.self) ?? .lower)
        if metric.before == nil && metric.after == nil {
            entry.context.warning("metric '\(metric.name)' has neither 'before' nor 'after' — add the measured values", at: entry.mark)
        }
        return name == nil ? nil : metric
    }
}

enum IncidentDecoder {
    static let keys = ["id", "title", "severity", "systems", "status", "summary", "impact", "root_cause", "timeline",
                       "actions", "related", "controls", "evidence", "audience"]

    static func decode(_ front: MappingReader, body: String, bodyLine: Int, environment: DecodingEnvironment) -> (Incident, [ItemReference])? {
        front.rejectUnknownKeys(keys)
        let id = front.identifier("id")
        let title = front.string("title", required: true)
        let severity = front.enumeration("severity", Incident.Severity.self, required: true)
        let systems = front.systems(required: true, environment: environment)
        let status = front.enumeration("status", Incident.Status.self) ?? .resolved
        let timeline = decodeTimeline(front)
        let actions = front.mappings("actions", element: "action").compactMap { entry -> Incident.Action? in
            entry.rejectUnknownKeys(["text", "owner", "due", "status"])
            guard let text = entry.string("text", required: true) else { return nil }
            return Incident.Action(text: text, owner: entry.string("owner"), due: entry.day("due"),
                                   status: entry.enumeration("status", Incident.Action.Status.self) ?? .open)
        }
        let related = front.references("related", target: .finding)
        let incident = Incident(
            id: id ?? "", title: title ?? "", severity: severity ?? .sev4, systems: systems, status: status,
            summary: front.string("summary"), impact: front.string("impact"), rootCause: front.string("root_cause"),
            timeline: timeline ?? [], actions: actions, related: related.ids,
            controls: front.controls(environment: environment), evidence: front.evidence(environment: environment),
            audience: front.enumeration("audience", Audience.self) ?? .client,
            body: body, location: front.location(of: "id"), bodyLine: bodyLine)
        guard id != nil, title != nil, severity != nil, let timeline else { return nil }
        checkMilestones(timeline, status: status, front: front)
        return (incident, related.checks)
    }

    /// The timeline, or nil when it is missing; entries must be in time order.
    private static func decodeTimeline(_ front: MappingReader) -> [Incident.TimelineEntry]? {
        guard front.node("timeline") != nil else {
            _ = front.mappings("timeline", required: true, element: "timeline entry")
            return nil
        }
        var entries: [Incident.TimelineEntry] = []
        for entry in front.mappings("timeline", required: true, element: "timeline entry") {
            entry.rejectUnknownKeys(["at", "kind", "text", "by"])
            let at = entry.timestamp("at", required: true)
            let kind = entry.enumeration("kind", Incident.TimelineEntry.Kind.self, required: true)
            let text = entry.string("text", required: true)
            guard let at, let kind else { continue }
            let location = entry.location(of: "at")
            if let previous = entries.last, at < previous.at {
                entry.context.log.error("timeline out of order: '\(kind.rawValue)' at \(at.text) is earlier than the entry before it ('\(previous.kind.rawValue)' at \(previous.at.text)) — list the entries in time order",
                                        at: location)
            }
            entries.append(Incident.TimelineEntry(at: at, kind: kind, text: text ?? "", by: entry.string("by"), location: location))
        }
        return entries
    }

    /// The durations and the golden-time verdict need these entries.
    private static func checkMilestones(_ timeline: [Incident.TimelineEntry], status: Incident.Status, front: MappingReader) {
        let kinds = Set(timeline.map(\.kind))
        let needed: [(Incident.TimelineEntry.Kind, String)] = [
            (.started, "time to detect, mitigate and resolve"),
            (.detected, "time to detect"),
            (.reported, "the golden-time verdict"),
            (.engaged, "the golden-time verdict"),
        ]
        let location = front.location(of: "timeline")
        for (kind, purpose) in needed where !kinds.contains(kind) {
            front.context.log.warning("timeline has no '\(kind.rawValue)' entry — \(purpose) cannot be computed", at: location)
        }
        if status == .resolved, !kinds.contains(.resolved) {
            front.context.log.warning("status is resolved but the timeline has no 'resolved' entry — add it, or set the status to open or mitigated", at: location)
        }
        if status != .open, !kinds.contains(.mitigated), !kinds.contains(.resolved) {
            front.context.log.warning("status is \(status.rawValue) but the timeline has no 'mitigated' entry", at: location)
        }
    }
}

enum ArticleDecoder {
    static let keys = ["id", "title", "kind", "tags", "systems", "related", "audience"]

    static func decode(_ front: MappingReader, body: String, bodyLine: Int, environment: DecodingEnvironment) -> (Article, [ItemReference])? {
        front.rejectUnknownKeys(keys)
        let id = front.identifier("id")
        let title = front.string("title", required: true)
        let related = front.references("related", target: .anyItem)
        let article = Article(
            id: id ?? "", title: title ?? "", kind: front.enumeration("kind", Article.Kind.self) ?? .note,
            tags: front.strings("tags").map(\.value), systems: front.systems(required: false, environment: environment),
            related: related.ids, audience: front.enumeration("audience", Audience.self) ?? .client,
            body: body, location: front.location(of: "id"), bodyLine: bodyLine)
        guard id != nil, title != nil else { return nil }
        return (article, related.checks)
    }
}

enum EngagementDecoder {
    static let keys = ["id", "title", "client", "type", "locale", "period", "provider", "consultants", "scope", "sla",
                       "retainer", "classification", "previous", "limits", "redaction", "brand"]

    static func decode(_ root: MappingReader, root folder: URL) -> Engagement? {
        root.rejectUnknownKeys(keys)
        let id = root.identifier("id")
        let title = root.string("title", required: true)
        let client = root.string("client", required: true)
        let kind = root.enumeration("type", Engagement.Kind.self, required: true)
        let locale = root.enumeration("locale", Engagement.Language.self) ?? .en
        var period: Engagement.Period?
        if let reader = root.mapping("period", required: true) {
            reader.rejectUnknownKeys(["from", "to"])
            if let from = reader.day("from", required: true), let to = reader.day("to", required: true) {
                if to < from {
                    root.context.error("period ends (\(to)) before it starts (\(from)) — swap 'from' and 'to'", at: reader.node("to")?.mark)
                }
                period = Engagement.Period(from: from, to: to)
            }
        }
        let provider = root.mapping("provider").flatMap { reader -> Engagement.Provider? in
            reader.rejectUnknownKeys(["name", "independent", "hotline"])
            guard let name = reader.string("name", required: true) else { return nil }
            return Engagement.Provider(name: name, independent: reader.bool("independent") ?? false, hotline: reader.string("hotline"))
        }
        let consultants = root.mappings("consultants", element: "consultant").compactMap { reader -> Engagement.Consultant? in
            reader.rejectUnknownKeys(["name", "role"])
            guard let name = reader.string("name", required: true) else { return nil }
            return Engagement.Consultant(name: name, role: reader.string("role"))
        }
        let serviceLevel = root.mapping("sla").flatMap { reader -> Engagement.ServiceLevel? in
            reader.rejectUnknownKeys(["golden_time"])
            guard let text = reader.string("golden_time", required: true) else { return nil }
            guard let span = TimeSpan(text) else {
                root.context.error("cannot read golden_time '\(text)' — write a duration such as 2h, 90m or 1h30m", at: reader.node("golden_time")?.mark)
                return nil
            }
            return Engagement.ServiceLevel(goldenTime: span)
        }
        let retainer = root.mapping("retainer").flatMap { reader -> Engagement.Retainer? in
            reader.rejectUnknownKeys(["contracted_mm", "used_mm"])
            guard let contracted = reader.number("contracted_mm", required: true), let used = reader.number("used_mm", required: true) else { return nil }
            return Engagement.Retainer(contractedManMonths: contracted, usedManMonths: used)
        }
        if kind == .retainer, retainer == nil, root.node("retainer") == nil {
            root.context.warning("a retainer engagement has no 'retainer' section — add `retainer: {contracted_mm: 3.0, used_mm: 1.25}` for the man-month figures", at: root.node("type")?.mark)
        }
        let limits = root.mapping("limits").map { reader -> Engagement.Limits in
            reader.rejectUnknownKeys(["evidence_max_bytes"])
            return Engagement.Limits(evidenceMaxBytes: reader.integer("evidence_max_bytes") ?? Engagement.Limits.defaultEvidenceMaxBytes)
        } ?? Engagement.Limits(evidenceMaxBytes: Engagement.Limits.defaultEvidenceMaxBytes)
        let scope = root.strings("scope").map(\.value)
        let classification = root.enumeration("classification", Engagement.Classification.self) ?? .confidential
        let previous = root.string("previous")
        if let previous {
            let engagementFile = URL(fileURLWithPath: previous, relativeTo: folder).appendingPathComponent(WorkspaceLoader.engagementFile)
            if !FileManager.default.fileExists(atPath: engagementFile.path) {
                root.context.warning("previous engagement '\(previous)' has no engagement.yaml — trends since the previous check are left out",
                                     at: root.node("previous")?.mark)
            }
        }
        let redaction = root.mapping("redaction").map(decodeRedaction) ?? Redactor.Configuration()
        let brand = root.mapping("brand").map { BrandDecoder.decode($0, folder: folder) }
        guard let id, let title, let client, let kind, let period else { return nil }
        return Engagement(id: id, title: title, client: client, kind: kind, locale: locale, period: period, provider: provider,
                          consultants: consultants, scope: scope, serviceLevel: serviceLevel, retainer: retainer,
                          classification: classification, previous: previous, limits: limits, redaction: redaction, brand: brand)
    }
}

extension EngagementDecoder {
    /// `redaction: {emails: true, phones: true, resident_numbers: true, extra: [{name, pattern}]}`.
    static func decodeRedaction(_ reader: MappingReader) -> Redactor.Configuration {
        reader.rejectUnknownKeys(["emails", "phones", "resident_numbers", "extra"])
        let extra = reader.mappings("extra", element: "redaction pattern").compactMap { entry -> Redactor.Configuration.ExtraPattern? in
            entry.rejectUnknownKeys(["name", "pattern"])
            guard let name = entry.identifier("name"), let pattern = entry.string("pattern", required: true) else { return nil }
            do {
                _ = try NSRegularExpression(pattern: pattern)
            } catch {
                entry.context.error("'pattern' is not a valid regular expression — check brackets and escapes", at: entry.node("pattern")?.mark)
                return nil
            }
            return Redactor.Configuration.ExtraPattern(name: name, pattern: pattern)
        }
        return Redactor.Configuration(emails: reader.bool("emails") ?? true, phones: reader.bool("phones") ?? true,
                                      residentNumbers: reader.bool("resident_numbers") ?? true, extra: extra)
    }
}

/// `brand:` in engagement.yaml or dossier.yaml: name, logo, colours and footer of the consultancy.
enum BrandDecoder {
    static let keys = ["name", "logo", "primary_color", "accent_color", "footer"]

    static func decode(_ reader: MappingReader, folder: URL) -> Engagement.Brand {
        reader.rejectUnknownKeys(keys)
        func color(_ key: String) -> String? {
            guard let value = reader.string(key) else { return nil }
            guard value.range(of: "^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$", options: .regularExpression) != nil else {
                reader.context.error("'\(key)' must be a colour like #1f4e79, not '\(value)'", at: reader.node(key)?.mark)
                return nil
            }
            return value
        }
        var logo: URL?
        if let path = reader.string("logo") {
            let policy = EvidencePolicy(root: folder, maxBytes: 2 * 1024 * 1024, subject: "logo", limitSetting: "logos are at most 2 MiB")
            let problems = policy.problems(with: path)
            let lowered = path.lowercased()
            if !problems.isEmpty {
                for problem in problems { reader.context.error(problem, at: reader.node("logo")?.mark) }
            } else if !(lowered.hasSuffix(".svg") || lowered.hasSuffix(".png")) {
                reader.context.error("the logo must be an SVG or PNG file, not '\(path)'", at: reader.node("logo")?.mark)
            } else {
                logo = folder.appendingPathComponent(path).standardizedFileURL
            }
        }
        return Engagement.Brand(name: reader.string("name"), logo: logo, primaryColor: color("primary_color"),
                                accentColor: color("accent_color"), footer: reader.string("footer"))
    }
}
