import Foundation

/// JSON exactly as Foundation's `JSONEncoder` writes it with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]`, for values made of strings, booleans, integers, arrays and objects
/// (the OSCAL documents). Foundation's encoder boxes and type-checks every value and took most of
/// the OSCAL phase (32 MB of JSON for 10,000 findings); this one gathers the value with
/// `EncodedTree` and writes bytes. Floating-point numbers, `Data`, `Date`, `URL` and `Decimal` are
/// outside its scope: encoding them throws, so a model that grows one fails loudly in tests
/// instead of writing different JSON.
enum PrettyJSON {
    /// `capacity`: the bytes to reserve (a document of many fragments knows about how large it
    /// will be, and a buffer that grows copies itself and touches new memory at every doubling).
    static func encode<T: Encodable>(_ value: T, capacity: Int = 1 << 20, trailingNewline: Bool = false) throws -> Data {
        var output = try bytes(of: value, capacity: capacity)
        if trailingNewline { output.append(0x0A) }
        return Data(output)
    }

    /// `value` written at the outermost level, to be placed inside a larger document as it is
    /// (`JSONFragment`): the build cache keeps the OSCAL entries of each finding this way.
    static func fragment<T: Encodable>(_ value: T) throws -> JSONFragment {
        JSONFragment(text: String(decoding: try bytes(of: value), as: UTF8.self))
    }

    /// The same for a value that builds its own tree (`JSONTreeConvertible`), without `Codable`.
    static func fragment(tree value: some JSONTreeConvertible) -> JSONFragment {
        var output: [UInt8] = []
        output.reserveCapacity(1 << 10)
        write(value.jsonTree, indent: 0, to: &output)
        return JSONFragment(text: String(decoding: output, as: UTF8.self))
    }

    private static func bytes<T: Encodable>(of value: T, capacity: Int = 1 << 16) throws -> [UInt8] {
        // Foundation writes these in forms of its own (numbers with its own formatting, base64,
        // absolute strings): refused rather than written differently.
        let node = try EncodedTree.encode(value, writer: "PrettyJSON (strings, booleans, integers, arrays and objects only)",
                                          takesFragments: true) { type in
            type == Double.self || type == Float.self || type == Date.self || type == Data.self || type == URL.self || type == Decimal.self
        }
        var output: [UInt8] = []
        output.reserveCapacity(capacity)
        write(node ?? .object(EncodedTree.ObjectNode()), indent: 0, to: &output)
        return output
    }

    private typealias Node = EncodedTree.Node

    // MARK: Writing

    private static func newline(_ indent: Int, to output: inout [UInt8]) {
        output.append(0x0A)
        output.append(contentsOf: repeatElement(0x20, count: indent))
    }

    private static func write(_ node: Node, indent: Int, to output: inout [UInt8]) {
        switch node.resolved(unset: .object(EncodedTree.ObjectNode())) {
        case .string(let string): writeString(string, to: &output)
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .signed(let value): output.append(contentsOf: String(value).utf8)
        case .unsigned(let value): output.append(contentsOf: String(value).utf8)
        case .double: preconditionFailure("refused while encoding")
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
        case .encoded(let text):
            // Written at indent 0: each line but an empty container's inner blank line moves in by
            // `indent` (strings hold no raw line breaks, so every line break is the layout's).
            var text = text
            text.withUTF8 { bytes in
                guard indent > 0, let base = bytes.baseAddress else { return output.append(contentsOf: bytes) }
                var start = 0
                // Line breaks found with memchr: fragments hold most of the 32 MB of OSCAL JSON.
                while start < bytes.count, let found = memchr(base + start, 0x0A, bytes.count - start) {
                    let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...index]))
                    start = index + 1
                    if start < bytes.count, bytes[start] != 0x0A { output.append(contentsOf: repeatElement(0x20, count: indent)) }
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
            }
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

/// A JSON value already written by `PrettyJSON` (at the outermost level), placed into a larger
/// document as it is, indented to its place. Only `PrettyJSON` can write one: any other encoder
/// gets an error from it.
struct JSONFragment: Encodable, Sendable, Equatable {
    var text: String

    func encode(to encoder: any Encoder) throws {
        throw EncodedTree.Refused(type: JSONFragment.self, writer: "an encoder other than PrettyJSON")
    }
}

/// An entry of an OSCAL list: the value itself, or its JSON from an earlier build (`JSONFragment`).
enum JSONPart<Value: Encodable & Sendable>: Encodable, Sendable {
    case value(Value)
    case encoded(JSONFragment)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .value(let value): try container.encode(value)
        case .encoded(let fragment): try container.encode(fragment)
        }
    }
}
