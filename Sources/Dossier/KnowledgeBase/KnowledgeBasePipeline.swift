import Foundation

/// `dossier kb DIR… -o OUT`: one knowledge base from several engagements of the same client.
public enum KnowledgeBasePipeline {
    public struct Outcome: Sendable {
        public var diagnostics: [Diagnostic]
        /// Paths in the output folder, in no particular order; empty when the build failed.
        public var written: [String]
        public var engagements: [String]
        /// Files whose bytes this build wrote (the others were already in place); nil for a build
        /// without a previous one to compare with.
        public var changed: Int?
        /// Wall time per phase, in order.
        public var timings: [(phase: String, seconds: Double)] = []
        /// Wall time of the whole build.
        public var seconds: Double = 0
        public var succeeded: Bool { !diagnostics.contains { $0.severity == .error } }
    }

    /// The engagement folders named by `paths`: each path is one, or a folder of several.
    public static func workspaceFolders(_ paths: [URL]) -> (folders: [URL], problems: [String]) {
        var folders: [URL] = [], problems: [String] = []
        for path in paths {
            if FileManager.default.fileExists(atPath: path.appendingPathComponent(WorkspaceLoader.engagementFile).path) {
                folders.append(path)
                continue
            }
            let children = ((try? FileManager.default.contentsOfDirectory(atPath: path.path)) ?? []).sorted()
                .map { path.appendingPathComponent($0) }
                .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent(WorkspaceLoader.engagementFile).path) }
            if children.isEmpty {
                problems.append("\(path.path) is neither an engagement workspace nor a folder holding some — give folders with engagement.yaml")
            }
            folders += children
        }
        return (folders, problems)
    }

    /// Builds the knowledge base into `output`. Like `dossier build`, it keeps a build cache there
    /// (`.dossier-cache/`): a rebuild reads unchanged item files from it, renders only the item
    /// pages whose sources changed and writes only the files whose bytes did; `clean` ignores it.
    public static func run(_ paths: [URL], output: URL, options: ReportOptions, clean: Bool = false,
                           progress: (String) -> Void) -> Outcome {
        var log = DiagnosticLog()
        var timings = PhaseTimer()
        let started = ContinuousClock.now
        func fail() -> Outcome { Outcome(diagnostics: log.sorted, written: [], engagements: []) }
        let (folders, problems) = workspaceFolders(paths)
        for problem in problems { log.error(problem, at: SourceLocation(file: "", line: 0, column: 0)) }
        guard !folders.isEmpty, problems.isEmpty else { return fail() }

        let destination = output.standardizedFileURL
        let prefetch = clean ? nil : BuildCache.Prefetch(output: destination)
        var workspaces: [Workspace] = []
        var parsedItems: [ParsedItemCache] = []
        var fileCount = 0
        for folder in folders {
            // Each engagement's parsed items in a file of their own (the cache is keyed by workspace).
            let parsed = ParsedItemCache(output: destination, workspace: folder, clean: clean, path: ParsedItemCache.itemsFile(for: folder))
            let result = WorkspaceLoader.load(folder, parsed: parsed)
            parsedItems.append(parsed)
            fileCount += result.fileCount
            let base = folder.path
            for diagnostic in result.diagnostics {
                let location = SourceLocation(file: base + "/" + diagnostic.file, line: diagnostic.line, column: diagnostic.column)
                if diagnostic.severity == .error { log.error(diagnostic.message, at: location) } else { log.warning(diagnostic.message, at: location) }
            }
            if let workspace = result.workspace { workspaces.append(workspace) }
        }
        timings.lap("load")
        let reused = parsedItems.reduce(0) { $0 + $1.reused }
        progress("[1/3] Load and check \(folders.count) engagement\(folders.count == 1 ? "" : "s") (\(fileCount) files"
                 + (reused > 0 ? "; \(reused) unchanged since the last build)" : ")"))
        guard !log.hasErrors else { return fail() }

        let clients = Dictionary(grouping: workspaces, by: \.engagement.client)
        if clients.count > 1 {
            let list = clients.keys.sorted().map { client in
                "\(client) (\(clients[client]!.map(\.engagement.id).sorted().joined(separator: ", ")))"
            }.joined(separator: "; ")
            log.error("these engagements belong to different clients: \(list) — a knowledge base holds one client's engagements; build one per client",
                      at: SourceLocation(file: "", line: 0, column: 0))
            return fail()
        }
        let ids = Dictionary(grouping: workspaces, by: \.engagement.id).filter { $0.value.count > 1 }
        for (id, duplicates) in ids {
            log.error("engagement id '\(id)' is used by \(duplicates.map(\.root.path).joined(separator: " and ")) — give each engagement its own id",
                      at: SourceLocation(file: duplicates[0].root.path + "/engagement.yaml", line: 0, column: 0))
        }
        guard !log.hasErrors else { return fail() }
        workspaces.sort { ($0.engagement.period.from, $0.engagement.id) < ($1.engagement.period.from, $1.engagement.id) }

        var contexts: [ReportContext] = []
        for workspace in workspaces {
            guard let context = ReportBuilder.makeContext(workspace, previous: nil, options: options, log: &log) else { return fail() }
            contexts.append(context)
        }
        let items = contexts.reduce(0) { $0 + $1.findings.count + $1.incidents.count + $1.articles.count }
        let engagementIDs = workspaces.map(\.engagement.id)

        let environment = BuildCache.environment(workspaces: workspaces, options: ["kb", "audience=\(options.audience.rawValue)"],
                                                 templates: options.templates, logo: contexts.first?.brand.logo)
        let cache = BuildCache(output: destination, environment: environment, clean: clean, prefetch: prefetch)
        cache.parsedItems = parsedItems
        cache.inputs = BuildCache.inputs(environment: environment, workspaces: contexts.map { ($0.workspace, $0.citedEvidence) })
        timings.lap("analyse, cache check")
        if let files = cache.upToDateFiles {
            progress("[3/3] Up to date: nothing changed since the last build in \(output.path) (\(files.count) files; --clean rebuilds everything)")
            var outcome = Outcome(diagnostics: log.sorted, written: Array(files.keys), engagements: engagementIDs)
            outcome.changed = 0
            outcome.timings = timings.laps
            outcome.seconds = (ContinuousClock.now - started).seconds
            for parsed in parsedItems where parsed.learnedStamps > 0 { parsed.writeLearnedStamps(in: destination) }
            return outcome
        }

        let folder: OutputFolder
        do {
            folder = try OutputFolder(destination: output, cache: cache)
        } catch {
            log.error(error.description, at: SourceLocation(file: output.path, line: 0, column: 0))
            return fail()
        }
        // Item pages go to the output folder as soon as each is rendered.
        let files = KnowledgeBaseBuilder.files(contexts, cache: cache, sink: { try folder.write([$0]) }, folder: "",
                                               log: &log, timings: &timings)
        guard !log.hasErrors else {
            folder.discard()
            return fail()
        }
        let pages = folder.producedCount { $0.hasSuffix(".html") } + files.filter { $0.path.hasSuffix(".html") }.count
        let keptPages = cache.keptPaths.count
        progress("[2/3] Build knowledge base (\(pages + keptPages) pages" + (cache.isIncremental ? ", \(keptPages) unchanged" : "")
                 + ", \(items) items from \(contexts.count) engagement\(contexts.count == 1 ? "" : "s")\(cache.relatedNote))")
        let written: [String]
        do {
            try folder.write(files)
            folder.keep(cache.keptPaths)
            written = folder.producedPaths
            try folder.commit()
        } catch {
            folder.discard()
            log.error(error.description, at: SourceLocation(file: output.path, line: 0, column: 0))
            return fail()
        }
        timings.lap("write, commit")
        progress("[3/3] Write \(written.count) files to \(output.path)"
                 + folder.commitSummary)
        var outcome = Outcome(diagnostics: log.sorted, written: written, engagements: engagementIDs)
        if folder.isIncremental { outcome.changed = folder.changedCount }
        outcome.timings = timings.laps
        outcome.seconds = (ContinuousClock.now - started).seconds
        return outcome
    }
}
