import Foundation
import Markdown
import Search
import Testing
@testable import Dossier

/// Related items on the Korean example: bounded, deterministic, linked items first.
struct RelatedItemsTests {
    static func items() throws -> [KBItem] {
        let loaded = WorkspaceLoader.load(examples.appendingPathComponent("acecommerce-2026-q4"))
        let workspace = try #require(loaded.workspace)
        var log = DiagnosticLog()
        let context = try #require(ReportBuilder.makeContext(workspace, previous: nil, options: ReportOptions(), log: &log))
        return KnowledgeBaseBuilder.makeItems([context])
    }

    static func counts(_ items: [KBItem]) -> [IndexWriter.DocumentTerms] {
        items.map { item in RelatedItems.termCounts(item.searchDocument(MarkdownRenderer.render(item.body))) }
    }

    @Test func linkedItemsComeFirstAndListsAreBounded() throws {
        let items = try Self.items()
        let related = RelatedItems.compute(items, termCounts: Self.counts(items))
        #expect(related.count == items.count)
        for (index, list) in related.enumerated() {
            #expect(list.count <= RelatedItems.shown)
            #expect(!list.contains(index), "never itself")
            #expect(Set(list).count == list.count)
        }
        // INC-2026-101 names F-002 as the finding behind it: the strongest link either way.
        let incident = try #require(items.firstIndex { $0.id == "INC-2026-101" })
        let finding = try #require(items.firstIndex { $0.id == "F-002" })
        #expect(related[incident].first == finding)
        #expect(related[finding].contains(incident))
        // Same input, same lists (candidate sets are unordered; scores and ties are not).
        #expect(RelatedItems.compute(items, termCounts: Self.counts(items)) == related)
    }

    @Test func termCountsSkipSingleCharacters() {
        #expect(RelatedItems.termCounts(["풀", "커넥", "커넥", "a", "ora-01555"]).tf == ["커넥": 2, "ora-01555": 1])
    }
}
