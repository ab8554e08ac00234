@testable import Dossier
import Foundation
import Mustache
import Testing

/// Random templates from pieces of the language: the engine never traps, and where swift-mustache
/// reads a template too, both write the same bytes — but for what the README lists as different
/// on purpose (lists and objects written as values; the lines of a section in an indented partial,
/// which `{{>p1}}` would show, is left out of the pieces).
@Suite struct TemplateFuzzTests {
    /// SplitMix64: the same templates on every run.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let pieces = [
        "{{name}}", "{{{name}}}", "{{&korean}}", "{{#yes}}", "{{/yes}}", "{{#items}}", "{{/items}}", "{{^none}}", "{{/none}}", "{{! c }}",
        "{{>p4}}", "{{>p3}}", "\n", "  ", "x", "\r\n", "\t", "{{id}}", "{{.}}", "{{index()}}", "{{=<% %>=}}", "<%={{ }}=%>", "<%name%>",
        "{{<layout}}", "{{/layout}}", "{{$title}}", "{{/title}}", "{{$body}}", "{{/body}}", "{{% CONTENT_TYPE: MARKDOWN }}",
        "{{#words}}", "{{/words}}", "{{korean}}", "{{#first()}}", "{{/first()}}", "{{nested.deep.value}}", "{{^no}}", "{{/no}}",
    ]

    @Test func randomTemplatesMatchSwiftMustache() throws {
        _ = TemplateEngineTests.registered
        var generator = Generator(state: 2026)
        var compared = 0
        var differences: [String] = []
        for _ in 0..<30000 {
            let count = Int.random(in: 1...12, using: &generator)
            let text = (0..<count).map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
            let ours = try? Template(text)
            // Rendering what parsed must not trap, whatever swift-mustache makes of it.
            if let ours { _ = TemplateRenderer.render(TemplateEngineTests.data, template: "t", in: ["t": ours].merging(try Self.partials()) { a, _ in a }) }
            guard ours != nil, (try? MustacheTemplate(string: text)) != nil else { continue }
            compared += 1
            let (a, b) = try TemplateEngineTests.render(text, TemplateEngineTests.data, partials: TemplateEngineTests.partials)
            // swift-mustache writes an object's or a list's Swift description where the engine
            // writes nothing: an object's is skipped, and an empty list's `[]` taken out.
            if let b, b.contains("Adapter(") { continue }
            let reference = b.map { $0.replacingOccurrences(of: "[]", with: "") }
            if a.map({ Array($0.utf8) }) != reference.map({ Array($0.utf8) }), differences.count < 10 { differences.append("\(text.debugDescription): \((a ?? "nil").debugDescription) ≠ \((b ?? "nil").debugDescription)") }
        }
        #expect(compared > 3000)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    static func partials() throws -> [String: Template] {
        try TemplateEngineTests.partials.mapValues { try Template($0) }
    }
}
