import Foundation
import Testing

@Suite(.serialized) struct BuildTests {
    /// Builds a copy of the examples (so that `previous` resolves) into a fresh output folder.
    static func build(_ name: String, _ extra: [String] = [], prepare: (ExampleCopy) throws -> Void = { _ in })
        throws -> (copy: ExampleCopy, out: URL, output: Dossier.Output) {
        let copy = try ExampleCopy(name, withSiblings: true)
        try prepare(copy)
        let out = copy.root.appendingPathComponent("out")
        let output = try Dossier.run(["build", copy.workspace.path, "-o", out.path] + extra)
        return (copy, out, output)
    }

    @Test func koreanHealthCheckReports() throws {
        let (copy, out, output) = try Self.build("acecommerce-2026-q4")
        defer { copy.remove() }
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("[1/7] Load and check workspace"))
        #expect(output.stdout.contains("[3/7] Fill templates and render HTML (6 reports)"))
        let report = out.appendingPathComponent("report")
        for name in ["health-check", "period", "incidents/INC-2026-101", "incidents/INC-2026-102", "incidents/INC-2026-103", "incidents/INC-2026-104"] {
            #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent(name + ".md").path), "\(name).md")
            #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent(name + ".html").path), "\(name).html")
        }
        let markdown = try String(contentsOf: report.appendingPathComponent("health-check.md"), encoding: .utf8)
        let html = try String(contentsOf: report.appendingPathComponent("health-check.html"), encoding: .utf8)
        let findings = try FileManager.default.contentsOfDirectory(atPath: copy.path("findings").path).sorted()
        for file in findings {
            let text = try copy.read("findings/" + file)
            let id = try #require(text.firstMatch(of: /\nid: (\S+)/)?.1)
            let title = try #require(text.firstMatch(of: /\ntitle: ([^\n]+)/)?.1)
            let isInternal = text.contains("\naudience: internal")
            let escapedTitle = String(title).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            #expect(html.contains(">\(id) \(escapedTitle)</h4>") != isInternal, "\(id) \(title)")
            #expect(markdown.contains("#### \(id) ") != isInternal, "\(id)")
        }
        #expect(html.contains("<table>"))
        #expect(html.contains("<svg") && html.contains("<title id=\"chart-severity-title\">"))
        #expect(html.contains("<nav class=\"toc\">"))
        #expect(!html.contains("<script"))
        #expect(html.range(of: #"(src|srcset|action)="(https?:)?//|<link|@import|url\("#, options: .regularExpression) == nil, "no network requests")
        #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent("charts/severity.svg").path))

        let trend = try #require(markdown.range(of: "### 2.3 이전 진단 대비 추세").map { String(markdown[$0.lowerBound...].prefix(1500)) })
        #expect(trend.contains("| 신규 | 10 |"))
        #expect(trend.contains("| 재발 | 1 | F-002 |"))
        #expect(trend.contains("| 해결 | 1 | F-006 |"))
        #expect(trend.contains("**만성 이슈**"))

