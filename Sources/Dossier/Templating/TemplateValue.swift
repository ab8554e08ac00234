import Foundation

/// What a template reads from a view: the kinds of value Mustache tells apart, without `Any`.
enum TemplateValue {
    case string(String)
    case int(Int)
    case bool(Bool)
    case list(any TemplateList)
    case object(any TemplateObject)

    /// The value a field of this value's object holds under `name`; nil when it has none (the
    /// name is then looked up further out in the context).
    func child(named name: TemplateKey) -> TemplateValue? {
        if case .object(let object) = self { return object.value(for: name) }
        return nil
    }

    /// `{{name}}`'s text, before escaping.
    var text: String {
        switch self {
        case .string(let string): string
        case .int(let int): String(int)
        case .bool(let bool): bool ? "true" : "false"
        case .list, .object: ""
        }
    }

    /// swift-mustache's transforms: `empty`, `capitalized`, `lowercased`, `uppercased`, `reversed` of
    /// strings; `first`, `last`, `reversed`, `count`, `empty`, `sorted` of lists; `count`, `empty`,
    /// `enumerated`, `sorted` of string tables; `equalzero`, `plusone`, `minusone`, `even`, `odd` of
    /// numbers; and `first`, `last`, `index`, `even`, `odd` of the position in a list.
    func transformed(_ name: String) -> TemplateValue? {
        switch self {
        case .string(let string):
            switch name {
            case "empty": return .bool(string.isEmpty)
            case "capitalized": return .string(string.capitalized)
            case "lowercased": return .string(string.lowercased())
            case "uppercased": return .string(string.uppercased())
            case "reversed": return .string(String(string.reversed()))
            default: return nil
            }
        case .int(let int):
            switch name {
            case "equalzero": return .bool(int == 0)
            case "plusone": return .int(int + 1)
            case "minusone": return .int(int - 1)
            case "even": return .bool(int & 1 == 0)
            case "odd": return .bool(int & 1 == 1)
            default: return nil
            }
        case .bool:
            return nil
        case .list(let list):
            switch name {
            case "first": return list.count > 0 ? list.element(at: 0) : nil
            case "last": return list.count > 0 ? list.element(at: list.count - 1) : nil
            case "reversed": return .list(TemplateValues((0..<list.count).reversed().map { list.element(at: $0) }))
            case "count": return .int(list.count)
            case "empty": return .bool(list.count == 0)
            case "sorted": return list.sortedForTemplate().map { .list($0) }
            default: return nil
            }
        case .object(let object):
            return object.transformed(name)
        }
    }
}

/// A name a template looks up, with its number among all such names (`TemplateSymbols`): views
/// find a field by that number, in an array, instead of hashing the name at every lookup.
struct TemplateKey: Sendable, Equatable {
    let text: String
    let symbol: Int

    init(_ text: String) {
        self.text = text
        symbol = TemplateSymbols.symbol(for: text)
    }

    static func == (lhs: TemplateKey, rhs: TemplateKey) -> Bool { lhs.text == rhs.text }
}

/// A number for each name that templates and views use: the same name, the same number, in any
/// order of first use. Names come from templates and field tables, so the table stays small.
enum TemplateSymbols {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var numbers: [String: Int] = [:]

    static func symbol(for name: String) -> Int {
        lock.withLock {
            if let number = numbers[name] { return number }
            numbers[name] = numbers.count
            return numbers.count - 1
        }
    }
}

/// A view whose fields a template can read.
protocol TemplateObject {
    func value(named name: String) -> TemplateValue?
    /// `value(named:)`, for a name a template has already numbered.
    func value(for key: TemplateKey) -> TemplateValue?
    func transformed(_ name: String) -> TemplateValue?
    /// Every field, recursively and in a fixed order, for a build-cache key (`ViewDigest`); false
    /// if a field cannot be described.
    func digest(into parts: inout DigestSink) -> Bool
}

extension TemplateObject {
    func transformed(_ name: String) -> TemplateValue? { nil }
    func value(for key: TemplateKey) -> TemplateValue? { value(named: key.text) }
}

/// A list a section repeats over.
protocol TemplateList {
    var count: Int { get }
    func element(at index: Int) -> TemplateValue
    /// The list sorted, if its elements are strings or numbers.
    func sortedForTemplate() -> (any TemplateList)?
}

extension TemplateList {
    func sortedForTemplate() -> (any TemplateList)? { nil }
}

/// A value a view's field can hold.
protocol TemplateValueConvertible {
    var templateValue: TemplateValue? { get }
}

extension String: TemplateValueConvertible {
    var templateValue: TemplateValue? { .string(self) }
}

extension Int: TemplateValueConvertible {
    var templateValue: TemplateValue? { .int(self) }
}

extension Bool: TemplateValueConvertible {
    var templateValue: TemplateValue? { .bool(self) }
}

extension Double: TemplateValueConvertible {
    /// As swift-mustache prints it (`String(describing:)`).
    var templateValue: TemplateValue? { .string(String(describing: self)) }
}

extension Optional: TemplateValueConvertible where Wrapped: TemplateValueConvertible {
    /// Nil reads as missing: a false section, and the name looked up further out in the context.
    var templateValue: TemplateValue? { self?.templateValue }
}

extension Array: TemplateValueConvertible where Element: TemplateValueConvertible {
    var templateValue: TemplateValue? { .list(self) }
}

