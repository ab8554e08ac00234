@testable import Dossier
import Foundation
import Markdown
import Mustache
import Testing

/// Dossier's template engine against swift-mustache, which the templates were written for: the
/// same output, byte for byte, for the language's edge cases and for every view the pipelines
/// render with the built-in templates.
@Suite(.serialized) struct TemplateEngineTests {
    /// A view made of named values.
    struct Object: TemplateObject {
        let fields: [String: TemplateValue]
        init(_ fields: [String: TemplateValue]) { self.fields = fields }
        func value(named name: String) -> TemplateValue? { fields[name] }
        func digest(into parts: inout DigestSink) -> Bool { false }
    }

    static func list(_ values: TemplateValue...) -> TemplateValue { .list(TemplateValues(values)) }

    /// The same values for swift-mustache: strings, numbers, booleans, arrays, and objects that
    /// answer their fields through `MustacheParent`.
    struct Adapter: MustacheParent {
        let object: any TemplateObject
        func child(named name: String) -> Any? { object.value(named: name).map(Adapter.convert) }

        static func convert(_ value: TemplateValue) -> Any {
            switch value {
            case .string(let string): return string
            case .int(let int): return int
            case .bool(let bool): return bool
            case .list(let list):
                // Lists of strings or numbers as Swift arrays of them, which swift-mustache can sort.
                let values = (0..<list.count).map { convert(list.element(at: $0)) }
                if let strings = values as? [String] { return strings }
                if let ints = values as? [Int] { return ints }
                return values
            case .object(let table as [String: String]): return table
            case .object(let object): return Adapter(object: object)
            }
        }
    }

    static let registered: Void = {
        MustacheContentTypes.register(MarkdownEscaping(), named: "MARKDOWN")
        MustacheContentTypes.register(HTMLEscaping(), named: "HTML")
    }()

    struct MarkdownEscaping: MustacheContentType {
        func escapeText(_ text: String) -> String { MarkdownText.escape(text) }
    }

    struct HTMLEscaping: MustacheContentType {
        func escapeText(_ text: String) -> String { HTML.escape(text) }
    }

    /// Both engines' output for `template` (and `partials`) with `data`.
    static func render(_ template: String, _ data: TemplateValue, partials: [String: String] = [:]) throws -> (ours: String?, reference: String?) {
        _ = registered
        var ours: [String: Template] = ["main": try Template(template)]
        var library = MustacheLibrary()
        try library.register(template, named: "main")
        for (name, text) in partials {
            ours[name] = try Template(text)
            try library.register(text, named: name)
        }
        return (TemplateRenderer.render(data, template: "main", in: ours)?.output, library.render(Adapter.convert(data), withTemplate: "main"))
    }

    static var data: TemplateValue { .object(Object([
        "name": .string("Kim & <Lee> \"Park\" 'Choi'"),
        "korean": .string("서버 점검 | 결과 *강조* [링크](x)"),
        "mark": .string("a<\u{301}b & c"),
        "count": .int(3),
        "zero": .int(0),
        "yes": .bool(true),
        "no": .bool(false),
        "empty": .string(""),
        "items": list(.object(Object(["id": .string("F-1"), "title": .string("첫째")])),
                      .object(Object(["id": .string("F-2")])),
                      .object(Object(["id": .string("F-3"), "title": .string("셋째"), "name": .string("inner")]))),
        "none": list(),
        "words": list(.string("pear"), .string("apple"), .string("fig")),
        "numbers": list(.int(3), .int(1), .int(2)),
        "nested": .object(Object(["deep": .object(Object(["value": .string("found")])), "name": .string("nested name")])),
        "t": [String: String](uniqueKeysWithValues: [("b", "2"), ("a", "1"), ("c", "<3>")]).templateValue!,
        "text": .string("line one\nline two\n"),
        "partialName": .string("p1"),
        "kind": .string("p1"),
    ])) }

