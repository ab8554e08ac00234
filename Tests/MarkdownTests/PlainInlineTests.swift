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
        // Escapes, and colons outside `://`.
        "\\+85.7%", "\\*a\\*", "a\\<b\\>", "\\&amp;", "\\\"q\\\"", "x\\", "\\ a", "\\a", "\\한", "\\\\", "\\`",
        "http\\://x.y", "http:\\//x.y", "www\\.a.b", "a\\@b.co", "ISO/IEC 27001:2022 A.8.16", "a://b", ":", "::", "a:/b", "10:30:00",
        "ftp://x", "x:y@z", "\\-", "\\#1", "\\[x\\](y)", "\\!\\[", "\\~", "1\\.5", "\\_u\\_",
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
        // A value Markdown escaping wrote, and control names with colons: no parse.
        #expect(MarkdownRenderer.plainInlineHTML("\\+85.7%") == "+85.7%")
        #expect(MarkdownRenderer.plainInlineHTML("ISO/IEC 27001:2022 A.8.16") == "ISO/IEC 27001:2022 A.8.16")
        #expect(MarkdownRenderer.plainInlineHTML("a\\<b") == "a&lt;b")
        #expect(MarkdownRenderer.plainInlineHTML("www\\.a.b") == nil)
        #expect(MarkdownRenderer.plainInlineHTML("http\\://x.y") == nil)
    }

    /// Texts made of pieces that are plain, escaped or special in every order: wherever the shortcut
    /// answers, it answers as cmark.
    @Test func generatedTextsMatchCmark() {
        let pieces = ["a", "1", " ", "\\", "\\+", "\\<", "\\&", "\\\"", "\"", ":", "//", "/", ".", "w", "W", "www", "@", "\\@", "\\.",
                      "한글", "%", "-", "*", "`", "&", "<", "\\\\", "\\:", "x"]
        var state: UInt64 = 0xC0FFEE
        var shortcuts = 0
        for _ in 0..<3000 {
            var text = ""
            state = state &* 6364136223846793005 &+ 1442695040888963407
            for step in 0..<Int(state >> 61) + 1 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text += pieces[Int(state >> 33) % pieces.count]
                _ = step
            }
            guard let plain = MarkdownRenderer.plainInlineHTML(text) else { continue }
            shortcuts += 1
            #expect(plain == MarkdownRenderer.parsedInlineHTML(text, options: .extensions), "\(text.debugDescription)")
        }
        #expect(shortcuts > 500)
    }
}