extension Array: TemplateList where Element: TemplateValueConvertible {
    func element(at index: Int) -> TemplateValue {
        // An element that reads as missing (a nil in a list of optionals) is an empty string.
        self[index].templateValue ?? .string("")
    }

    func sortedForTemplate() -> (any TemplateList)? {
        if let strings = self as? [String] { return strings.sorted() }
        if let ints = self as? [Int] { return ints.sorted() }
        return nil
    }
}

/// A list of values already converted.
struct TemplateValues: TemplateList {
    let values: [TemplateValue]
    init(_ values: [TemplateValue]) { self.values = values }
    var count: Int { values.count }
    func element(at index: Int) -> TemplateValue { values[index] }

    func sortedForTemplate() -> (any TemplateList)? {
        var strings: [String] = [], ints: [Int] = []
        for value in values {
            switch value {
            case .string(let string): strings.append(string)
            case .int(let int): ints.append(int)
            default: return nil
            }
        }
        if ints.isEmpty { return strings.sorted() }
        return strings.isEmpty ? ints.sorted() : nil
    }
}

/// A table of strings (the reports' `t`): `{{t.title}}`.
extension Dictionary: TemplateValueConvertible, TemplateObject where Key == String, Value: TemplateValueConvertible {
    var templateValue: TemplateValue? { .object(self) }

    func value(named name: String) -> TemplateValue? { self[name]?.templateValue }

    func transformed(_ name: String) -> TemplateValue? {
        switch name {
        case "count": return .int(count)
        case "empty": return .bool(isEmpty)
        case "enumerated": return .list(TemplateValues(map { .object(KeyValue(key: $0.key, value: $0.value.templateValue)) }))
        case "sorted":
            return .list(TemplateValues(sorted { $0.key < $1.key }.map { .object(KeyValue(key: $0.key, value: $0.value.templateValue)) }))
        default: return nil
        }
    }

    func digest(into parts: inout DigestSink) -> Bool {
        parts.append("table \(count)")
        for key in keys.sorted() {
            parts.append(key)
            guard ViewDigest.append(self[key]!.templateValue, to: &parts) else { return false }
        }
        return true
    }
}

/// An entry of `enumerated(table)` or `sorted(table)`.
private struct KeyValue: TemplateObject {
    let key: String
    let value: TemplateValue?

    func value(named name: String) -> TemplateValue? {
        switch name {
        case "key": .string(key)
        case "value": value
        default: nil
        }
    }

    func digest(into parts: inout DigestSink) -> Bool {
        parts.append(key)
        return ViewDigest.append(value, to: &parts)
    }
}

/// The position in the list a section repeats over: `{{index()}}`, `{{#first()}}`.
struct SequencePosition: TemplateObject {
    var first: Bool
    var last: Bool
    var index: Int

    func value(named name: String) -> TemplateValue? { nil }

    func transformed(_ name: String) -> TemplateValue? {
        switch name {
        case "first": .bool(first)
        case "last": .bool(last)
        case "index": .int(index)
        case "even": .bool(index & 1 == 0)
        case "odd": .bool(index & 1 == 1)
        default: nil
        }
    }

    func digest(into parts: inout DigestSink) -> Bool { false }
}

/// A view whose fields templates read through a table of accessors.
protocol TemplateView: TemplateObject, TemplateValueConvertible {
    static var fields: TemplateFields<Self> { get }
}

extension TemplateView {
    func value(named name: String) -> TemplateValue? {
        guard let field = Self.fields.byName[name] else { return nil }
        return field(self)
    }

    func value(for key: TemplateKey) -> TemplateValue? {
        guard let field = Self.fields[key] else { return nil }
        return field(self)
    }

    var templateValue: TemplateValue? { .object(self) }

    func digest(into parts: inout DigestSink) -> Bool {
        let fields = Self.fields
        parts.append(fields.label)
        for (name, field) in fields.sorted {
            parts.append(name)
            guard ViewDigest.append(field(self), to: &parts) else { return false }
        }
        return true
    }
}

/// A view type's fields, written as a dictionary literal of names and accessors, and also kept
/// by each name's `TemplateSymbols` number for lookups from templates.
struct TemplateFields<View>: ExpressibleByDictionaryLiteral, Sendable {
    typealias Field = @Sendable (View) -> TemplateValue?
    let byName: [String: Field]
    private let bySymbol: [Field?]
    /// The fields in the order of their names, and the view type's name: how `ViewDigest` lists a
    /// view (made once per type, not for each of 20,000 rows).
    let sorted: [(name: String, field: Field)]
    let label: String

    init(dictionaryLiteral elements: (String, Field)...) {
        byName = Dictionary(uniqueKeysWithValues: elements)
        sorted = elements.sorted { $0.0 < $1.0 }.map { (name: $0.0, field: $0.1) }
        label = "view \(View.self)"
        let symbols = elements.map { TemplateSymbols.symbol(for: $0.0) }
        var table = [Field?](repeating: nil, count: (symbols.max() ?? -1) + 1)
        for (symbol, element) in zip(symbols, elements) { table[symbol] = element.1 }
        bySymbol = table
    }

    /// The field a template's name refers to; a name numbered after this table was made is none of its fields.
    subscript(key: TemplateKey) -> Field? {
        key.symbol < bySymbol.count ? bySymbol[key.symbol] : nil
    }
}
