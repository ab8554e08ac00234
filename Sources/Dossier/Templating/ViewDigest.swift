import Foundation

/// Everything a template can read from a view — the fields of each `MustacheView`, recursively, in
/// a fixed order — as strings for a build-cache key: a report whose view gives the same strings,
/// under the same templates and environment, renders to the same bytes, so a rebuild may keep it.
/// Nil when the view holds a value it cannot describe (a lambda, a type of another kind): such a
/// report is rendered every time.
enum ViewDigest {
    static func parts(of view: Any) -> [String]? {
        var parts: [String] = []
        return append(view, to: &parts) ? parts : nil
    }

    private static func append(_ value: Any?, to parts: inout [String]) -> Bool {
        guard let value = unwrapped(value) else {
            parts.append("nil")
            return true
        }
        switch value {
        case let string as String:
            parts.append("string")
            parts.append(string)
        case let bool as Bool:
            parts.append(bool ? "true" : "false")
        case let int as Int:
            parts.append("int \(int)")
        case let double as Double:
            parts.append("double \(double.bitPattern)")
        case let strings as [String: String]:
            parts.append("strings \(strings.count)")
            for key in strings.keys.sorted() {
                parts.append(key)
                parts.append(strings[key]!)
            }
        case let view as any MustacheView:
            return appendView(view, to: &parts)
        case let list as [Any]:
            parts.append("list \(list.count)")
            for element in list where !append(element, to: &parts) { return false }
        default:
            return false
        }
        return true
    }

    private static func appendView<View: MustacheView>(_ view: View, to parts: inout [String]) -> Bool {
        parts.append("view \(View.self)")
        for name in View.fields.keys.sorted() {
            parts.append(name)
            guard append(View.fields[name]!(view), to: &parts) else { return false }
        }
        return true
    }

    /// `value` without the optionals around it (a field's `Any?` may hold an optional itself).
    private static func unwrapped(_ value: Any?) -> Any? {
        guard let value else { return nil }
        if let optional = value as? any OptionalValue { return unwrapped(optional.wrappedAny) }
        return value
    }
}

private protocol OptionalValue {
    var wrappedAny: Any? { get }
}

extension Optional: OptionalValue {
    fileprivate var wrappedAny: Any? { map { $0 as Any } }
}
