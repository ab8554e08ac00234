import Crypto
import Foundation
import Markdown
import Parallel

/// The evidence pack auditors receive: client reports, redacted evidence, OSCAL, a control coverage
/// matrix, a manifest, `SHA256SUMS` over every file and an SSH signature of it — all checkable with
/// `sha256sum` and `ssh-keygen` alone.
public enum EvidencePack {
    /// The SSHSIG namespace of pack signatures (`ssh-keygen -Y verify -n dossier-evidence`).
    public static let namespace = "dossier-evidence"
    public static let sumsFile = "SHA256SUMS"
    public static let signatureFile = "SHA256SUMS.sig"
    public static let allowedSignersFile = "allowed_signers"
    public static let manifestFile = "manifest.json"

    /// Whether `identity` can go into `allowed_signers` and a shell command unquoted.
    public static func isValidIdentity(_ identity: String) -> Bool {
        !identity.isEmpty && identity.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._@+-".unicodeScalars.contains($0)) }
    }

    /// The signer of a pack: the key and the identity written into `allowed_signers`.
    public struct Signer: Sendable {
        public var key: SSHSigningKey
        public var identity: String

        public init(key: SSHSigningKey, identity: String) {
            self.key = key
            self.identity = identity
        }
    }

    struct ManifestEntry: Encodable {
        var path: String
        var sha256: String
        var size: Int
        var mediaType: String
        var source: [String]
        var collectedAt: String
        var controls: [String]
        enum CodingKeys: String, CodingKey {
            case path, sha256, size, source, controls
            case mediaType = "media-type", collectedAt = "collected-at"
        }
    }

    struct Manifest: Encodable {
        var schema = "dossier-evidence-manifest/1"
        var engagement: String
        var title: String
        var client: String
        var issuer: String
        var independent: Bool
        var period: String
        var generator: String
        var signed: Bool
        var files: [ManifestEntry]
    }

    /// The pack's files (paths relative to the pack folder), signed when `signer` is given.
    static func files(context: ReportContext, reports: [OutputFile], signer: Signer?) throws -> [OutputFile] {
        try files(context: context, reports: reports, signer: signer, generated: try generatedFiles(context))
    }

    /// The OSCAL documents and the coverage matrix: they depend on the context only, so a build
    /// makes them while other work runs.
    static func generatedFiles(_ context: ReportContext, cache: BuildCache? = nil) throws -> [OutputFile] {
        try oscalFiles(context, zone: timeZoneOffset(context), cache: cache) + coverageFiles(context)
    }

