import Foundation
import Testing
@testable import Markdown

/// Table cells skip cmark when their text is plain; that shortcut must render exactly as cmark.
@Suite struct PlainInlineTests {
    static let samples = [
        "42", "1,234 ms", "99.9%", "p95 < 200", "커넥션 풀 고갈", "\"quoted\" text", "a \"b\" c", "x  y", "tab\there", " lead", "trail ",
        "www.example.com", "see WWW.example.com", "http://x.y", "a@b.co", "*emph*", "_u_", "`code`", "[link](x)", "a & b", "&amp;",
        "!image", "back\\slash", "a > b", "10:30", "ORA-01555", "max_connections", "wwwx", "w.w.w", "€ 5", "😀", "#1", "- 3", "1. x",
        "> quote", "<b>", "a\u{0000}b", "\u{00A0}nbsp", "ideographic\u{3000}", "~strike~", "a|b", "\"", "'single'", "--", "...",
    ]

    @Test(arguments: samples) func shortcutMatchesCmark(_ text: String) {
        let parsed = MarkdownRenderer.parsedInlineHTML(text, options: .extensions)
        if let plain = MarkdownRenderer.plainInlineHTML(text) {
            #expect(plain == parsed, "\(text)")
        }
        #expect(MarkdownRenderer.inlineHTML(text) == parsed)
    }

    @Test func plainTextTakesTheShortcut() {
        #expect(MarkdownRenderer.plainInlineHTML("1,234 ms") == "1,234 ms")
        #expect(MarkdownRenderer.plainInlineHTML("a \"b\"") == "a &quot;b&quot;")
        #expect(MarkdownRenderer.plainInlineHTML("*x*") == nil)
        #expect(MarkdownRenderer.plainInlineHTML("www.a.b") == nil)
    }
}
