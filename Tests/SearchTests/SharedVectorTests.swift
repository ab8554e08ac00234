import Foundation
import Testing
@testable import Search

/// The vectors `node --test` checks too (Tests/Fixtures/search-vectors.json): one behaviour, two implementations.
struct Vectors: Decodable {
    struct TokenizerCase: Decodable, CustomTestStringConvertible, Sendable {
        var input: String
        var tokens: [String]
        var testDescription: String { input.debugDescription }
    }

    struct WordsCase: Decodable, Sendable {
        var input: String
        var words: [String]
    }

    struct QueryCase: Decodable, CustomTestStringConvertible, Sendable {
        var query: String
        var filters: [String: [String]]?
        var ids: [String]
        var total: Int?
        var scores: [Double]?
        var facets: [String: [String: Int]]?
        var testDescription: String { query.debugDescription }
    }

    var schema: Int
    var tokenizer: [TokenizerCase]
    var hangulWords: [WordsCase]
    var queries: [QueryCase]

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static let shared: Vectors = {
        let data = (try? Data(contentsOf: fixtures.appendingPathComponent("search-vectors.json"))) ?? Data()
        return (try? JSONDecoder().decode(Vectors.self, from: data)) ?? Vectors(schema: 0, tokenizer: [], hangulWords: [], queries: [])
    }()
}

@Suite struct SharedVectorTests {
    @Test func vectorsArePresent() {
        #expect(Vectors.shared.schema == SearchIndexFormat.schema)
        #expect(Vectors.shared.tokenizer.count >= 35)
        #expect(Vectors.shared.queries.count >= 15)
    }

    @Test(arguments: Vectors.shared.tokenizer)
    func tokenizer(_ vector: Vectors.TokenizerCase) {
        #expect(Tokenizer.tokenize(vector.input) == vector.tokens)
    }

    @Test func hangulWords() {
        for vector in Vectors.shared.hangulWords {
            #expect(Tokenizer.hangulWords(vector.input) == vector.words, "\(vector.input)")
        }
    }

    @Test(arguments: Vectors.shared.queries)
    func queryOverTheFixtureIndex(_ vector: Vectors.QueryCase) throws {
        let engine = try QueryEngine(folder: Vectors.fixtures.appendingPathComponent("search-index"))
        let response = engine.search(vector.query, filters: vector.filters ?? [:], limit: 100)
        #expect(response.results.compactMap { $0.document["id"] } == vector.ids)
        if let total = vector.total { #expect(response.total == total) }
        if let scores = vector.scores {
            #expect(response.results.count == scores.count)
            for (result, score) in zip(response.results, scores) { #expect(abs(result.score - score) < 1e-6, "\(result.score) ≠ \(score)") }
        }
        if let facets = vector.facets { #expect(response.facets == facets.filter { !$0.value.isEmpty }) }
    }
}