    static func files(context: ReportContext, reports: [OutputFile], signer: Signer?, generated: [OutputFile]) throws -> [OutputFile] {
        let engagement = context.engagement
        let zone = timeZoneOffset(context)
        var files: [OutputFile] = []
        var entries: [ManifestEntry] = []

        let reportDate = isoDate(engagement.period.to, offset: zone)
        for report in reports {
            // The report as it is (its bytes, or where they are: see `OutputFile.deferredSize`) under reports/.
            var file = report
            file.path = "reports/" + report.path
            files.append(file)
            entries.append(manifestEntry(path: file.path, size: report.size, sha256: report.sha256 ?? Digest.sha256(report.data),
                                         source: ["report"], collectedAt: reportDate, controls: []))
        }

        for citation in citations(context) {
            let item = context.evidence.item(citation.file)
            let path = packPath(forEvidence: citation.file)
            files.append(OutputFile(path: path, data: item.redactedData))
            entries.append(manifestEntry(path: path, data: item.redactedData, source: citation.sources,
                                         collectedAt: citation.collectedAt.map { isoTime($0) } ?? reportDate,
                                         controls: citation.controls.map(\.description)))
        }

        for file in generated {
            files.append(file)
            entries.append(manifestEntry(path: file.path, data: file.data, sha256: file.sha256, source: ["dossier"], collectedAt: reportDate, controls: []))
        }

        let readme = OutputFile(path: "README.md", data: Data(readme(context, signer: signer, files: files.map(\.path) + ["README.md", manifestFile, sumsFile]
                                                                                + (signer == nil ? [] : [allowedSignersFile, signatureFile])).utf8))
        files.append(readme)
        entries.append(manifestEntry(path: readme.path, data: readme.data, source: ["dossier"], collectedAt: reportDate, controls: []))
        if let signer {
            let line = signer.key.allowedSignersLine(identity: signer.identity, namespace: namespace) + "\n"
            let allowed = OutputFile(path: allowedSignersFile, data: Data(line.utf8))
            files.append(allowed)
            entries.append(manifestEntry(path: allowed.path, data: allowed.data, source: ["dossier"], collectedAt: reportDate, controls: []))
        }

        let manifest = Manifest(
            engagement: engagement.id, title: engagement.title, client: engagement.client,
            issuer: engagement.provider?.name ?? context.brand.name ?? "", independent: engagement.provider?.independent ?? false,
            period: "\(engagement.period.from)/\(engagement.period.to)", generator: "Dossier \(DossierVersion.current)",
            signed: signer != nil, files: entries.sorted { $0.path < $1.path })
        files.append(OutputFile(path: manifestFile, data: try OSCAL.encode(manifest)))

        // Every file but the manifest was hashed for the manifest already: the digests go with the
        // files, so that writing them does not hash them again.
        let hashed = Dictionary(entries.map { ($0.path, $0.sha256) }, uniquingKeysWith: { first, _ in first })
        files = files.map { file in
            var hashedFile = file
            hashedFile.sha256 = hashed[file.path] ?? Digest.sha256(file.data)
            return hashedFile
        }
        files.sort { $0.path < $1.path }
        let sums = files.map { "\($0.sha256!)  \($0.path)\n" }.joined()
        files.append(OutputFile(path: sumsFile, data: Data(sums.utf8)))
        if let signer {
            let signature = try SSHSignature.sign(Data(sums.utf8), namespace: namespace, key: signer.key)
            files.append(OutputFile(path: signatureFile, data: Data(signature.utf8)))
        }
        return files
    }

    // MARK: Evidence

    struct Citation {
        var file: String
        var sources: [String]
        var controls: [Dossier.ControlReference]
        var collectedAt: Timestamp?
    }

    /// Every evidence file the client-audience items cite, with who cites it.
    static func citations(_ context: ReportContext) -> [Citation] {
        // Sources and controls are gathered as sets and sorted once at the end (an evidence file
        // may be cited by thousands of findings).
        var byFile: [String: (sources: Set<String>, controls: Set<Dossier.ControlReference>, collectedAt: Timestamp?)] = [:]
        func add(_ file: String, source: String, controls: [Dossier.ControlReference], at: Timestamp?) {
            byFile[file, default: ([], [], nil)].sources.insert(source)
            byFile[file]!.controls.formUnion(controls)
            if let at, byFile[file]!.collectedAt.map({ at < $0 }) ?? true { byFile[file]!.collectedAt = at }
        }
        let zone = timeZoneOffset(context)
        // The start of each detection day, parsed once per day rather than once per finding.
        var dayStarts: [Day: Timestamp?] = [:]
        func start(of day: Day) -> Timestamp? {
            if let known = dayStarts[day] { return known }
            let parsed = try? Timestamp.parse(isoDate(day, offset: zone)).get()
            dayStarts[day] = parsed
            return parsed
        }
        for finding in context.findings {
            let at = finding.detected.flatMap(start(of:))
            for reference in finding.evidence { add(reference.file, source: finding.id, controls: finding.controls, at: at) }
        }
        for incident in context.incidents {
            let at = incident.timeline.first?.at
            for reference in incident.evidence { add(reference.file, source: incident.id, controls: incident.controls, at: at) }
        }
        return byFile.map { file, cited in
            Citation(file: file, sources: cited.sources.sorted(), controls: cited.controls.sorted(), collectedAt: cited.collectedAt)
        }.sorted { $0.file < $1.file }
    }

    /// Where a cited file goes in the pack: `evidence/…` keeps its path; a file cited from elsewhere in
    /// the workspace goes under `evidence/workspace/`, so two citations never share a pack path.
    static func packPath(forEvidence file: String) -> String {
        file.hasPrefix("evidence/") ? file : "evidence/workspace/" + file
    }

    // MARK: OSCAL