    static let partials: [String: String] = [
        "p1": "[{{name}}]\n{{#items}}- {{id}}\n{{/items}}",
        "p2": "  indented {{count}}\n{{>p1}}\n{{{text}}}end\n",
        "p3": "{{% CONTENT_TYPE: MARKDOWN }}{{korean}} {{name}}\n",
        "p4": "[{{name}}]\n{{count}}\n{{{text}}}{{#yes}}yes{{/yes}}\n",
        "p5": "  indented {{count}}\n{{>p4}}\n{{{text}}}end\n",
        "layout": "<head>{{$title}}Default title{{/title}}</head>\n<body>\n  {{$body}}\n  no body\n  {{/body}}\n</body>\n",
        "layout2": "{{<layout}}{{$title}}From layout2{{/title}}{{/layout}}",
        "slot": "{{$body}}{{/body}}",
        "frame": "<main>\n{{$content}}{{/content}}\n</main>\n",
        "li": "<li>a</li>\n<li>b</li>\n",
    ]

    static let cases: [String] = [
        // Variables and escaping.
        "{{name}}|{{{name}}}|{{&name}}|{{ name }}|{{missing}}|{{count}}|{{zero}}|{{yes}}|{{no}}|{{empty}}",
        "{{mark}}", "{{% CONTENT_TYPE: HTML }}{{mark}} {{name}}", "{{% CONTENT_TYPE: TEXT }}{{name}}",
        "{{% CONTENT_TYPE: MARKDOWN }}{{korean}} {{{korean}}} {{name}}",
        "{{nested.deep.value}} {{nested.name}} {{nested.missing.value}} {{t.a}}{{t.c}}",
        // Sections.
        "{{#items}}{{id}}:{{title}}:{{name}};{{/items}}", "{{#none}}x{{/none}}{{^none}}no items{{/none}}",
        "{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}not no{{/no}}{{^yes}}not yes{{/yes}}",
        "{{#empty}}[{{.}}]{{/empty}}{{#count}}<{{.}}>{{/count}}{{#missing}}m{{/missing}}{{^missing}}!m{{/missing}}",
        "{{#nested}}{{#deep}}{{value}} {{name}} {{count}}{{/deep}}{{/nested}}",
        "{{#words}}{{.}},{{/words}}", "{{#nested}}{{.name}}|{{.count}}|{{count}}{{/nested}}",
        // Standalone lines.
        "a\n{{#items}}\n  {{id}}\n{{/items}}\nb\n", "  {{#yes}}  \nyes\n  {{/yes}}  \r\nend",
        "before\n  {{! a comment\n  on two lines }}\nafter\n", "{{^none}}\n  none\n{{/none}}", "x {{#yes}}\ny\n{{/yes}} z",
        "{{#yes}}\n{{/yes}}", "| {{#yes}} {{/yes}} |\n", "  {{#items}}{{id}}{{/items}}\n",
        // Set delimiters.
        "{{=<% %>=}}<% name %> {{name}}\n<%={{ }}=%>{{count}}", "  {{=| |=}}\n|#yes|\n|count|\n|/yes|\n",
        // Partials, indentation, dynamic names.
        "{{>p1}}", "begin\n  {{>p4}}\nend", "begin\n    {{>p5}}\nend\n", "x {{>p1}} y", "{{>missing}}!", "{{>*partialName}}",
        "{{#items}}{{>p3}}{{/items}}", "{{% CONTENT_TYPE: MARKDOWN }}{{>p3}}{{korean}}",
        // Inheritance.
        "{{<layout}}{{$title}}My title {{name}}{{/title}}{{/layout}}",
        "{{<layout}}\n{{$body}}\n  one\n    two\n{{/body}}\n{{/layout}}\n",
        "{{<layout2}}{{$body}}child body{{/body}}{{/layout2}}", "{{<layout}}{{/layout}}",
        "{{$title}}unused default{{/title}}",
        // Transforms and positions.
        "{{uppercased(name)}} {{lowercased(korean)}} {{capitalized(words)}} {{reversed(empty)}}",
        "{{count(items)}} {{#empty(none)}}empty{{/empty(none)}} {{#first(items)}}{{id}}{{/first(items)}} {{#last(items)}}{{id}}{{/last(items)}}",
        "{{#items}}{{index()}}{{#first()}}F{{/first()}}{{#last()}}L{{/last()}}{{#even()}}e{{/even()}}{{plusone(index())}} {{/items}}",
        "{{#sorted(words)}}{{.}} {{/sorted(words)}}{{#reversed(numbers)}}{{.}}{{/reversed(numbers)}}{{#sorted(numbers)}}{{.}}{{/sorted(numbers)}}",
        "{{#sorted(t)}}{{key}}={{value}};{{/sorted(t)}} {{count(t)}} {{plusone(count)}} {{minusone(zero)}} {{#odd(count)}}odd{{/odd(count)}}",
        "{{#equalzero(zero)}}zero{{/equalzero(zero)}}{{index()}}{{#nested}}{{index()}}{{/nested}}",
        // Found in review: dynamic partials of the current value, block definitions' indentation,
        // tags after a section closes, one-line parents, set delimiters inside a section, blanks
        // at the end, empty names, ideographic spaces, sorting a reversed list.
        "{{#kind}}{{>*.}}{{/kind}}{{>*missing}}", "{{<slot}}\n{{$body}}\n  <ul>\n  {{#words}}\n  <li>{{.}}</li>\n  {{/words}}\n  </ul>\n{{/body}}\n{{/slot}}\n",
        "{{<slot}}\n{{$body}}\n  <ul>\n  {{>li}}\n  </ul>\n{{/body}}\n{{/slot}}\n", "{{<slot}}{{$body}}\n{{#yes}}\n    a\n{{/yes}}\n    b\n{{/body}}{{/slot}}",
        "{{#yes}}\n{{#yes}}Y\n{{/yes}}\n{{/yes}}\nend\n", "{{#yes}}\nx{{/yes}}{{! c }}\ny\n", "x{{#yes}}y\n{{/yes}}\n  {{#yes}}\nz\n{{/yes}}",
        "{{<frame}}{{$content}}\n<h1>Hi</h1>\n{{/content}}{{/frame}}\n", "{{#yes}}{{=<% %>=}}<%/yes%>{{count}}<%count%>",
        "a\n{{! c }}  ", "{{#korean}}[{{}}]{{/korean}} {{#}}in{{/}}", "{{\u{3000}name\u{3000}}}", "{{#sorted(reversed(numbers))}}{{.}}{{/sorted(reversed(numbers))}}",
        // Line endings and the end of the text.
        "a\r\n{{#yes}}\r\nb\r\n{{/yes}}\r\n", "{{#yes}}\nno newline at the end\n{{/yes}}", "{{name}}\n\n\n{{count}}", "",
    ]

