import Foundation
import Yams

/// Where diagnostics go while one file is decoded.
final class DecodingContext {
    let file: String
    let lineOffset: Int
    var log = DiagnosticLog()

    init(file: String, lineOffset: Int) {
        self.file = file
        self.lineOffset = lineOffset
    }

    func location(_ mark: Mark?) -> SourceLocation {
        guard let mark else { return SourceLocation(file: file, line: lineOffset + 1, column: 1) }
        return SourceLocation(file: file, line: mark.line + lineOffset, column: mark.column)
    }

    func error(_ message: String, at mark: Mark?) { log.error(message, at: location(mark)) }
    func warning(_ message: String, at mark: Mark?) { log.warning(message, at: location(mark)) }

    /// Parses YAML into a node tree, turning parser errors into a diagnostic at their position.
    func compose(_ yaml: String) -> Node? {
        do {
            // The basic resolver: no regular expression runs for every scalar while parsing (Yams hashes
            // every mapping key to find duplicates); tags are resolved on demand by `tagName`. The
            // encoding is given: Yams's default reads the whole process environment on every parse
            // (a dictionary of every variable, for one of them), 0.19 s over 11,000 item files.
            return try Yams.compose(yaml: yaml, Resolver.basic, .default, .utf8)
        } catch let error as YamlError {
            switch error {
            case .scanner(let context, let problem, let mark, _),
                 .parser(let context, let problem, let mark, _),
                 .composer(let context, let problem, let mark, _):
                let detail = context.map { "\($0.text) — " } ?? ""
                self.error("invalid YAML: \(detail)\(problem) — check indentation, quotes and the ': ' after each key", at: mark)
            case .duplicatedKeysInMapping(let duplicates, let context):
                self.error("duplicate key '\(duplicates.joined(separator: "', '"))' — keep one of them", at: context.mark)
            default:
                self.error("invalid YAML: \(error)", at: nil)
            }
        } catch {
            self.error("invalid YAML: \(error)", at: nil)
        }
        return nil
    }
}

/// Reads one YAML mapping against a schema: every missing key, wrong type, bad value and unknown
/// key becomes a diagnostic at its line and column; decoding goes on with the rest.
struct MappingReader {
    let context: DecodingContext
    let mark: Mark?
    /// A name for messages: "front matter", "timeline entry", ….
    let name: String
    /// The mapping's keys, their positions and their values, at the same indices: a key is found
    /// by comparing strings only (searching pairs copied each value node it passed, with its tree's
    /// references).
    private let keys: [String]
    private let keyMarks: [Mark?]
    private let values: [Node]

    init?(_ node: Node, context: DecodingContext, name: String) {
        guard case .mapping(let mapping) = node else {
            context.error("\(name) must be a mapping of keys and values (like `id: F-001`), not \(Self.describe(node))", at: node.mark)
            return nil
        }
        self.context = context
        self.mark = mapping.mark
        self.name = name
        var keys: [String] = [], keyMarks: [Mark?] = [], values: [Node] = []
        keys.reserveCapacity(mapping.count)
        keyMarks.reserveCapacity(mapping.count)
        values.reserveCapacity(mapping.count)
        for (key, value) in mapping {
            keys.append(key.string ?? "")
            keyMarks.append(key.mark)
            values.append(value)
        }
        (self.keys, self.keyMarks, self.values) = (keys, keyMarks, values)
    }

    var location: SourceLocation { context.location(mark) }

    func node(_ key: String) -> Node? {
        keys.firstIndex(of: key).map { values[$0] }
    }

    func location(of key: String) -> SourceLocation {
        guard let node = node(key) else { return location }
        return context.location(node.mark)
    }

    /// Reports keys outside `known`, suggesting the closest known key.
    func rejectUnknownKeys(_ known: [String]) {
        for (key, keyMark) in zip(keys, keyMarks) where !known.contains(key) {
            context.warning("unknown key '\(key)' in \(name)\(Suggestions.didYouMean(key, in: known)) — it is ignored", at: keyMark)
        }
    }

