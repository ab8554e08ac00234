import Foundation
import Parallel

/// The outcome of loading a workspace: the model when nothing is in error, and every diagnostic.
public struct WorkspaceLoadResult: Sendable {
    public var workspace: Workspace?
    /// Sorted by file, line and column.
    public var diagnostics: [Diagnostic]
    public var fileCount: Int

    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
    public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }
}

/// Loads an engagement folder (`engagement.yaml`, `findings/`, `incidents/`, `articles/`) and checks
/// it, collecting every problem instead of stopping at the first.
public enum WorkspaceLoader {
    public static let engagementFile = "engagement.yaml"
    static let itemFolders = ["findings", "incidents", "articles"]

    /// `parsed`, when given, supplies items an earlier build parsed from unchanged files, and keeps
    /// what this load parses for the next one.
    public static func load(_ folder: URL, parsed: ParsedItemCache? = nil) -> WorkspaceLoadResult {
        var log = DiagnosticLog()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            log.error("not a workspace folder — give the folder that holds engagement.yaml (create one with `dossier init DIR`)",
                      at: SourceLocation(file: ".", line: 0, column: 0))
            return WorkspaceLoadResult(workspace: nil, diagnostics: log.sorted, fileCount: 0)
        }
        let root = folder.standardizedFileURL

        var catalogs: ControlCatalogs?
        switch ControlCatalogs.shipped {
        case .success(let loaded): catalogs = loaded
        case .failure(let error): log.error(error.description, at: SourceLocation(file: engagementFile, line: 0, column: 0))
        }

        let engagement = loadEngagement(root: root, log: &log)
        let environment = DecodingEnvironment(
            scope: engagement?.scope ?? [],
            catalogs: catalogs,
            evidence: EvidencePolicy(root: root, maxBytes: engagement?.limits.evidenceMaxBytes ?? Engagement.Limits.defaultEvidenceMaxBytes))

        let files = itemFiles(root: root, log: &log)
        let decoded = decodeInParallel(files, root: root, environment: environment, cache: parsed)
        var findings: [Finding] = [], incidents: [Incident] = [], articles: [Article] = []
        var references: [ItemReference] = []
        var identities: [ItemIdentity] = []
        var digests: [String: String] = [:]
        // (On the one thread between the parallel decoding and the builds: nothing made per item
        // that need not be, 11,000 times.)
        identities.reserveCapacity(files.count)
        digests.reserveCapacity(files.count)
        for (file, result) in zip(files, decoded) {
            if !result.log.diagnostics.isEmpty { log.append(contentsOf: result.log) }
            if let digest = result.digest { digests[file.path] = digest }
            if let identity = result.identity { identities.append(identity) }
            switch result.item {
            case .finding(let finding): findings.append(finding)
            case .incident(let incident, let refs): incidents.append(incident); references += refs
            case .article(let article, let refs): articles.append(article); references += refs
            case nil: break
            }
        }
        checkIdentifiers(identities, references: references, log: &log)
        parsed?.forget(itemsNaming: Set(findings.filter { $0.audience == .internal }.map(\.id)
            + incidents.filter { $0.audience == .internal }.map(\.id) + articles.filter { $0.audience == .internal }.map(\.id)))

