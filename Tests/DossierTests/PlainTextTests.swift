import Foundation
import Testing
@testable import Dossier

/// The plain text of rendered bodies feeds search snippets, the index and related items.
struct PlainTextTests {
    @Test func headingsAreDroppedAndTagsBecomeSpaces() {
        let html = "<h2 id=\"원인\">원인</h2>\n<p>커넥션 <strong>풀</strong>이 <code>max=50</code>에서\n고갈.</p>\n<h3>Fix</h3>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
        #expect(PlainText.from(html: html) == "커넥션 풀 이 max=50 에서\n고갈.\na\nb")
    }

    @Test func entitiesAreDecodedOnce() {
        #expect(PlainText.from(html: "<p>a &lt;b&gt; &amp;lt; &quot;q&quot; &#39;s&#39; &copy;</p>") == "a <b> &lt; \"q\" 's' &copy;")
    }

    @Test func whitespaceIsSqueezedAndTrimmed() {
        #expect(PlainText.from(html: "  <p>a \t  b</p>\n\n\n  <p> c</p>  ") == "a b\nc")
        #expect(PlainText.from(html: "") == "")
        #expect(PlainText.from(html: "<h1>only a heading</h1>") == "")
    }

    @Test func aLoneAngleBracketIsText() {
        #expect(PlainText.from(html: "x <> y") == "x <> y")
        #expect(PlainText.from(html: "x < y") == "x < y")
        #expect(PlainText.from(html: "<h2>unclosed heading") == "unclosed heading")
    }
}