    private func present(_ key: String, required: Bool) -> Node? {
        let found = node(key)
        guard let value = found, !Self.isNull(value) else {
            if required {
                if let found {
                    context.error("'\(key)' is empty — give it a value", at: found.mark ?? mark)
                } else {
                    context.error("missing required key '\(key)' in \(name) — add `\(key): …`", at: mark)
                }
            }
            return nil
        }
        return value
    }

    // MARK: Scalars

    func string(_ key: String, required: Bool = false) -> String? {
        guard let value = present(key, required: required) else { return nil }
        guard case .scalar(let scalar) = value else {
            context.error("'\(key)' must be text, not \(Self.describe(value))", at: value.mark)
            return nil
        }
        let text = Self.trimmed(scalar.string)
        if text.isEmpty, required {
            context.error("'\(key)' is empty — give it a value", at: value.mark)
            return nil
        }
        return text
    }

    /// The text without surrounding white space; text that has none at its ends is returned as it is.
    static func trimmed(_ text: String) -> String {
        func plain(_ scalar: Unicode.Scalar?) -> Bool {
            guard let scalar else { return false }
            // Letters, digits, marks, punctuation and symbols are never trimmed; separators,
            // controls and format characters (Foundation trims U+200B too) take the full path.
            switch scalar.properties.generalCategory {
            case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format, .surrogate, .privateUse, .unassigned:
                return false
            default:
                return true
            }
        }
        if plain(text.unicodeScalars.first), plain(text.unicodeScalars.last) { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// An identifier made of letters, digits, `.`, `_` and `-`.
    func identifier(_ key: String, required: Bool = true) -> String? {
        guard let text = string(key, required: required) else { return nil }
        let allowed = text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": return true
            default: return false
            }
        }
        guard allowed else {
            context.error("'\(key)' must use only letters, digits, '.', '_' and '-', not '\(text)'", at: node(key)?.mark)
            return nil
        }
        return text
    }

    func enumeration<E: WorkspaceEnum>(_ key: String, _ type: E.Type, required: Bool = false) -> E? {
        guard let text = string(key, required: required) else { return nil }
        if let value = E(rawValue: text) { return value }
        context.error("'\(text)' is not a valid \(key) — use one of: \(E.allowedValues.joined(separator: ", "))\(Suggestions.didYouMean(text, in: E.allowedValues).replacingOccurrences(of: " — ", with: "; "))",
                      at: node(key)?.mark)
        return nil
    }

    func day(_ key: String, required: Bool = false) -> Day? {
        guard let text = string(key, required: required) else { return nil }
        guard let value = Day(text) else {
            context.error("'\(key)' is not a valid date: '\(text)' — write it as YYYY-MM-DD, e.g. 2026-10-14", at: node(key)?.mark)
            return nil
        }
        return value
    }

    func timestamp(_ key: String, required: Bool = false) -> Timestamp? {
        guard let text = string(key, required: required) else { return nil }
        switch Timestamp.parse(text) {
        case .success(let value):
            return value
        case .failure(.missingOffset):
            context.error("time '\(text)' has no UTC offset — add one, e.g. \(text)+09:00 for Korea", at: node(key)?.mark)
        case .failure(.malformed):
            context.error("'\(key)' is not a valid time: '\(text)' — write ISO 8601 with an offset, e.g. 2026-10-21T14:05:00+09:00", at: node(key)?.mark)
        }
        return nil
    }

    func number(_ key: String, required: Bool = false) -> Double? {
        guard let value = present(key, required: required) else { return nil }
        // Most numbers read as they are; YAML's other forms (1_000, 0o17, …) go through the tag rules.
        if case .scalar(let scalar) = value, let number = Double(scalar.string), number.isFinite, abs(number) < 1e15 { return number }
        guard case .scalar(let scalar) = value, scalar.tagName == .int || scalar.tagName == .float || Double(scalar.string) != nil,
              let number = Double(scalar.string.replacingOccurrences(of: "_", with: "")), number.isFinite, abs(number) < 1e15 else {
            context.error("'\(key)' must be a number, not \(Self.describe(value))", at: value.mark)
            return nil
        }
        return number
    }