    @Test func languageMatchesSwiftMustache() throws {
        for template in Self.cases {
            let (ours, reference) = try Self.render(template, Self.data, partials: Self.partials)
            #expect(ours.map { Array($0.utf8) } == reference.map { Array($0.utf8) }, "template: \(template.debugDescription)")
        }
    }

    /// A standalone partial's indentation goes before every line the partial writes, as the Mustache
    /// spec says, lines a section repeats included; swift-mustache indents only a section's first
    /// line.
    @Test func partialIndentationReachesSectionLines() throws {
        let (ours, reference) = try Self.render("begin\n  {{>p1}}\nend", Self.data, partials: Self.partials)
        #expect(ours == "begin\n  [Kim &amp; &lt;Lee&gt; &quot;Park&quot; &#39;Choi&#39;]\n  - F-1\n  - F-2\n  - F-3\nend")
        #expect(reference == "begin\n  [Kim &amp; &lt;Lee&gt; &quot;Park&quot; &#39;Choi&#39;]\n  - F-1\n- F-2\n- F-3\nend")
        // The same for a block in a parent, and for the lines after a CRLF (swift-mustache takes
        // "\r\n" for one character that is not a line break).
        let rows = "{{<rows}}{{$rows}}{{#words}}<li>{{.}}</li>\n{{/words}}{{/rows}}{{/rows}}"
        let block = try Self.render(rows, Self.data, partials: ["rows": "<ul>\n  {{$rows}}\n  {{/rows}}\n</ul>\n"])
        #expect(block.ours == "<ul>\n  <li>pear</li>\n  <li>apple</li>\n  <li>fig</li>\n</ul>\n")
        #expect(block.reference == "<ul>\n  <li>pear</li>\n<li>apple</li>\n<li>fig</li>\n</ul>\n")
        let crlf = try Self.render("a\r\n  {{>p}}\r\nb", Self.data, partials: ["p": "x\r\ny\r\n"])
        #expect(crlf.ours == "a\r\n  x\r\n  y\r\nb")
        #expect(crlf.reference == "a\r\n  x\r\ny\r\nb")
    }