        let workspace = engagement.flatMap { engagement -> Workspace? in
            guard !log.hasErrors else { return nil }
            var workspace = Workspace(root: root, engagement: engagement, findings: findings, incidents: incidents, articles: articles)
            workspace.sourceDigests = digests
            return workspace
        }
        return WorkspaceLoadResult(workspace: workspace, diagnostics: log.sorted, fileCount: files.count + 1)
    }

    // MARK: Engagement

    private static func loadEngagement(root: URL, log: inout DiagnosticLog) -> Engagement? {
        let url = root.appendingPathComponent(engagementFile)
        guard FileManager.default.fileExists(atPath: url.path) else {
            log.error("missing engagement.yaml — every workspace needs one (create a workspace with `dossier init DIR`)",
                      at: SourceLocation(file: engagementFile, line: 0, column: 0))
            return nil
        }
        guard let source = SourceFile.read(url, path: engagementFile, log: &log) else { return nil }
        let context = DecodingContext(file: engagementFile, lineOffset: 0)
        defer { log.append(contentsOf: context.log) }
        guard let node = context.compose(source.text), let reader = MappingReader(node, context: context, name: "engagement.yaml") else {
            if context.log.diagnostics.isEmpty { context.error("engagement.yaml holds no keys — add id, title, client, type and period", at: nil) }
            return nil
        }
        return EngagementDecoder.decode(reader, root: root)
    }

    // MARK: Items

    struct ItemFile: Sendable {
        var folder: String
        var path: String
        /// The file's full path (kept as text: a URL for each of 11,000 files costs more than reading it).
        var fullPath: String
    }

    private static func itemFiles(root: URL, log: inout DiagnosticLog) -> [ItemFile] {
        var files: [ItemFile] = []
        var directoryIsLink: [String: Bool] = [:]
        let resolvedRoot = root.resolvingSymlinksInPath().path + "/"
        for folder in itemFolders {
            let directory = root.appendingPathComponent(folder)
            let directoryPath = directory.path
            var folderInfo = stat()
            directoryIsLink[folder] = lstat(directoryPath, &folderInfo) == 0 && (folderInfo.st_mode & S_IFMT) == S_IFLNK
            guard let entries = FolderListing.entries(directoryPath) else { continue }
            for (name, type) in entries.sorted(by: { $0.name < $1.name }) where !name.hasPrefix(".") {
                let path = folder + "/" + name
                let fullPath = directoryPath + "/" + name
                // The kind of each entry as the folder listing gives it (an lstat only where the file
                // system does not say): only links need resolving, since a plain file in the folder
                // is in the workspace.
                var kind = type
                if kind == UInt8(DT_UNKNOWN) {
                    var info = stat()
                    let format = lstat(fullPath, &info) == 0 ? info.st_mode & S_IFMT : 0
                    kind = format == S_IFLNK ? UInt8(DT_LNK) : format == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
                }
                let isLink = kind == UInt8(DT_LNK)
                var isDirectory = kind == UInt8(DT_DIR)
                if isLink {
                    var target = stat()
                    isDirectory = stat(fullPath, &target) == 0 && (target.st_mode & S_IFMT) == S_IFDIR
                }
                guard !isDirectory, name.hasSuffix(".md") else {
                    log.warning("ignored: only Markdown files (.md) directly in \(folder)/ are read",
                                at: SourceLocation(file: path, line: 0, column: 0))
                    continue
                }
                if isLink || directoryIsLink[folder] == true,
                   URL(fileURLWithPath: fullPath).resolvingSymlinksInPath().path.hasPrefix(resolvedRoot) == false {
                    log.error("this file is a link pointing outside the workspace — copy the file in instead",
                              at: SourceLocation(file: path, line: 0, column: 0))
                    continue
                }
                files.append(ItemFile(folder: folder, path: path, fullPath: fullPath))
            }
        }
        return files
    }

    enum DecodedItem: Sendable {
        case finding(Finding)
        case incident(Incident, [ItemReference])
        case article(Article, [ItemReference])

        var audience: Audience {
            switch self {
            case .finding(let finding): finding.audience
            case .incident(let incident, _): incident.audience
            case .article(let article, _): article.audience
            }
        }

        /// The other items this one names (`related`).
        var references: [ItemReference] {
            switch self {
            case .finding: []
            case .incident(_, let references), .article(_, let references): references
            }
        }

        var evidence: [EvidenceReference] {
            switch self {
            case .finding(let finding): finding.evidence
            case .incident(let incident, _): incident.evidence
            case .article: []
            }
        }
    }

    struct DecodedFile: Sendable {
        var item: DecodedItem?
        /// SHA-256 (hex) of the file's text.
        var digest: String? = nil
        /// The item's id even when another key is in error, so that references to it still resolve.
        var identity: ItemIdentity?
        var log: DiagnosticLog
    }

    struct ItemIdentity: Sendable {
        var id: String
        /// finding, incident or article.
        var kind: String
        var location: SourceLocation
    }

    private static func decodeInParallel(_ files: [ItemFile], root: URL, environment: DecodingEnvironment, cache: ParsedItemCache?) -> [DecodedFile] {
        let results = ParallelSlots<DecodedFile>(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            results[index] = decode(files[index], environment: environment, cache: cache)
        }
        return results.takeValues()
    }

    static func decode(_ file: ItemFile, environment: DecodingEnvironment, cache: ParsedItemCache? = nil) -> DecodedFile {
        var log = DiagnosticLog()
        // An unchanged file's item from an earlier build, unless an evidence file it cites has
        // since gone wrong (parsing it again reports that): without reading the file when its stamp
        // (taken before any read) is the one the cache trusts, else by the digest of its text.
        let stamp = cache?.usesStamps == true ? FileStamp(path: file.fullPath) : nil
        let usable = { (parsed: ParsedItemCache.Parsed) in
            parsed.item?.evidence.allSatisfy { environment.evidence.problems(with: $0.file).isEmpty } ?? false
        }
        if let cache, let stamp, let (parsed, digest) = cache.lookup(file.path, stamp: stamp, usable: usable), let item = parsed.item {
            return DecodedFile(item: item, digest: digest, identity: parsed.identity, log: DiagnosticLog(parsed.diagnostics))
        }
        guard let source = SourceFile.read(atPath: file.fullPath, path: file.path, log: &log),
              let front = source.splitFrontMatter(log: &log) else { return DecodedFile(item: nil, identity: nil, log: log) }
        let digest = Digest.sha256(source.text)
        if let cache, let parsed = cache.lookup(file.path, digest: digest, stamp: stamp, usable: usable), let item = parsed.item {
            return DecodedFile(item: item, digest: digest, identity: parsed.identity, log: DiagnosticLog(parsed.diagnostics))
        }
        let context = DecodingContext(file: file.path, lineOffset: front.lineOffset)
        var item: DecodedItem?
        var identity: ItemIdentity?
        if let node = context.compose(front.yaml) {
            if let reader = MappingReader(node, context: context, name: "front matter") {
                let kind = String(file.folder.dropLast())
                if case .scalar(let id)? = reader.node("id"), !id.string.isEmpty {
                    identity = ItemIdentity(id: id.string, kind: kind, location: reader.location(of: "id"))
                }
                switch file.folder {
                case "findings":
                    item = FindingDecoder.decode(reader, body: front.body, bodyLine: front.bodyLine, environment: environment).map { .finding($0) }
                case "incidents":
                    item = IncidentDecoder.decode(reader, body: front.body, bodyLine: front.bodyLine, environment: environment).map { .incident($0.0, $0.1) }
                default:
                    item = ArticleDecoder.decode(reader, body: front.body, bodyLine: front.bodyLine, environment: environment).map { .article($0.0, $0.1) }
                }
            }
        } else if context.log.diagnostics.isEmpty {
            context.error("front matter is empty — add the keys id, title, …", at: nil)
        }
        log.append(contentsOf: context.log)
        // Internal items are never kept: the cache lives in the output folder, which a client may be given.
        if let cache, let item, !log.hasErrors, item.audience != .internal {
            cache.keep(ParsedItemCache.Parsed(item: item, identity: identity, diagnostics: log.diagnostics), path: file.path, digest: digest, stamp: stamp)
        }
        return DecodedFile(item: item, digest: digest, identity: identity, log: log)
    }

    // MARK: Cross-file checks

    private static func checkIdentifiers(_ identities: [ItemIdentity], references: [ItemReference], log: inout DiagnosticLog) {
        var owners: [String: [(kind: String, location: SourceLocation)]] = [:]
        for identity in identities { owners[identity.id, default: []].append((identity.kind, identity.location)) }
        for (id, places) in owners where places.count > 1 {
            for place in places {
                let others = places.filter { $0.location != place.location }
                    .map { "\($0.location.file):\($0.location.line):\($0.location.column)" }.joined(separator: ", ")
                log.error("duplicate id '\(id)' — also used by \(others); ids must be unique across findings, incidents and articles",
                          at: place.location)
            }
        }
        let findingIDs = Set(identities.filter { $0.kind == "finding" }.map(\.id))
        let allIDs = Array(owners.keys).sorted()
        for reference in references {
            switch reference.target {
            case .finding:
                guard !findingIDs.contains(reference.id) else { continue }
                if let kind = owners[reference.id]?.first?.kind {
                    log.error("'\(reference.id)' in related is an \(kind), not a finding — an incident's related list names the findings behind it",
                              at: reference.location)
                } else {
                    log.error("unknown finding id '\(reference.id)' in related\(Suggestions.didYouMean(reference.id, in: findingIDs.sorted()))",
                              at: reference.location)
                }
            case .anyItem:
                guard owners[reference.id] == nil else { continue }
                log.error("unknown id '\(reference.id)' in related — no finding, incident or article has it\(Suggestions.didYouMean(reference.id, in: allIDs))",
                          at: reference.location)
            }
        }
    }
}
