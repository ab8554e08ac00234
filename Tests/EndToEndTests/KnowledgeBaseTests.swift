import Foundation
import Testing

@Suite(.serialized) struct KnowledgeBaseTests {
    @Test func siteHasEveryPageAndOnlyRelativeLinks() throws {
        let (copy, out, output) = try BuildTests.build("acecommerce-2026-q4")
        defer { copy.remove() }
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("[5/7] Build knowledge base ("))
        let kb = out.appendingPathComponent("kb")
        let files = allFiles(under: kb)
        let paths = Set(files.map(\.path))
        for page in ["index.html", "search.html", "items/F-001.html", "items/INC-2026-102.html", "items/KB-001.html", "systems/index.html",
                     "systems/order-db.html", "categories/query.html", "kinds/article.html", "severity/critical.html", "tags/index.html",
                     "search/meta.js", "assets/search-core.js", "assets/kb.css", "assets/strings.js"] {
            #expect(paths.contains(page), "missing \(page)")
        }
        #expect(!paths.contains("items/F-017.html"), "internal items stay out of the client knowledge base")
        for file in files where file.path.hasSuffix(".html") {
            let html = String(decoding: file.data, as: UTF8.self)
            #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; style-src 'self'"), "\(file.path)")
            #expect(html.contains("<html lang=\"ko\">"))
            #expect(!html.contains("fetch(") && !html.contains("type=\"module\""))
            for match in html.matches(of: /(href|src)="([^"]*)"/) {
                let link = String(match.2)
                if link.hasPrefix("#") || link.hasPrefix("data:") { continue }
                #expect(!link.hasPrefix("/"), "\(file.path): \(link)")
                // Hyperlinks to outside documents are fine; loading anything from outside is not.
                if link.contains("://") || link.hasPrefix("mailto:") {
                    #expect(match.1 == "href", "\(file.path) loads \(link)")
                    continue
                }
                var parts = file.path.split(separator: "/").dropLast().map(String.init)
                for part in link.components(separatedBy: "#")[0].components(separatedBy: "?")[0].split(separator: "/") {
                    if part == ".." { _ = parts.popLast() } else if part != "." { parts.append(String(part)) }
                }
                #expect(paths.contains(parts.joined(separator: "/")), "\(file.path) links to a missing \(link)")
            }
        }
        let item = try String(contentsOf: kb.appendingPathComponent("items/F-002.html"), encoding: .utf8)
        #expect(item.contains("<nav class=\"breadcrumbs\" aria-label=\"현재 위치\">"))
        #expect(item.contains("이 문제로 생긴 장애") && item.contains("INC-2026-101"), "findings link back to the incidents they caused")
        #expect(item.contains("관련 항목"))
        // A line without systems or summary must not borrow the enclosing page's (Mustache context stack).
        let home = try String(contentsOf: kb.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(home.contains("KB-004</span> 용어 정리 (성능·장애 대응)</a> <span class=\"entry-meta\">용어집</span></li>"), "\(home)")
        let incident = try String(contentsOf: kb.appendingPathComponent("items/INC-2026-101.html"), encoding: .utf8)
        #expect(incident.contains("href=\"../items/F-002.html\""), "incidents link to the findings behind them")
    }

    @Test func commandLineSearch() throws {
        let (copy, out, output) = try BuildTests.build("acecommerce-2026-q4")
        defer { copy.remove() }
        #expect(output.status == 0)
        let kb = out.appendingPathComponent("kb").path
        for (query, expected) in [("커넥션 풀", "KB-001"), ("커넥션풀이", "F-002"), ("디스크를", "INC-2026-104"), ("ORA-01555", "F-014"), ("full table scan", "F-001")] {
            let result = try Dossier.run(["search", kb, query, "--format", "json", "--limit", "3"])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let ids = (json?["results"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            #expect(ids.contains(expected), "\(query): \(ids)")
        }
        let text = try Dossier.run(["search", kb, "디스크"])
        #expect(text.stdout.contains("results for 디스크:"))
        let none = try Dossier.run(["search", kb, "존재하지않는낱말zzz"])
        #expect(none.stdout.contains("No results"))
        let missing = try Dossier.run(["search", copy.root.path, "x"])
        #expect(missing.status == 1 && missing.stderr.contains("no search index"))
    }

    /// The vectors node --test checks against the same knowledge base (make test sets DOSSIER_KB).
    @Test func sharedExampleVectors() throws {
        let (copy, out, output) = try BuildTests.build("acecommerce-2026-q4")
        defer { copy.remove() }
        #expect(output.status == 0)
        let url = Dossier.packageRoot.appendingPathComponent("Tests/Fixtures/example-kb-vectors.json")
        let vectors = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let queries = try #require(vectors?["queries"] as? [[String: Any]])
        #expect(queries.count >= 10)
        for vector in queries {
            let query = try #require(vector["query"] as? String)
            let top = vector["top"] as? [String] ?? []
            let typing = !(query.last?.isWhitespace ?? true)
            let result = try Dossier.run(["search", out.appendingPathComponent("kb").path, query, "--format", "json", "--limit", "\(max(1, top.count))"]
                                         + (typing ? ["--prefix"] : []))
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let ids = (json?["results"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            #expect(Array(ids.prefix(top.count)) == top, "\(query)")
            #expect(json?["total"] as? Int == vector["total"] as? Int, "\(query)")
        }
    }

    @Test func multiEngagementKnowledgeBase() throws {
        let copy = try ExampleCopy("acecommerce-2026-q4", withSiblings: true)
        defer { copy.remove() }
        let out = copy.root.appendingPathComponent("kb")
        let result = try Dossier.run(["kb", copy.root.appendingPathComponent("acecommerce-2026-q3").path, copy.workspace.path, "-o", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let files = Set(allFiles(under: out).map(\.path))
        #expect(files.contains("engagements/HC-2026-Q3.html") && files.contains("engagements/HC-2026-Q4.html"))
        #expect(files.contains("items/HC-2026-Q3-F-002.html") && files.contains("items/HC-2026-Q4-F-002.html"), "colliding ids are namespaced")
        let recurring = try String(contentsOf: out.appendingPathComponent("items/HC-2026-Q4-F-002.html"), encoding: .utf8)
        #expect(recurring.contains("이전 진단에서의 기록") && recurring.contains("href=\"../items/HC-2026-Q3-F-002.html\""), "history across checks")
        let meta = try String(contentsOf: out.appendingPathComponent("search/meta.js"), encoding: .utf8)
        #expect(meta.contains("\"engagements\":[\"HC-2026-Q3\",\"HC-2026-Q4\"]"))

        let mixed = try Dossier.run(["kb", copy.root.path, "-o", copy.root.appendingPathComponent("mixed").path])
        #expect(mixed.status == 1)
        #expect(mixed.stderr.contains("different clients"))
        #expect(!FileManager.default.fileExists(atPath: copy.root.appendingPathComponent("mixed").path))
    }
}