    /// A partial that includes itself outside a section that ends stops at a depth of 100 instead
    /// of overflowing the stack, and the build reports it.
    @Test func runawayPartialsStop() throws {
        let loop = try Template("{{#yes}}[{{>loop}}]{{/yes}}")
        let result = try #require(TemplateRenderer.render(Self.data, template: "loop", in: ["loop": loop]))
        #expect(result.tooDeep?.count == TemplateRenderer.maximumDepth + 1)
        #expect(result.output.hasPrefix(String(repeating: "[", count: 99)))
        let block = try Template("{{<layout}}{{$body}}x{{$body}}{{/body}}{{/body}}{{/layout}}")
        let layout = try Template("{{$body}}{{/body}}")
        #expect(TemplateRenderer.render(Self.data, template: "main", in: ["main": block, "layout": layout])?.tooDeep != nil)

        let overrides = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-loop-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: overrides) }
        try FileManager.default.createDirectory(at: overrides.appendingPathComponent("partials"), withIntermediateDirectories: true)
        try "{{% CONTENT_TYPE: MARKDOWN }}{{#id}}{{>partials/finding}}{{/id}}".write(to: overrides.appendingPathComponent("partials/finding.mustache"), atomically: true, encoding: .utf8)
        var options = BuildPipeline.Options(workspace: Self.examples.appendingPathComponent("acecommerce-2026-q3"), output: overrides.appendingPathComponent("out"))
        options.reports.templates = overrides
        let errors = BuildPipeline.run(options, progress: { _ in }).diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("nest more than 100 deep (partials/finding → partials/finding → ") == true, "\(errors)")
        #expect(errors.first?.file.hasSuffix("partials/finding.mustache") == true)
        #expect(!FileManager.default.fileExists(atPath: overrides.appendingPathComponent("out").path), "nothing written")
    }

    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples")

    @Test func errorsHavePositions() {
        let broken: [(String, Int, Int, String)] = [
            ("line\n{{#a}}\nx\n", 2, 1, "is not closed"),
            ("{{#a}}\n  {{/b}}", 2, 3, "wrong name"),
            ("{{>*a(b)}}", 1, 4, "cannot take a transform"),
            ("ok {{name", 1, 4, "not closed"),
            ("{{/a}}", 1, 1, "not open"),
            ("{{% PRAGMA: X }}", 1, 4, "unknown pragma"),
            ("{{% CONTENT_TYPE: PDF }}", 1, 4, "unknown content type"),
            ("{{=<% %>}}", 1, 1, "set-delimiter"),
            ("\n\n 가나 {{이름}}", 3, 7, "character a name cannot have"),
            ("{{a(b}}", 1, 3, "parentheses"),
            ("{{<p}}{{x}}{{/p}}", 1, 7, "only {{$block}}"),
            (String(repeating: "{{#a}}", count: 5000) + String(repeating: "{{/a}}", count: 5000), 1, 1201, "more than 200 deep"),
        ]
        for (text, line, column, message) in broken {
            do {
                _ = try Template(text)
                Issue.record("\(text.debugDescription) parsed")
            } catch {
                #expect(error.line == line && error.column == column, "\(text.debugDescription): \(error.line):\(error.column)")
                #expect(error.message.contains(message), "\(text.debugDescription): \(error.message)")
            }
        }
    }

    /// Every view the build and the knowledge base render from the examples, with the built-in
    /// templates (English and Korean, internal and client audiences).
    @Test func builtInTemplatesMatchSwiftMustache() throws {
        _ = Self.registered
        var library = MustacheLibrary()
        let directory = TemplateLibrary.builtinDirectory
        for path in FileManager.default.enumerator(atPath: directory.path)!.compactMap({ $0 as? String }) where path.hasSuffix(".mustache") {
            let text = try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
            try library.register(text, named: String(path.dropLast(".mustache".count)))
        }
        let results = Results()
        TemplateLibrary.observer.value = { [library] view, name, output in
            let reference = library.render(Adapter.convert(view), withTemplate: name)
            results.add(name, same: reference.map { Array($0.utf8) } == Array(output.utf8))
        }
        defer { TemplateLibrary.observer.value = nil }
        let examples = Self.examples
        let workspaces = try FileManager.default.contentsOfDirectory(atPath: examples.path).sorted().map { examples.appendingPathComponent($0) }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-engine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        for (index, workspace) in workspaces.enumerated() {
            var options = BuildPipeline.Options(workspace: workspace, output: output.appendingPathComponent("build-\(index)"))
            options.reports.audience = index == 0 ? .internal : .client
            #expect(BuildPipeline.run(options, progress: { _ in }).diagnostics.filter { $0.severity == .error }.isEmpty)
        }
        var options = ReportOptions()
        options.audience = .internal
        _ = KnowledgeBasePipeline.run(workspaces, output: output.appendingPathComponent("kb"), options: options, progress: { _ in })
        let (counts, mismatches) = results.summary
        for name in ["health-check", "incident", "period", "page", "partials/finding", "kb-item", "kb-list", "kb-home", "kb-search", "kb-entry"] {
            #expect(counts[name, default: 0] > 0, "no \(name) rendered")
        }
        #expect(mismatches.isEmpty, "differs from swift-mustache: \(mismatches)")
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]
        private var mismatches: [String: Int] = [:]
        func add(_ name: String, same: Bool) {
            lock.withLock {
                counts[name, default: 0] += 1
                if !same { mismatches[name, default: 0] += 1 }
            }
        }
        var summary: ([String: Int], [String: Int]) { lock.withLock { (counts, mismatches) } }
    }
}

