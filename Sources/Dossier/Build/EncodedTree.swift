import Foundation

/// A `Codable` value as a small tree, for an encoder that writes a whole document at once
/// (`PrettyJSON`): a container's members arrive in any order and its length may be
/// needed before them, so the value is gathered first and written afterwards.
enum EncodedTree {
    final class ArrayNode { var items: [Node] = [] }
    final class ObjectNode { var members: [(key: String, value: Node)] = [] }

    enum Node {
        case null, bool(Bool), signed(Int64), unsigned(UInt64), double(Double), string(String)
        case array(ArrayNode), object(ObjectNode)
        /// A value already written in the writer's own format (`JSONFragment`), for writers whose
        /// rules allow it.
        case encoded(String)
        /// A value a nested encoder (`superEncoder`) has yet to set, or never set.
        case pending(Encoder)

        /// The node, with a nested encoder's value in place of `pending` (`unset` if it set none).
        func resolved(unset: @autoclosure () -> Node) -> Node {
            if case .pending(let encoder) = self { return encoder.node?.resolved(unset: unset()) ?? unset() }
            return self
        }

        /// The node of a whole value: a top-level value that encoded nothing is nil.
        var resolvedOrNil: Node? {
            if case .pending(let encoder) = self { return encoder.node?.resolvedOrNil }
            return self
        }
    }

    /// A value of a type the caller cannot write faithfully.
    struct Refused: Error, CustomStringConvertible {
        var type: Any.Type
        var writer: String
        var description: String { "\(writer) cannot encode \(type)" }
    }

    /// What every encoder of one tree shares: the types to refuse.
    final class Rules {
        let writer: String
        let refuse: (Any.Type) -> Bool
        /// Whether a `JSONFragment` becomes an `encoded` node (else its own encoding refuses it).
        let takesFragments: Bool

        init(writer: String, refuse: @escaping (Any.Type) -> Bool, takesFragments: Bool = false) {
            self.writer = writer
            self.refuse = refuse
            self.takesFragments = takesFragments
        }

        func check(_ type: Any.Type) throws {
            if refuse(type) { throw Refused(type: type, writer: writer) }
        }
    }

    /// The tree of `value`; nil when it encodes nothing. Throws `Refused` for a refused type anywhere in it.
    static func encode<T: Encodable>(_ value: T, writer: String, takesFragments: Bool = false,
                                     refusing refuse: @escaping (Any.Type) -> Bool = { _ in false }) throws -> Node? {
        let rules = Rules(writer: writer, refuse: refuse, takesFragments: takesFragments)
        return try Encoder.node(for: value, at: [], rules: rules).resolvedOrNil
    }

    final class Encoder: Swift.Encoder {
        let codingPath: [any CodingKey]
        let rules: Rules
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        var node: Node?

        init(codingPath: [any CodingKey], rules: Rules) {
            self.codingPath = codingPath
            self.rules = rules
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let object: ObjectNode
            if case .object(let existing) = node { object = existing } else { object = ObjectNode(); node = .object(object) }
            return KeyedEncodingContainer(KeyedEncoding<Key>(object: object, codingPath: codingPath, rules: rules))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let array: ArrayNode
            if case .array(let existing) = node { array = existing } else { array = ArrayNode(); node = .array(array) }
            return UnkeyedEncoding(array: array, codingPath: codingPath, rules: rules)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueEncoding(encoder: self) }

        /// The node of a nested value: a string directly, anything else through its `encode(to:)`.
        static func node<T: Encodable>(for value: T, at path: [any CodingKey], rules: Rules) throws -> Node {
            if let string = value as? String { return .string(string) }
            if rules.takesFragments, let fragment = value as? JSONFragment { return .encoded(fragment.text) }
            try rules.check(T.self)
            let nested = Encoder(codingPath: path, rules: rules)
            try value.encode(to: nested)
            return nested.node ?? .pending(nested)
        }
    }

    struct KeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let object: ObjectNode
        let codingPath: [any CodingKey]
        let rules: Rules