    func integer(_ key: String, required: Bool = false) -> Int? {
        guard let number = number(key, required: required) else { return nil }
        guard number >= 0, number.rounded() == number, number < 1e15 else {
            context.error("'\(key)' must be a whole number of zero or more", at: node(key)?.mark)
            return nil
        }
        return Int(number)
    }

    func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let value = present(key, required: required) else { return nil }
        guard case .scalar(let scalar) = value, scalar.tagName == .bool, let flag = Bool.construct(from: scalar) else {
            context.error("'\(key)' must be true or false, not \(Self.describe(value))", at: value.mark)
            return nil
        }
        return flag
    }

    // MARK: Collections

    /// A list of text values with the position of each.
    func strings(_ key: String, required: Bool = false) -> [(value: String, location: SourceLocation)] {
        guard let value = present(key, required: required) else { return [] }
        guard case .sequence(let sequence) = value else {
            context.error("'\(key)' must be a list, e.g. `\(key): [a, b]`, not \(Self.describe(value))", at: value.mark)
            return []
        }
        var result: [(String, SourceLocation)] = []
        for element in sequence {
            guard case .scalar(let scalar) = element, !Self.isNull(element) else {
                context.error("each item of '\(key)' must be text, not \(Self.describe(element))", at: element.mark ?? value.mark)
                continue
            }
            result.append((scalar.string, context.location(element.mark)))
        }
        if required, result.isEmpty, sequence.isEmpty {
            context.error("'\(key)' is empty — list at least one value", at: value.mark)
        }
        return result
    }

    func mapping(_ key: String, required: Bool = false) -> MappingReader? {
        guard let value = present(key, required: required) else { return nil }
        return MappingReader(value, context: context, name: "'\(key)'")
    }

    /// A list of mappings (timeline, metrics, evidence, …), one reader per element.
    func mappings(_ key: String, required: Bool = false, element: String) -> [MappingReader] {
        guard let value = present(key, required: required) else { return [] }
        guard case .sequence(let sequence) = value else {
            context.error("'\(key)' must be a list of \(element)s (lines starting with '- '), not \(Self.describe(value))", at: value.mark)
            return []
        }
        if required, sequence.isEmpty {
            context.error("'\(key)' is empty — list at least one \(element)", at: value.mark)
        }
        return sequence.compactMap { MappingReader($0, context: context, name: element) }
    }

    // MARK: Helpers

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        // An explicit `!!null`, or a plain scalar the YAML 1.1 null rule matches (no regular
        // expression: this runs for every value).
        return scalar.tag.description == Tag.Name.null.rawValue
            || (scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string))
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            let text = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "…" : scalar.string
            return "'\(text)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

extension Node.Scalar {
    /// The resolved YAML tag (`str`, `int`, `float`, `bool`, `null`, …).
    var tagName: Tag.Name {
        let name = Tag.Name(rawValue: tag.description)
        // Parsed with the basic resolver, every untagged scalar reads as `str`; a plain one is
        // resolved here with the default YAML 1.1 rules. Only a scalar that starts like a bool,
        // int, float, null, timestamp, merge or value can resolve to other than `str`, so the rest
        // skip the regular expressions.
        guard name == .implicit || name == .nonSpecific || name == .str, style == .plain else { return name }
        guard let first = string.unicodeScalars.first else { return Resolver.default.resolveTag(of: .scalar(self)) }
        guard "yYnNtTfFoO-+0123456789.~<=".unicodeScalars.contains(first) else { return .str }
        return Resolver.default.resolveTag(of: .scalar(self))
    }
}