/// What a report template reads of the health check's finding sections decides whether a section
/// taken from the build cache needs its fields: the answer must never leave out a name it reads.
@Suite struct TemplateNamesReadTests {
    static func library(_ files: [String: String]) throws -> TemplateLibrary {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("names-\(UUID().uuidString)")
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        var log = DiagnosticLog()
        let library = TemplateLibrary.load(overrides: folder, language: .ko, log: &log)
        #expect(!log.hasErrors)
        return library
    }

    static func names(_ healthCheck: String, _ partials: [String: String] = [:]) throws -> Set<String>? {
        var files = ["health-check.mustache": healthCheck]
        for (name, text) in partials { files["partials/\(name).mustache"] = text }
        return try library(files).namesRead(in: "health-check", within: ["categories", "findings"])
    }

    @Test func theBuiltInReportReadsOnlyTheRenderedSection() throws {
        #expect(try Self.library([:]).namesRead(in: "health-check", within: ["categories", "findings"]) == ["rendered"])
    }

    @Test func everyNameInsideTheSectionsIsCounted() throws {
        #expect(try Self.names("{{#categories}}{{label}}{{#findings}}{{title}} {{{rendered}}}{{/findings}}{{/categories}}") == ["title", "rendered"])
        #expect(try Self.names("{{#categories}}{{#findings}}{{#metrics}}{{name}}{{/metrics}}{{uppercased(id)}}{{/findings}}{{/categories}}")
            == ["metrics", "name", "id"], "nested sections and transforms")
        #expect(try Self.names("{{#categories}}{{#findings}}{{> partials/mine}}{{/findings}}{{/categories}}", ["mine": "{{owner}} {{t.x}}"])
            == ["owner", "t"], "partials are followed")
        #expect(try Self.names("{{> partials/outer}}", ["outer": "{{#categories}}{{#findings}}{{due}}{{/findings}}{{/categories}}"]) == ["due"])
        #expect(try Self.names("{{#findings}}{{title}}{{/findings}}{{#categories}}{{^findings}}{{title}}{{/findings}}{{/categories}}") == [],
                "outside the path, or in an inverted section, no section view is on the stack")
    }

    @Test func whatItCannotTellIsNil() throws {
        #expect(try Self.names("{{#categories}}{{#findings}}{{.}}{{/findings}}{{/categories}}") == nil)
        #expect(try Self.names("{{#categories}}{{#findings}}{{.title}}{{/findings}}{{/categories}}") == nil)
        #expect(try Self.names("{{#categories.findings}}{{title}}{{/categories.findings}}") == nil)
        #expect(try Self.names("{{#categories}}{{#first(findings)}}{{title}}{{/first(findings)}}{{/categories}}") == nil, "a transform of the list")
        #expect(try Self.names("{{#categories}}{{#findings}}{{>*which}}{{/findings}}{{/categories}}") == nil)
        #expect(try Self.names("{{#categories}}{{#findings}}{{> partials/missing}}{{/findings}}{{/categories}}") == nil)
        #expect(try Self.names("{{#categories}}{{#findings}}{{> partials/loop}}{{/findings}}{{/categories}}", ["loop": "{{#x}}{{> partials/loop}}{{/x}}"]) == nil)
    }
}
