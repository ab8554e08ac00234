import Foundation

/// JSON exactly as Foundation's `JSONEncoder` writes it with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]`, for values made of strings, booleans, integers, arrays and objects
/// (the OSCAL documents). Foundation's encoder boxes and type-checks every value and took most of
/// the OSCAL phase (32 MB of JSON for 10,000 findings); this one builds a small tree and writes
/// bytes. Floating-point numbers, `Data`, `Date` and `URL` are outside its scope: encoding them
/// throws, so a model that grows one fails loudly in tests instead of writing different JSON.
enum PrettyJSON {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = TreeEncoder(codingPath: [])
        try value.encode(to: encoder)
        var output: [UInt8] = []
        output.reserveCapacity(1 << 16)
        write(encoder.node ?? .object(ObjectNode()), indent: 0, to: &output)
        return Data(output)
    }

    // MARK: Tree

    fileprivate final class ArrayNode { var items: [Node] = [] }
    fileprivate final class ObjectNode { var members: [(key: String, value: Node)] = [] }

    fileprivate enum Node {
        case string(String)
        case literal(String)
        case array(ArrayNode)
        case object(ObjectNode)
        /// A value a nested encoder has yet to set (it becomes `{}` if nothing is encoded, as in Foundation).
        case pending(TreeEncoder)

        var resolved: Node {
            if case .pending(let encoder) = self { return encoder.node?.resolved ?? .object(ObjectNode()) }
            return self
        }
    }

    fileprivate struct Unsupported: Error, CustomStringConvertible {
        var type: Any.Type
        var description: String { "PrettyJSON cannot encode \(type) (strings, booleans, integers, arrays and objects only)" }
    }

    fileprivate final class TreeEncoder: Encoder {
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        var node: Node?

        init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let object: ObjectNode
            if case .object(let existing) = node { object = existing } else { object = ObjectNode(); node = .object(object) }
            return KeyedEncodingContainer(KeyedContainer<Key>(object: object, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let array: ArrayNode
            if case .array(let existing) = node { array = existing } else { array = ArrayNode(); node = .array(array) }
            return UnkeyedContainer(array: array, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { SingleValue(encoder: self) }

        /// The node for a nested value: strings directly, everything else through its `encode(to:)`.
        static func node<T: Encodable>(for value: T, at path: [any CodingKey]) throws -> Node {
            if let string = value as? String { return .string(string) }
            try checkSupported(T.self)
            let nested = TreeEncoder(codingPath: path)
            try value.encode(to: nested)
            return nested.node ?? .object(ObjectNode())
        }

        static func checkSupported(_ type: Any.Type) throws {
            if type == Double.self || type == Float.self || type == Date.self || type == Data.self || type == URL.self || type == Decimal.self {
                throw Unsupported(type: type)
            }
        }
    }

    fileprivate struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let object: ObjectNode
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) { object.members.append((key.stringValue, .literal("null"))) }
        mutating func encode(_ value: Bool, forKey key: Key) { object.members.append((key.stringValue, .literal(value ? "true" : "false"))) }
        mutating func encode(_ value: String, forKey key: Key) { object.members.append((key.stringValue, .string(value))) }
        mutating func encode(_ value: Int, forKey key: Key) { object.members.append((key.stringValue, .literal(String(value)))) }
        mutating func encode(_ value: Int8, forKey key: Key) { object.members.append((key.stringValue, .literal(String(value)))) }
        mutating func encode(_ value: Int16, forKey key: Key) { object.members.append((key.stringValue, .literal(String(value)))) }
        mutating func encode(_ value: Int32, forKey key: Key) { object.members.append((key.stringValue, .literal(String(value)))) }
        mutating func encode(_ value: Int64, forKey key: Key) { object.members.append((key.stringValue, .literal(String(value)))) }
        mutating func encode(_ value: UInt, forKey key: Key) { object.members.append((key.stringValue, .literal(String(value)))) }
        mutating func encode(_ value: UInt8, forKey key: Key) { object.members.append((key.stringValue, .literal(String(value)))) }
        mutating func encode(_ value: UInt16, forKey key: Key) { object.members.append((key.stringValue, .literal(String(value)))) }
        mutating func encode(_ value: UInt32, forKey key: Key) { object.members.append((key.stringValue, .literal(String(value)))) }
        mutating func encode(_ value: UInt64, forKey key: Key) { object.members.append((key.stringValue, .literal(String(value)))) }
        mutating func encode(_ value: Double, forKey key: Key) throws { throw Unsupported(type: Double.self) }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw Unsupported(type: Float.self) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            object.members.append((key.stringValue, try TreeEncoder.node(for: value, at: codingPath + [key])))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectNode()
            object.members.append((key.stringValue, .object(nested)))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = ArrayNode()
            object.members.append((key.stringValue, .array(nested)))
            return UnkeyedContainer(array: nested, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder { superEncoder(forKey: "super") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(forKey: key.stringValue) }

        private func superEncoder(forKey key: String) -> any Encoder {
            let nested = TreeEncoder(codingPath: codingPath)
            object.members.append((key, .pending(nested)))
            return nested
        }
    }

    fileprivate struct UnkeyedContainer: UnkeyedEncodingContainer {
        let array: ArrayNode
        let codingPath: [any CodingKey]
        var count: Int { array.items.count }

        mutating func encodeNil() { array.items.append(.literal("null")) }
        mutating func encode(_ value: Bool) { array.items.append(.literal(value ? "true" : "false")) }
        mutating func encode(_ value: String) { array.items.append(.string(value)) }
        mutating func encode(_ value: Int) { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: Int8) { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: Int16) { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: Int32) { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: Int64) { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: UInt) { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: UInt8) { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: UInt16) { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: UInt32) { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: UInt64) { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: Double) throws { throw Unsupported(type: Double.self) }
        mutating func encode(_ value: Float) throws { throw Unsupported(type: Float.self) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            array.items.append(try TreeEncoder.node(for: value, at: codingPath))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectNode()
            array.items.append(.object(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: codingPath))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = ArrayNode()
            array.items.append(.array(nested))
            return UnkeyedContainer(array: nested, codingPath: codingPath)
        }

        mutating func superEncoder() -> any Encoder {
            let nested = TreeEncoder(codingPath: codingPath)
            array.items.append(.pending(nested))
            return nested
        }
    }

    fileprivate struct SingleValue: SingleValueEncodingContainer {
        let encoder: TreeEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() { encoder.node = .literal("null") }
        mutating func encode(_ value: Bool) { encoder.node = .literal(value ? "true" : "false") }
        mutating func encode(_ value: String) { encoder.node = .string(value) }
        mutating func encode(_ value: Int) { encoder.node = .literal(String(value)) }
        mutating func encode(_ value: Int8) { encoder.node = .literal(String(value)) }
        mutating func encode(_ value: Int16) { encoder.node = .literal(String(value)) }
        mutating func encode(_ value: Int32) { encoder.node = .literal(String(value)) }
        mutating func encode(_ value: Int64) { encoder.node = .literal(String(value)) }
        mutating func encode(_ value: UInt) { encoder.node = .literal(String(value)) }
        mutating func encode(_ value: UInt8) { encoder.node = .literal(String(value)) }
        mutating func encode(_ value: UInt16) { encoder.node = .literal(String(value)) }
        mutating func encode(_ value: UInt32) { encoder.node = .literal(String(value)) }
        mutating func encode(_ value: UInt64) { encoder.node = .literal(String(value)) }
        mutating func encode(_ value: Double) throws { throw Unsupported(type: Double.self) }
        mutating func encode(_ value: Float) throws { throw Unsupported(type: Float.self) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.node = try TreeEncoder.node(for: value, at: codingPath)
        }
    }

    // MARK: Writing

    private static func newline(_ indent: Int, to output: inout [UInt8]) {
        output.append(0x0A)
        output.append(contentsOf: repeatElement(0x20, count: indent))
    }

    fileprivate static func write(_ node: Node, indent: Int, to output: inout [UInt8]) {
        switch node.resolved {
        case .string(let string): writeString(string, to: &output)
        case .literal(let text): output.append(contentsOf: text.utf8)
        case .array(let array):
            output.append(UInt8(ascii: "["))
            if array.items.isEmpty { output.append(0x0A) }
            for (index, item) in array.items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 2, to: &output)
                write(item, indent: indent + 2, to: &output)
            }
            newline(indent, to: &output)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            if object.members.isEmpty { output.append(0x0A) }
            // Sorted by code point (Foundation's `.sortedKeys` order for the keys used here); a key
            // written twice keeps its last value, as in Foundation.
            var members: [(key: String, value: Node)] = []
            members.reserveCapacity(object.members.count)
            for member in object.members.sorted(by: { $0.key < $1.key }) {
                if let last = members.last, last.key == member.key { members[members.count - 1] = member } else { members.append(member) }
            }
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 2, to: &output)
                writeString(member.key, to: &output)
                output.append(contentsOf: " : ".utf8)
                write(member.value, indent: indent + 2, to: &output)
            }
            newline(indent, to: &output)
            output.append(UInt8(ascii: "}"))
        case .pending: preconditionFailure("resolved above")
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func writeString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): output.append(contentsOf: "\\\\".utf8)
                case 0x0A: output.append(contentsOf: "\\n".utf8)
                case 0x0D: output.append(contentsOf: "\\r".utf8)
                case 0x09: output.append(contentsOf: "\\t".utf8)
                case 0x08: output.append(contentsOf: "\\b".utf8)
                case 0x0C: output.append(contentsOf: "\\f".utf8)
                default: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        output.append(UInt8(ascii: "\""))
    }
}