    /// The UUID of `name` (`observation:F-001`, `party:client`, …) in the OSCAL documents of the
    /// engagement `engagementID`: the same on every build, so that documents and their entries
    /// refer to each other across builds.
    private static func oscalUUID(_ engagementID: String, _ name: String) -> String {
        StableUUID.make("dossier:\(engagementID):\(name)")
    }

    /// One finding's or incident's entries in the two OSCAL documents, written as JSON: an
    /// observation, then (findings only) a risk, the POA&M item ("" when resolved) and one finding
    /// entry per target. They depend on the item's file and the build's environment only, so the
    /// build cache keeps them and a rebuild writes unchanged items' entries as they were.
    private static func oscalEntries(_ context: ReportContext, zone: Int, cache: BuildCache?) throws -> [OSCALItemEntries] {
        let engagement = context.engagement
        let id = engagement.id
        @Sendable func uuid(_ name: String) -> String { oscalUUID(id, name) }
        let reportDate = isoDate(engagement.period.to, offset: zone)
        let findings = context.findings
        let incidents = context.incidents
        // The entries depend on the item's file and on the time zone of the report's dates, which
        // comes from the first incident's timeline, not from the item: both are in the key.
        @Sendable func key(_ kind: String, _ itemID: String, _ file: String) -> String? {
            guard let cache, let digest = context.workspace.sourceDigests[file] else { return nil }
            return BuildCache.key { parts in
                parts.add(cache.environmentBytes)
                parts.add(kind)
                parts.add(itemID)
                parts.add(digest)
                parts.add("zone \(zone)")
                parts.add(reportDate)
            }
        }
        @Sendable func findingEntries(_ finding: Finding) throws -> [JSONFragment] {
            let observationUUID = uuid("observation:\(finding.id)")
            let riskUUID = uuid("risk:\(finding.id)")
            var entries = [
                PrettyJSON.fragment(tree: OSCAL.Observation(
                    uuid: observationUUID, title: "\(finding.id) \(finding.title)",
                    description: finding.summary ?? finding.title,
                    props: [OSCAL.Property(name: "label", value: finding.id)], methods: ["EXAMINE", "TEST"], types: ["finding"],
                    collected: finding.detected.map { isoDate($0, offset: zone) } ?? reportDate,
                    relevantEvidence: finding.evidence.isEmpty ? nil : finding.evidence.map {
                        OSCAL.RelevantEvidence(href: "../" + packPath(forEvidence: $0.file), description: $0.caption ?? $0.file)
                    })),
                PrettyJSON.fragment(tree: OSCAL.Risk(
                    uuid: riskUUID, title: "\(finding.id) \(finding.title)",
                    description: finding.summary ?? finding.title,
                    statement: "Severity \(finding.severity.rawValue), category \(finding.category.rawValue), systems \(finding.systems.joined(separator: ", ")).",
                    props: [OSCAL.Property(name: "label", value: finding.id)],
                    status: riskStatus(finding.status), deadline: finding.due.map { isoDate($0, offset: zone) })),
                finding.status == .resolved ? JSONFragment(text: "") : PrettyJSON.fragment(tree: OSCAL.POAMItem(
                    uuid: uuid("poam-item:\(finding.id)"), title: "\(finding.id) \(finding.title)",
                    description: finding.summary ?? finding.title,
                    props: [OSCAL.Property(name: "label", value: finding.id)],
                    relatedObservations: [OSCAL.ObservationReference(observationUUID: observationUUID)],
                    relatedRisks: [OSCAL.RiskReference(riskUUID: riskUUID)])),
            ]
            let targets = finding.controls.isEmpty ? ["dossier-" + finding.id.lowercased()] : finding.controls.map(OSCAL.token)
            for target in targets {
                entries.append(PrettyJSON.fragment(tree: OSCAL.FindingEntry(
                    uuid: uuid("finding:\(finding.id):\(target)"), title: "\(finding.id) \(finding.title)",
                    description: finding.summary ?? finding.title,
                    target: OSCAL.Target(targetID: target, status: .init(state: finding.status == .resolved ? "satisfied" : "not-satisfied")),
                    relatedObservations: [OSCAL.ObservationReference(observationUUID: observationUUID)],
                    relatedRisks: [OSCAL.RiskReference(riskUUID: riskUUID)])))
            }
            return entries
        }
        @Sendable func incidentEntries(_ incident: Incident) throws -> [JSONFragment] {
            [PrettyJSON.fragment(tree: OSCAL.Observation(
                uuid: uuid("observation:\(incident.id)"), title: "\(incident.id) \(incident.title)",
                description: incident.summary ?? incident.title,
                props: [OSCAL.Property(name: "label", value: incident.id)], methods: ["EXAMINE"], types: ["historic"],
                collected: incident.timeline.first.map { isoTime($0.at) } ?? reportDate,
                relevantEvidence: [OSCAL.RelevantEvidence(href: "../reports/incidents/\(ReportContext.fileSafe(incident.id)).html",
                                                          description: "Incident postmortem")]
                    + incident.evidence.map { OSCAL.RelevantEvidence(href: "../" + packPath(forEvidence: $0.file), description: $0.caption ?? $0.file) }))]
        }
        /// Item `index`'s entries: the previous build's under `key`, or made and kept for the next.
        @Sendable func fragments(_ index: Int, key: String?) throws -> [JSONFragment] {
            if let key, let texts = cache?.memo(key), !texts.isEmpty { return texts.map { JSONFragment(text: $0) } }
            let made = try index < findings.count ? findingEntries(findings[index]) : incidentEntries(incidents[index - findings.count])
            if let key, let cache { cache.memoize(key, made.map(\.text)) }
            return made
        }
        let count = findings.count + incidents.count
        let entries = ParallelSlots<Result<OSCALItemEntries, any Error>>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let key = index < findings.count ? key("oscal-finding", findings[index].id, findings[index].location.file)
                                             : key("oscal-incident", incidents[index - findings.count].id, incidents[index - findings.count].location.file)
            // The entries' digest alone when the memo has it: the documents may be reused whole.
            if let key, let digest = cache?.memo(OSCALItemEntries.digestKey(key))?.first {
                entries[index] = .success(OSCALItemEntries(key: key, digest: digest, fragments: nil, make: { try fragments(index, key: key) }))
                return
            }
            entries[index] = Result { try fragments(index, key: key) }.map { fragments in
                let digest = BuildCache.key(fragments.map(\.text))
                if let key, let cache { cache.memoize(OSCALItemEntries.digestKey(key), [digest]) }
                return OSCALItemEntries(key: key, digest: digest, fragments: fragments, make: { fragments })
            }
        }
        return try (0..<count).map { try entries[$0]!.get() }
    }

    /// One item's OSCAL entries: their digest, and the entries themselves unless only the digest
    /// was looked up (`make` gives them then).
    struct OSCALItemEntries: Sendable {
        var key: String?
        var digest: String
        var fragments: [JSONFragment]?
        var make: @Sendable () throws -> [JSONFragment]

        static func digestKey(_ key: String) -> String { "digest:" + key }
    }

    static func oscalFiles(_ context: ReportContext, zone: Int, cache: BuildCache? = nil) throws -> [OutputFile] {
        let engagement = context.engagement
        let id = engagement.id
        func uuid(_ name: String) -> String { oscalUUID(id, name) }
        let provider = OSCAL.Party(uuid: uuid("party:provider"), name: engagement.provider?.name ?? context.brand.name ?? "Assessor")
        let client = OSCAL.Party(uuid: uuid("party:client"), name: engagement.client)
        let metadata = { (title: String) in
            OSCAL.Metadata(title: title, lastModified: isoDate(engagement.period.to, offset: zone), version: "1.0",
                           roles: [OSCAL.Role(id: "assessor", title: "Independent assessor"), OSCAL.Role(id: "client", title: "Assessed organization")],
                           parties: [provider, client],
                           responsibleParties: [OSCAL.ResponsibleParty(roleID: "assessor", partyUUIDs: [provider.uuid]),
                                                OSCAL.ResponsibleParty(roleID: "client", partyUUIDs: [client.uuid])])
        }
        let reportDate = isoDate(engagement.period.to, offset: zone)

        let items = try oscalEntries(context, zone: zone, cache: cache)
        let reviewed = Set(context.findings.flatMap(\.controls) + context.incidents.flatMap(\.controls)).sorted()
        let selection = reviewed.isEmpty
            ? OSCAL.ControlSelection(includeControls: nil, includeAll: [:])
            : OSCAL.ControlSelection(includeControls: reviewed.map { OSCAL.ControlReference(controlID: OSCAL.token($0)) }, includeAll: nil)
        let paths = (results: "oscal/assessment-results.json", poam: "oscal/poam.json")

        // The two documents are what their frame (everything but the entries) and the items'
        // entries make them: when both are the last build's, its files are reused as they are,
        // without reading the entries, writing 30 MB of JSON and hashing it.
        let documentsKey = try cache.map { cache in
            let frame = try documents(observations: [], risks: [], findings: [], poamItems: [])
            return BuildCache.key([cache.environment, "oscal-documents", String(context.findings.count),
                                   String(decoding: try OSCAL.encode(["assessment-results": frame.results]), as: UTF8.self),
                                   String(decoding: try OSCAL.encode(["plan-of-action-and-milestones": frame.poam]), as: UTF8.self)]
                                  + items.map(\.digest))
        }
        if let cache, let documentsKey, let digests = cache.memo(documentsKey), digests.count == 2,
           let resultsBytes = cache.previousFile(EvidencePack.outputFolder + paths.results, sha256: digests[0]),
           let poamBytes = cache.previousFile(EvidencePack.outputFolder + paths.poam, sha256: digests[1]) {
            // The entries stay in the memo for a build that changes them.
            cache.memoKeep(items.compactMap(\.key))
            return [OutputFile(path: paths.results, data: resultsBytes, sha256: digests[0]),
                    OutputFile(path: paths.poam, data: poamBytes, sha256: digests[1])]
        }

        // Findings first (observation, risk, POA&M item, finding entries), then incidents (observation).
        let loaded = ParallelSlots<Result<[JSONFragment], any Error>>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            loaded[index] = items[index].fragments.map { .success($0) } ?? Result { try items[index].make() }
        }
        var observations: [JSONPart<OSCAL.Observation>] = []
        var risks: [JSONPart<OSCAL.Risk>] = []
        var findings: [JSONPart<OSCAL.FindingEntry>] = []
        var poamItems: [JSONPart<OSCAL.POAMItem>] = []
        for index in items.indices {
            let parts = try loaded[index]!.get()
            observations.append(.encoded(parts[0]))
            guard index < context.findings.count else { continue }
            risks.append(.encoded(parts[1]))
            if !parts[2].text.isEmpty { poamItems.append(.encoded(parts[2])) }
            findings += parts.dropFirst(3).map { .encoded($0) }
        }
        let (results, poam) = try documents(observations: observations, risks: risks, findings: findings, poamItems: poamItems)
        // About what each document will take: its fragments, indented deeper, and a little more.
        func size<T>(_ parts: [JSONPart<T>]) -> Int {
            parts.reduce(0) { total, part in if case .encoded(let fragment) = part { total + fragment.text.utf8.count } else { total } }
        }
        let capacities = (results: (size(observations) + size(risks) + size(findings)) * 3 / 2 + (1 << 16),
                          poam: (size(observations) + size(risks) + size(poamItems)) * 5 / 4 + (1 << 16))
        // The two documents are encoded at the same time.
        let encoded = ParallelSlots<Result<Data, any Error>>(count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            encoded[index] = index == 0 ? Result { try OSCAL.encode(["assessment-results": results], capacity: capacities.results) }
                                        : Result { try OSCAL.encode(["plan-of-action-and-milestones": poam], capacity: capacities.poam) }
        }
        let files = [OutputFile(path: paths.results, data: try encoded[0]!.get()), OutputFile(path: paths.poam, data: try encoded[1]!.get())]
        guard let cache, let documentsKey else { return files }
        let digests = files.map { Digest.sha256($0.data) }
        cache.memoize(documentsKey, digests)
        return zip(files, digests).map { OutputFile(path: $0.path, data: $0.data, sha256: $1) }

        /// The two documents around their entries.
        func documents(observations: [JSONPart<OSCAL.Observation>], risks: [JSONPart<OSCAL.Risk>], findings: [JSONPart<OSCAL.FindingEntry>],
                       poamItems: [JSONPart<OSCAL.POAMItem>]) throws -> (results: OSCAL.AssessmentResults, poam: OSCAL.POAM) {
            let results = OSCAL.AssessmentResults(
                uuid: uuid("assessment-results"), metadata: metadata("\(engagement.title) — assessment results"),
                importAP: OSCAL.ImportAP(href: "../README.md"),
                results: [OSCAL.Result(
                    uuid: uuid("result"), title: engagement.title,
                    description: "\(engagement.kind.rawValue) of \(engagement.client) by \(provider.name), \(engagement.period.from) to \(engagement.period.to).",
                    start: isoDate(engagement.period.from, offset: zone), end: reportDate,
                    reviewedControls: OSCAL.ReviewedControls(controlSelections: [selection]),
                    observations: observations.isEmpty ? nil : observations, risks: risks.isEmpty ? nil : risks,
                    findings: findings.isEmpty ? nil : findings)])
            let poam = OSCAL.POAM(
                uuid: uuid("poam"), metadata: metadata("\(engagement.title) — plan of action and milestones"),
                systemID: OSCAL.SystemID(id: uuid("system:\(engagement.client)")),
                observations: observations.isEmpty ? nil : observations, risks: risks.isEmpty ? nil : risks,
                poamItems: poamItems.isEmpty
                    ? [.value(OSCAL.POAMItem(uuid: uuid("poam-item:none"), title: "No open items", description: "Every finding is resolved.",
                                             props: [], relatedObservations: nil, relatedRisks: nil))]
                    : poamItems)
            return (results, poam)
        }
    }

    /// Where a build puts the pack's files, in the output folder.
    static let outputFolder = "evidence/"

    static func riskStatus(_ status: Finding.Status) -> String {
        switch status {
        case .open, .recurring: return "open"
        case .inProgress: return "remediating"
        case .accepted: return "deviation-approved"
        case .resolved: return "closed"
        }
    }

    // MARK: Coverage

    struct CoverageRow {
        var framework: ControlFramework
        var control: Control
        var findings: [String]
        var incidents: [String]
        var evidence: [String]
        var note: String

        var covered: Bool { !findings.isEmpty || !incidents.isEmpty || !note.isEmpty }
    }

    static func coverageRows(_ context: ReportContext) -> [CoverageRow] {
        guard let catalogs = try? ControlCatalogs.shipped.get() else { return [] }
        var rows: [CoverageRow] = []
        let provider = context.engagement.provider
        var findingsByControl: [Dossier.ControlReference: [Finding]] = [:]
        for finding in context.findings { for control in Set(finding.controls) { findingsByControl[control, default: []].append(finding) } }
        var incidentsByControl: [Dossier.ControlReference: [Incident]] = [:]
        for incident in context.incidents { for control in Set(incident.controls) { incidentsByControl[control, default: []].append(incident) } }
        for framework in ControlFramework.allCases {
            for control in catalogs.controls[framework] ?? [] {
                let reference = Dossier.ControlReference(framework: framework, id: control.id)
                let findings = findingsByControl[reference] ?? []
                let incidents = incidentsByControl[reference] ?? []
                let evidence = Set(findings.flatMap { $0.evidence.map(\.file) } + incidents.flatMap { $0.evidence.map(\.file) }).map(packPath).sorted()
                var note = ""
                if framework == .ismsP, control.id == "1.4.2", let provider, provider.independent {
                    note = context.engagement.locale == .ko
                        ? "독립된 제3자(\(provider.name))가 \(context.engagement.period.from)~\(context.engagement.period.to) 수행한 점검: reports/health-check.html"
                        : "Independent review by a third party (\(provider.name)), \(context.engagement.period.from) to \(context.engagement.period.to): reports/health-check.html"
                }
                rows.append(CoverageRow(framework: framework, control: control, findings: findings.map(\.id), incidents: incidents.map(\.id),
                                        evidence: evidence, note: note))
            }
        }
        return rows
    }

    static func coverageFiles(_ context: ReportContext) -> [OutputFile] {
        let rows = coverageRows(context)
        func csv(_ field: String) -> String {
            field.contains(",") || field.contains("\"") || field.contains("\n") ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        var text = "framework,control_id,title,status,findings,incidents,evidence,note\n"
        for row in rows {
            let title = context.engagement.locale == .ko ? (row.control.koreanTitle ?? row.control.title) : row.control.title
            text += [row.framework.displayName, row.control.id, title, row.covered ? "covered" : "no evidence",
                     row.findings.joined(separator: " "), row.incidents.joined(separator: " "), row.evidence.joined(separator: " "), row.note]
                .map(csv).joined(separator: ",") + "\n"
        }
        return [OutputFile(path: "coverage.csv", data: Data(text.utf8)), OutputFile(path: "coverage.html", data: Data(coverageHTML(rows, context).utf8))]
    }

    static func coverageHTML(_ rows: [CoverageRow], _ context: ReportContext) -> String {
        let ko = context.engagement.locale == .ko
        let e = HTML.escape
        var html = """
        <!DOCTYPE html>
        <html lang="\(context.engagement.locale.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <title>\(e(ko ? "통제 항목 커버리지" : "Control coverage")) — \(e(context.engagement.title))</title>
        <style>body{font-family:"Noto Sans CJK KR","Noto Sans KR","Malgun Gothic",sans-serif;margin:2rem;color:#1d2329}table{border-collapse:collapse;width:100%;margin-bottom:2rem}th,td{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top;font-size:.9em}th{background:#f4f6f8}tr.none td{color:#8a939c}</style>
        </head>
        <body>
        <h1>\(e(ko ? "통제 항목 커버리지" : "Control coverage")) — \(e(context.engagement.title))</h1>

        """
        for framework in ControlFramework.allCases {
            let members = rows.filter { $0.framework == framework }
            let covered = members.filter(\.covered).count
            html += "<h2>\(e(framework.displayName)) (\(covered) / \(members.count))</h2>\n<table>\n<thead><tr><th>ID</th><th>\(ko ? "통제 항목" : "Control")</th><th>\(ko ? "진단 결과" : "Findings")</th><th>\(ko ? "장애" : "Incidents")</th><th>\(ko ? "증적" : "Evidence")</th><th>\(ko ? "비고" : "Note")</th></tr></thead>\n<tbody>\n"
            for row in members {
                let title = ko ? (row.control.koreanTitle ?? row.control.title) : row.control.title
                let evidence = row.evidence.map { "<a href=\"\(e($0))\">\(e($0))</a>" }.joined(separator: "<br>")
                let note = row.covered ? row.note : (ko ? "이번 진단에서 관련 증적 없음" : "no evidence in this engagement")
                html += "<tr class=\"\(row.covered ? "covered" : "none")\"><td>\(e(row.control.id))</td><td>\(e(title))</td><td>\(e(row.findings.joined(separator: ", ")))</td><td>\(e(row.incidents.joined(separator: ", ")))</td><td>\(evidence)</td><td>\(e(note))</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        return html + "</body>\n</html>\n"
    }

    // MARK: README

    static func readme(_ context: ReportContext, signer: Signer?, files: [String]) -> String {
        let engagement = context.engagement
        let provider = engagement.provider?.name ?? context.brand.name ?? "—"
        let independent = engagement.provider?.independent ?? false
        let period = "\(engagement.period.from) – \(engagement.period.to)"
        let identity = signer?.identity ?? "<identity>"
        let verify = """
        ```sh
        sha256sum -c SHA256SUMS
        ssh-keygen -Y verify -f allowed_signers -I \(identity) -n \(namespace) -s SHA256SUMS.sig < SHA256SUMS
        ```
        """
        let fingerprint = signer.map { SSHSigningKey.fingerprint($0.key.publicKey) }
        let contents = files.sorted().map { "- \($0)" }.joined(separator: "\n")
        let m = MarkdownText.escape
        var text = """
        # \(m(engagement.title)) — 증적 패키지 / Evidence pack

        ## 한국어

        - 대상: \(m(engagement.client)) (\(m(engagement.id)))
        - 범위: \(m(engagement.scope.joined(separator: ", ")))
        - 기간: \(period)
        - 발행: \(m(provider))\(independent ? " — 고객사와 이해관계가 없는 독립된 제3자 전문가 그룹" : "")
        - 구성: 고객 전달용 보고서(reports/), 비식별 처리된 증적(evidence/), OSCAL 1.1.2 평가 결과와 조치 계획(oscal/), 통제 항목 커버리지(coverage.csv, coverage.html), 파일 목록과 해시(manifest.json), SHA256SUMS\(signer == nil ? "" : ", 서명(SHA256SUMS.sig, allowed_signers)")

        ### 검증 방법

        \(signer == nil ? "이 패키지는 서명되지 않았습니다. 파일 무결성은 `sha256sum -c SHA256SUMS`로 확인할 수 있지만 발행자는 확인할 수 없습니다." : "아래 명령이 모두 성공하면 발행 이후 어떤 파일도 바뀌지 않았습니다. allowed_signers의 공개 키 지문(\(fingerprint!))은 발행 기관에 별도 경로로 확인하십시오.")

        \(verify)

        ## English

        - Client: \(m(engagement.client)) (\(m(engagement.id)))
        - Scope: \(m(engagement.scope.joined(separator: ", ")))
        - Period: \(period)
        - Issuer: \(m(provider))\(independent ? " — an independent third party with no interest in the client's systems" : "")
        - Contents: client reports (reports/), redacted evidence (evidence/), OSCAL 1.1.2 assessment results and POA&M (oscal/), control coverage (coverage.csv, coverage.html), file list with hashes (manifest.json), SHA256SUMS\(signer == nil ? "" : ", signature (SHA256SUMS.sig, allowed_signers)")

        ### How to verify

        \(signer == nil ? "This pack is **unsigned**: `sha256sum -c SHA256SUMS` checks that the files are intact, but nothing proves who issued them." : "If both commands succeed, no file has changed since the pack was issued. Confirm the key fingerprint in allowed_signers (\(fingerprint!)) with the issuer through another channel.")

        \(verify)

        ## Files / 파일

        \(contents)

        """
        if signer == nil { text = text.replacingOccurrences(of: "ssh-keygen -Y verify -f allowed_signers -I <identity> -n \(namespace) -s SHA256SUMS.sig < SHA256SUMS\n", with: "") }
        return text
    }

    // MARK: Helpers

    static func manifestEntry(path: String, data: Data, sha256: String? = nil, source: [String], collectedAt: String, controls: [String]) -> ManifestEntry {
        manifestEntry(path: path, size: data.count, sha256: sha256 ?? Digest.sha256(data), source: source, collectedAt: collectedAt, controls: controls)
    }

    static func manifestEntry(path: String, size: Int, sha256: String, source: [String], collectedAt: String, controls: [String]) -> ManifestEntry {
        ManifestEntry(path: path, sha256: sha256, size: size, mediaType: mediaType(path), source: source, collectedAt: collectedAt, controls: controls)
    }

    static func mediaType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "txt", "log", "out", "trc": return "text/plain"
        case "md": return "text/markdown"
        case "html", "htm": return "text/html"
        case "pdf": return "application/pdf"
        case "json": return "application/json"
        case "csv": return "text/csv"
        case "yml", "yaml": return "application/yaml"
        case "xml": return "application/xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "svg": return "image/svg+xml"
        default: return "application/octet-stream"
        }
    }

    /// The engagement's UTC offset: that of its incident timelines, else Korea for Korean engagements.
    static func timeZoneOffset(_ context: ReportContext) -> Int {
        context.workspace.incidents.first?.timeline.first?.at.utcOffset ?? (context.engagement.locale == .ko ? 9 * 3600 : 0)
    }

    static func offsetText(_ offset: Int) -> String {
        guard offset != 0 else { return "Z" }
        let minutes = abs(offset) / 60
        return (offset < 0 ? "-" : "+") + zeroPadded(minutes / 60, 2) + ":" + zeroPadded(minutes % 60, 2)
    }

    static func isoDate(_ day: Day, offset: Int) -> String {
        "\(day)T00:00:00" + offsetText(offset)
    }

    static func isoTime(_ timestamp: Timestamp) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: timestamp.utcOffset) ?? TimeZone(secondsFromGMT: 0)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: timestamp.date)
        return zeroPadded(c.year ?? 0, 4) + "-" + zeroPadded(c.month ?? 0, 2) + "-" + zeroPadded(c.day ?? 0, 2) + "T"
            + zeroPadded(c.hour ?? 0, 2) + ":" + zeroPadded(c.minute ?? 0, 2) + ":" + zeroPadded(c.second ?? 0, 2)
            + offsetText(timestamp.utcOffset)
    }
}
