/// Everything a template can read from a view — the fields of each `TemplateView`, recursively, in
/// a fixed order — as strings for a build-cache key: a report whose view gives the same strings,
/// under the same templates and environment, renders to the same bytes, so a rebuild may keep it.
/// Nil when the view holds a value it cannot describe: such a report is rendered every time.
enum ViewDigest {
    /// The parts, for tests.
    static func parts(of view: some TemplateObject) -> [String]? {
        var parts = DigestSink(keepingParts: true)
        return view.digest(into: &parts) ? parts.parts : nil
    }

    /// `BuildCache.key(header + parts(of: view))`, hashed as the parts are made.
    static func key(_ header: [String], of view: some TemplateObject) -> String? {
        var parts = DigestSink()
        for part in header { parts.append(part) }
        return view.digest(into: &parts) ? parts.key() : nil
    }

    static func append(_ value: TemplateValue?, to parts: inout DigestSink) -> Bool {
        switch value {
        case nil:
            parts.append("nil")
        case .string(let string):
            parts.append("string")
            parts.append(string)
        case .bool(let bool):
            parts.append(bool ? "true" : "false")
        case .int(let int):
            parts.append("int \(int)")
        case .list(let list):
            parts.append("list \(list.count)")
            for index in 0..<list.count where !append(list.element(at: index), to: &parts) { return false }
        case .object(let object):
            return object.digest(into: &parts)
        }
        return true
    }
}

/// Where a view's digest goes: hashed as a build-cache key (`KeyHasher`), or kept as its parts.
struct DigestSink {
    private var hasher = KeyHasher()
    private(set) var parts: [String]?

    init(keepingParts: Bool = false) {
        parts = keepingParts ? [] : nil
    }

    mutating func append(_ part: String) {
        if parts != nil { parts!.append(part) } else { hasher.add(part) }
    }

    consuming func key() -> String { hasher.finalize() }
}
