import Foundation
import Testing

/// The knowledge base in a real headless Chromium, opened from file:// as a client would from a zip.
@Suite(.serialized) struct BrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }

    struct Page {
        var dom: String
        var console: [String]
    }

    /// Loads `url`, lets its scripts (and the index shards they load) run, and returns the DOM and
    /// what the page wrote to the console (errors, CSP violations).
    static func open(_ url: URL, query: String? = nil) throws -> Page {
        let browser = try #require(chromium, "Debian's chromium is missing: make test installs it")
        var target = url.absoluteString
        if let query { target += "?q=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query) }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-browser-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0",
                             "--virtual-time-budget=5000", "--dump-dom", target]
        // The log goes to a file: Chromium writes a lot to stderr, and a full pipe would block it.
        let log = profile.appendingPathExtension("log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        let dom = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = (try? Data(contentsOf: log)) ?? Data()
        let console = String(decoding: errors, as: UTF8.self).components(separatedBy: "\n")
            .filter { $0.contains("CONSOLE") || $0.contains("Refused to") || $0.contains("Uncaught") }
        return Page(dom: String(decoding: dom, as: UTF8.self), console: console)
    }

    /// Result ids in rank order, from `<li class="result" data-id="…">`.
    static func resultIDs(_ dom: String) -> [String] {
        dom.matches(of: /<li class="result"[^>]*data-id="([^"]+)"/).map { String($0.1) }
    }

    @Test func koreanEnglishAndIdentifierSearchesFromFileURLs() throws {
        let (copy, out, output) = try BuildTests.build("acecommerce-2026-q4")
        defer { copy.remove() }
        #expect(output.status == 0)
        let search = out.appendingPathComponent("kb/search.html")
        let cases: [(String, String)] = [("커넥션 풀", "KB-001"), ("커넥션풀이", "F-002"), ("디스크를", "F-012"), ("디스크", "INC-2026-104"),
                                         ("full table scan", "F-001"), ("ORA-01555", "KB-005"), ("장애조치", "F-016")]
        for (query, expected) in cases {
            let page = try Self.open(search, query: query)
            let ids = Self.resultIDs(page.dom)
            #expect(ids.prefix(5).contains(expected), "\(query): \(ids)")
            #expect(page.dom.contains("<mark>"), "\(query): snippets mark the matched words")
            #expect(page.console.isEmpty, "\(query): \(page.console)")
            let swift = try Dossier.run(["search", out.appendingPathComponent("kb").path, query, "--format", "json", "--limit", "5"])
            let json = try JSONSerialization.jsonObject(with: Data(swift.stdout.utf8)) as? [String: Any]
            let swiftIDs = (json?["results"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            #expect(Array(ids.prefix(5)) == swiftIDs, "\(query): the browser and dossier search agree")
        }
        for page in ["index.html", "items/F-002.html", "systems/order-db.html"] {
            let opened = try Self.open(out.appendingPathComponent("kb/" + page))
            #expect(opened.console.isEmpty, "\(page): \(opened.console)")
            #expect(opened.dom.contains("<main id=\"main\""))
        }
        let highlighted = try Self.open(URL(string: out.appendingPathComponent("kb/items/KB-001.html").absoluteString + "?hl=" + "커넥션".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)!)
        #expect(highlighted.dom.contains("<mark class=\"hl\">커넥션</mark>"), "the target page highlights the words")
    }

    @Test func hostileContentNeverRuns() throws {
        let payload = "document.documentElement.setAttribute('data-pwned','yes')"
        let hostile = """
        ---
        id: F-666
        title: "</script><script>\(payload)</script> \\"><img src=x onerror=\\"\(payload)\\"> 악성제목"
        summary: "<svg onload=\\"\(payload)\\"> 요약"
        severity: critical
        category: security
        systems: [order-api]
        tags: ["</script><script>\(payload)</script>", "\\"><img src=x onerror=\(payload)>"]
        ---

        ## 본문 </script><script>\(payload)</script>

        [클릭](javascript:\(payload)) <img src=x onerror="\(payload)"> 악성본문 \u{2028} \u{2029}

        | a | b |
        |---|---|
        | <script>\(payload)</script> | [y](javascript:\(payload)) |
        """
        let (copy, out, output) = try BuildTests.build("acecommerce-2026-q4") { try $0.write("findings/F-666-hostile.md", hostile) }
        defer { copy.remove() }
        #expect(output.status == 0, "\(output.stderr)")
        let kb = out.appendingPathComponent("kb")
        let pages: [(URL, String?)] = [(kb.appendingPathComponent("search.html"), "악성제목"), (kb.appendingPathComponent("search.html"), "악성본문"),
                                       (kb.appendingPathComponent("items/F-666.html"), nil), (kb.appendingPathComponent("index.html"), nil),
                                       (kb.appendingPathComponent("severity/critical.html"), nil)]
        for (url, query) in pages {
            let page = try Self.open(url, query: query)
            #expect(page.dom.range(of: #"<html[^>]*data-pwned"#, options: .regularExpression) == nil, "\(url.lastPathComponent) \(query ?? ""): a payload ran")
            #expect(page.dom.range(of: #"<[^>]+\son[a-z]+="#, options: .regularExpression) == nil, "\(url.lastPathComponent): an event handler reached the DOM")
            #expect(!page.dom.contains("href=\"javascript:"), "\(url.lastPathComponent)")
            if query != nil { #expect(Self.resultIDs(page.dom).contains("F-666"), "\(query!): the hostile finding is found, as text") }
        }
        let item = try Self.open(URL(string: kb.appendingPathComponent("items/F-666.html").absoluteString + "?hl=%3Cscript%3E")!)
        #expect(item.dom.range(of: #"<html[^>]*data-pwned"#, options: .regularExpression) == nil)
    }
}