        private func add(_ key: Key, _ node: Node) { object.members.append((key.stringValue, node)) }
        mutating func encodeNil(forKey key: Key) { add(key, .null) }
        mutating func encode(_ value: Bool, forKey key: Key) { add(key, .bool(value)) }
        mutating func encode(_ value: String, forKey key: Key) { add(key, .string(value)) }
        mutating func encode(_ value: Double, forKey key: Key) throws { try rules.check(Double.self); add(key, .double(value)) }
        mutating func encode(_ value: Float, forKey key: Key) throws { try rules.check(Float.self); add(key, .double(Double(value))) }
        mutating func encode(_ value: Int, forKey key: Key) { add(key, .signed(Int64(value))) }
        mutating func encode(_ value: Int8, forKey key: Key) { add(key, .signed(Int64(value))) }
        mutating func encode(_ value: Int16, forKey key: Key) { add(key, .signed(Int64(value))) }
        mutating func encode(_ value: Int32, forKey key: Key) { add(key, .signed(Int64(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) { add(key, .signed(value)) }
        mutating func encode(_ value: UInt, forKey key: Key) { add(key, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt8, forKey key: Key) { add(key, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt16, forKey key: Key) { add(key, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt32, forKey key: Key) { add(key, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt64, forKey key: Key) { add(key, .unsigned(value)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            add(key, try Encoder.node(for: value, at: codingPath + [key], rules: rules))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectNode()
            add(key, .object(nested))
            return KeyedEncodingContainer(KeyedEncoding<NestedKey>(object: nested, codingPath: codingPath + [key], rules: rules))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = ArrayNode()
            add(key, .array(nested))
            return UnkeyedEncoding(array: nested, codingPath: codingPath + [key], rules: rules)
        }

        mutating func superEncoder() -> any Swift.Encoder {
            let nested = Encoder(codingPath: codingPath, rules: rules)
            object.members.append(("super", .pending(nested)))
            return nested
        }

        mutating func superEncoder(forKey key: Key) -> any Swift.Encoder {
            let nested = Encoder(codingPath: codingPath + [key], rules: rules)
            add(key, .pending(nested))
            return nested
        }
    }

    struct UnkeyedEncoding: UnkeyedEncodingContainer {
        let array: ArrayNode
        let codingPath: [any CodingKey]
        let rules: Rules
        var count: Int { array.items.count }

        private func add(_ node: Node) { array.items.append(node) }
        mutating func encodeNil() { add(.null) }
        mutating func encode(_ value: Bool) { add(.bool(value)) }
        mutating func encode(_ value: String) { add(.string(value)) }
        mutating func encode(_ value: Double) throws { try rules.check(Double.self); add(.double(value)) }
        mutating func encode(_ value: Float) throws { try rules.check(Float.self); add(.double(Double(value))) }
        mutating func encode(_ value: Int) { add(.signed(Int64(value))) }
        mutating func encode(_ value: Int8) { add(.signed(Int64(value))) }
        mutating func encode(_ value: Int16) { add(.signed(Int64(value))) }
        mutating func encode(_ value: Int32) { add(.signed(Int64(value))) }
        mutating func encode(_ value: Int64) { add(.signed(value)) }
        mutating func encode(_ value: UInt) { add(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt8) { add(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt16) { add(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt32) { add(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt64) { add(.unsigned(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { add(try Encoder.node(for: value, at: codingPath, rules: rules)) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectNode()
            add(.object(nested))
            return KeyedEncodingContainer(KeyedEncoding<NestedKey>(object: nested, codingPath: codingPath, rules: rules))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = ArrayNode()
            add(.array(nested))
            return UnkeyedEncoding(array: nested, codingPath: codingPath, rules: rules)
        }

        mutating func superEncoder() -> any Swift.Encoder {
            let nested = Encoder(codingPath: codingPath, rules: rules)
            add(.pending(nested))
            return nested
        }
    }

    struct SingleValueEncoding: SingleValueEncodingContainer {
        let encoder: Encoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() { encoder.node = .null }
        mutating func encode(_ value: Bool) { encoder.node = .bool(value) }
        mutating func encode(_ value: String) { encoder.node = .string(value) }
        mutating func encode(_ value: Double) throws { try encoder.rules.check(Double.self); encoder.node = .double(value) }
        mutating func encode(_ value: Float) throws { try encoder.rules.check(Float.self); encoder.node = .double(Double(value)) }
        mutating func encode(_ value: Int) { encoder.node = .signed(Int64(value)) }
        mutating func encode(_ value: Int8) { encoder.node = .signed(Int64(value)) }
        mutating func encode(_ value: Int16) { encoder.node = .signed(Int64(value)) }
        mutating func encode(_ value: Int32) { encoder.node = .signed(Int64(value)) }
        mutating func encode(_ value: Int64) { encoder.node = .signed(value) }
        mutating func encode(_ value: UInt) { encoder.node = .unsigned(UInt64(value)) }
        mutating func encode(_ value: UInt8) { encoder.node = .unsigned(UInt64(value)) }
        mutating func encode(_ value: UInt16) { encoder.node = .unsigned(UInt64(value)) }
        mutating func encode(_ value: UInt32) { encoder.node = .unsigned(UInt64(value)) }
        mutating func encode(_ value: UInt64) { encoder.node = .unsigned(value) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.node = try Encoder.node(for: value, at: codingPath, rules: encoder.rules)
        }
    }
}