        let breach = try String(contentsOf: report.appendingPathComponent("incidents/INC-2026-102.html"), encoding: .utf8)
        #expect(breach.contains("골든타임(2시간) 35분 초과"))
        let met = try String(contentsOf: report.appendingPathComponent("incidents/INC-2026-101.html"), encoding: .utf8)
        #expect(met.contains("골든타임(2시간) 준수"))
        #expect(met.contains("<svg") && met.contains("시각은 UTC+09:00 기준입니다."))
        #expect(met.contains(">7. 교훈</h2>"), "the postmortem has its lessons-learned section")
    }

    @Test func noPlantedSecretInAnyOutput() throws {
        #expect(plantedSecrets.count > 20)
        for name in ["acecommerce-2026-q4", "northwind-retainer-2026-10"] {
            for audience in ["client", "internal"] {
                let (copy, out, output) = try Self.build(name, ["--audience", audience])
                defer { copy.remove() }
                #expect(output.status == 0, "\(output.stderr)")
                let files = allFiles(under: out)
                #expect(files.count > 5)
                for file in files {
                    let text = String(decoding: file.data, as: UTF8.self)
                    for secret in plantedSecrets {
                        #expect(!text.contains(secret), "\(secret) leaked into \(file.path) (\(name), \(audience))")
                    }
                }
            }
        }
    }

    @Test func internalItemsOnlyForTheInternalAudience() throws {
        let client = try Self.build("acecommerce-2026-q4")
        defer { client.copy.remove() }
        let clientText = allFiles(under: client.out).map { String(decoding: $0.data, as: UTF8.self) }.joined()
        #expect(!clientText.contains("F-017") && !clientText.contains("F\\-017"))
        #expect(!clientText.contains("내부용"))
        let internalBuild = try Self.build("acecommerce-2026-q4", ["--audience", "internal"])
        defer { internalBuild.copy.remove() }
        for file in allFiles(under: internalBuild.out) where file.path.hasSuffix(".html") && !file.path.hasPrefix("kb/") {
            let html = String(decoding: file.data, as: UTF8.self)
            #expect(html.contains("<div class=\"internal-banner\" role=\"note\">내부용 — 고객사에 전달하지 마십시오</div>"), "\(file.path)")
        }
        let health = try String(contentsOf: internalBuild.out.appendingPathComponent("report/health-check.md"), encoding: .utf8)
        #expect(health.contains("#### F-017 "))
    }

    @Test func hostileFindingRendersSafely() throws {
        let hostile = """
        ---
        id: F-666
        title: "</script><script>alert(1)</script> \\"><img src=x onerror=alert(2)> *bold* _u_ | [x](javascript:alert(3))"
        summary: "<iframe src=javascript:alert(4)>"
        severity: critical
        category: security
        systems: [order-api]
        owner: "<b onmouseover=alert(5)>팀</b>"
        tags: ["\\"><svg onload=alert(6)>"]
        metrics:
          - {name: "<script>m</script>", unit: "<i>", before: 1, after: 2, better: higher}
        ---

        ## 본문 <script>alert(7)</script>

        [click](javascript:alert(8)) <img src=x onerror=alert(9)> `</code><script>alert(10)</script>`

        | a | b |
        |---|---|
        | <script>alert(11)</script> | [y](javascript:alert(12)) |
        """
        let (copy, out, output) = try Self.build("acecommerce-2026-q4") { try $0.write("findings/F-666-hostile.md", hostile) }
        defer { copy.remove() }
        #expect(output.status == 0, "\(output.stderr)")
        for file in allFiles(under: out) where file.path.hasSuffix(".html") || file.path.hasSuffix(".svg") {
            let text = String(decoding: file.data, as: UTF8.self)
            // The only scripts are the knowledge base's own files, by src.
            let scripts = text.components(separatedBy: "<script").dropFirst()
            #expect(scripts.allSatisfy { $0.range(of: #"^ src="(\.\./)*assets/[a-z-]+\.js"></script>"#, options: .regularExpression) != nil }, "\(file.path)")
            #expect(!text.contains("<img src=x") && !text.contains("<iframe") && !text.contains("<b onmouseover"), "\(file.path)")
            #expect(text.range(of: #"<[^>]*\s(href|src|action)\s*=\s*["']?\s*javascript:"#, options: [.regularExpression, .caseInsensitive]) == nil, "\(file.path)")
            #expect(text.range(of: #"<[^>]* on[a-z]+="#, options: .regularExpression) == nil, "\(file.path)")
        }
        let html = try String(contentsOf: out.appendingPathComponent("report/health-check.html"), encoding: .utf8)
        #expect(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt; *bold* _u_ | [x](javascript:alert(3))"))
        #expect(html.contains("F-666 &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("*bold* _u_ |"))
    }

    @Test func failedBuildWritesNothing() throws {
        let (copy, out, output) = try Self.build("acecommerce-2026-q4") { copy in
            try copy.replaceLine(in: try copy.first("findings"), startingWith: "severity:", with: "severity: catastrophic")
        }
        defer { copy.remove() }
        #expect(output.status == 1)
        #expect(output.stderr.contains("'catastrophic' is not a valid severity"))
        #expect(output.stderr.contains("nothing was written"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: copy.root.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }

    @Test func refusesToReplaceAFolderItDidNotWrite() throws {
        let (copy, out, first) = try Self.build("northwind-retainer-2026-10")
        defer { copy.remove() }
        #expect(first.status == 0)
        let again = try Dossier.run(["build", copy.workspace.path, "-o", out.path])
        #expect(again.status == 0, "a Dossier output folder is replaced")
        let mine = copy.root.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try "keep".write(to: mine.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let refused = try Dossier.run(["build", copy.workspace.path, "-o", mine.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("was not written by Dossier"))
        #expect(try String(contentsOf: mine.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep")
    }

    @Test func englishRetainerPeriodReport() throws {
        let (copy, out, output) = try Self.build("northwind-retainer-2026-10")
        defer { copy.remove() }
        #expect(output.status == 0, "\(output.stderr)")
        let period = try String(contentsOf: out.appendingPathComponent("report/period.html"), encoding: .utf8)
        #expect(period.contains("<html lang=\"en\">"))
        #expect(period.contains("1.25 of 3 man-months used (41.7%)"))
        #expect(period.contains("Golden-time attainment"))
        #expect(period.contains("Blue Harbor"))
        let health = try String(contentsOf: out.appendingPathComponent("report/health-check.html"), encoding: .utf8)
        #expect(health.contains("Executive summary") && health.contains("1 Oct 2026 – 31 Oct 2026"))
    }

    @Test func templatesCanBeOverriddenAndErrorsArePrecise() throws {
        let (copy, out, output) = try Self.build("northwind-retainer-2026-10", prepare: { copy in
            try copy.write("../my-templates/period.mustache", "{{% CONTENT_TYPE: MARKDOWN }}\n# {{engagement.title}}\n\n## Custom period page\n\nAttainment: {{period.attainment}}\n")
        })
        defer { copy.remove() }
        _ = output
        let custom = try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--templates", copy.root.appendingPathComponent("my-templates").path])
        #expect(custom.status == 0, "\(custom.stderr)")
        let period = try String(contentsOf: out.appendingPathComponent("report/period.md"), encoding: .utf8)
        #expect(period.contains("## Custom period page"))
        let health = try String(contentsOf: out.appendingPathComponent("report/health-check.md"), encoding: .utf8)
        #expect(health.contains("## 1. Overview"), "other templates fall back to the built-in ones")

        try copy.write("../broken/incident.mustache", "# {{incident.title}}\n\n{{#incident.actions}}\n- {{text}}\n{{/incident.action}}\n")
        let broken = try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--templates", copy.root.appendingPathComponent("broken").path])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains(copy.root.appendingPathComponent("broken/incident.mustache").path + ":5:"), "\(broken.stderr)")
        #expect(broken.stderr.contains("template error"))
    }

    @Test func brandFromASharedDossierYAML() throws {
        let logo = ##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#0a5"/></svg>"##
        let (copy, out, output) = try Self.build("northwind-retainer-2026-10", prepare: { copy in
            try copy.write("../logo.svg", logo)
            try copy.write("../dossier.yaml", "brand:\n  name: Harbor Labs\n  logo: logo.svg\n  primary_color: \"#0a5c36\"\n  footer: Harbor Labs · www.harbor.example\n")
        })
        defer { copy.remove() }
        #expect(output.status == 0, "\(output.stderr)")
        let html = try String(contentsOf: out.appendingPathComponent("report/health-check.html"), encoding: .utf8)
        #expect(html.contains("--primary: #0a5c36;"))
        #expect(html.contains("<img class=\"brand-logo\" src=\"data:image/svg+xml;base64,"))
        #expect(html.contains("<span class=\"brand-name\">Harbor Labs</span>"))
        #expect(html.contains("Harbor Labs · www.harbor.example"))

        try copy.write("../dossier.yaml", "brand:\n  primary_color: \"red;} body{display:none\"\n")
        let rejected = try Dossier.run(["build", copy.workspace.path, "-o", out.path])
        #expect(rejected.status == 1)
        #expect(rejected.stderr.contains("'primary_color' must be a colour like #1f4e79"))
    }

    @Test func pdfReportsWithKoreanText() throws {
        let tools = ["/usr/bin/pdftotext", "/usr/bin/pdfinfo"]
        try #require(tools.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }, "poppler-utils is missing: make test installs it")
        let (copy, out, output) = try Self.build("acecommerce-2026-q4", ["--pdf"])
        defer { copy.remove() }
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("[4/7] Print PDF with chromium"))
        let pdf = out.appendingPathComponent("report/health-check.pdf")
        let text = try run(tools[0], [pdf.path, "-"])
        #expect(text.contains("에이스커머스 2026년 4분기 기술 헬스체크"))
        #expect(text.contains("클레임 조회 쿼리의 전체 테이블 스캔"))
        let info = try run(tools[1], [pdf.path])
        let pages = Int(info.firstMatch(of: /Pages:\s+(\d+)/)?.1 ?? "0") ?? 0
        #expect(pages > 1)
        let incident = try run(tools[0], [out.appendingPathComponent("report/incidents/INC-2026-102.pdf").path, "-"])
        #expect(incident.contains("35분 초과"))
    }

    @Test func pdfWithoutChromiumSaysHowToInstallIt() throws {
        let copy = try ExampleCopy("northwind-retainer-2026-10")
        defer { copy.remove() }
        let out = copy.root.appendingPathComponent("out")
        let result = try Dossier.run(["/usr/bin/env", "-i", "PATH=/nonexistent", Dossier.binary.path, "build", copy.workspace.path, "-o", out.path, "--pdf"],
                                     executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(result.status == 1)
        #expect(result.stderr.contains("apt-get install chromium"))
        #expect(!FileManager.default.fileExists(atPath: out.path), "a failed build writes nothing")
    }

    private func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
