import Foundation

/// `dossier kb DIR… -o OUT`: one knowledge base from several engagements of the same client.
public enum KnowledgeBasePipeline {
    public struct Outcome: Sendable {
        public var diagnostics: [Diagnostic]
        public var written: [String]
        public var engagements: [String]
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

    public static func run(_ paths: [URL], output: URL, options: ReportOptions, progress: (String) -> Void) -> Outcome {
        var log = DiagnosticLog()
        func fail() -> Outcome { Outcome(diagnostics: log.sorted, written: [], engagements: []) }
        let (folders, problems) = workspaceFolders(paths)
        for problem in problems { log.error(problem, at: SourceLocation(file: "", line: 0, column: 0)) }
        guard !folders.isEmpty, problems.isEmpty else { return fail() }

        var workspaces: [Workspace] = []
        for folder in folders {
            let result = WorkspaceLoader.load(folder)
            let base = folder.path
            for diagnostic in result.diagnostics {
                let location = SourceLocation(file: base + "/" + diagnostic.file, line: diagnostic.line, column: diagnostic.column)
                if diagnostic.severity == .error { log.error(diagnostic.message, at: location) } else { log.warning(diagnostic.message, at: location) }
            }
            if let workspace = result.workspace { workspaces.append(workspace) }
        }
        progress("[1/3] Load and check \(folders.count) engagement\(folders.count == 1 ? "" : "s")")
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
        let files = KnowledgeBaseBuilder.files(contexts, log: &log)
        guard !log.hasErrors else { return fail() }
        let items = contexts.reduce(0) { $0 + $1.findings.count + $1.incidents.count + $1.articles.count }
        progress("[2/3] Build knowledge base (\(files.filter { $0.path.hasSuffix(".html") }.count) pages, \(items) items from \(contexts.count) engagements)")
        do {
            let folder = try OutputFolder(destination: output)
            do {
                for file in files { try folder.write(file) }
                try folder.commit()
            } catch {
                folder.discard()
                throw error
            }
        } catch {
            log.error("\(error)", at: SourceLocation(file: output.path, line: 0, column: 0))
            return fail()
        }
        progress("[3/3] Write \(files.count) files to \(output.path)")
        return Outcome(diagnostics: log.sorted, written: files.map(\.path), engagements: workspaces.map(\.engagement.id))
    }
}
