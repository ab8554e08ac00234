import ArgumentParser
import Foundation
import Search

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search a built knowledge base from the command line (same engine and ranking as its search page).",
        discussion: "KB is the knowledge-base folder (OUT/kb) or its search/ folder. Korean words match with or without particles."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The knowledge-base folder (OUT/kb).", completion: .directory)
    var knowledgeBase: String

    @Argument(help: "The query, e.g. \"커넥션 풀\" or ORA-01555.")
    var query: String

    @Option(help: "At most this many results.")
    var limit: Int = 10

    @Option(help: "Output format.")
    var format: Format = .text

    @Flag(help: "Match the last word as a prefix, as the search page does while you type (max_conn finds max_connections).")
    var prefix = false

    @Option(name: .customLong("kind"), help: "Only this kind (finding, incident, article); repeatable.")
    var kinds: [String] = []

    @Option(name: .customLong("system"), help: "Only items of this system; repeatable.")
    var systems: [String] = []

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        var folder = URL(fileURLWithPath: knowledgeBase)
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("meta.js").path) {
            folder = folder.appendingPathComponent("search")
        }
        let engine: QueryEngine
        do {
            engine = try QueryEngine(folder: folder)
        } catch {
            Terminal.printError("error: \(error.description)")
            throw ExitCode.failure
        }
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        let response = engine.search(prefix ? trimmed : trimmed + " ", filters: ["kind": kinds, "system": systems], limit: limit)
        switch format {
        case .json:
            let results: [[String: Any]] = response.results.map { result in
                ["id": result.document["id"] ?? "", "kind": result.document["kind"] ?? "", "title": result.document["title"] ?? "",
                 "url": result.document["url"] ?? "", "score": result.score, "systems": result.systems]
            }
            let object: [String: Any] = ["query": query, "total": response.total, "results": results, "facets": response.facets]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        case .text:
            guard response.total > 0 else {
                print("No results for \(query).")
                return
            }
            print("\(response.total) result\(response.total == 1 ? "" : "s") for \(query):")
            for result in response.results {
                let document = result.document
                print(String(format: "%7.3f  ", result.score) + "\(document["id"] ?? "")  \(document["title"] ?? "")  [\(document["kind"] ?? "")]")
                print("         \(folder.deletingLastPathComponent().appendingPathComponent(document["url"] ?? "").path)")
            }
        }
    }
}
