/// Everything a template can read from a view — the fields of each `TemplateView`, recursively, in
/// a fixed order — as strings for a build-cache key: a report whose view gives the same strings,
/// under the same templates and environment, renders to the same bytes, so a rebuild may keep it.
/// Nil when the view holds a value it cannot describe: such a report is rendered every time.
enum ViewDigest {
    static func parts(of view: some TemplateObject) -> [String]? {
        var parts: [String] = []
        return view.digest(into: &parts) ? parts : nil
    }

    static func append(_ value: TemplateValue?, to parts: inout [String]) -> Bool {
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
