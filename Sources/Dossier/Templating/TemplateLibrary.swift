import DossierResources
import Foundation
import Markdown
import Yams

/// The report templates: the built-in ones in `Templates/reports/`, each replaceable by a file of the
/// same path in a `--templates` folder; and the localised fixed text from `strings/<locale>.yaml`.
public struct TemplateLibrary: Sendable {
    /// The parsed templates by name (`health-check`, `partials/finding`, …).
    let templates: [String: Template]
    /// Where each template was loaded from, for messages.
    public let sources: [String: URL]
    /// The `--templates` folder, if any.
    public let overrides: URL?
    public let strings: [String: String]
    /// Terms and their meanings for the reports' glossary, in file order.
    public let glossary: [(term: String, meaning: String)]

    public static var builtinDirectory: URL {
        BuiltinResources.directory.appendingPathComponent("reports")
    }

    /// Loads the templates; every template or strings file in error becomes a diagnostic with its
    /// file, line and column.
    public static func load(overrides: URL?, language: Engagement.Language, log: inout DiagnosticLog) -> TemplateLibrary {
        var files: [String: URL] = [:]
        for directory in [builtinDirectory, overrides].compactMap({ $0 }) {
            for path in templatePaths(in: directory) { files[path] = directory.appendingPathComponent(path) }
        }
        var templates: [String: Template] = [:]
        for (path, url) in files.sorted(by: { $0.key < $1.key }) where path.hasSuffix(".mustache") {
            let displayPath = displayPath(path, url: url, overrides: overrides)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                log.error("cannot read template — check that it is UTF-8 text", at: SourceLocation(file: displayPath, line: 0, column: 0))
                continue
            }
            do {
                templates[String(path.dropLast(".mustache".count))] = try Template(text)
            } catch {
                log.error("template error: \(error.message)", at: SourceLocation(file: displayPath, line: error.line, column: error.column))
            }
        }
        var strings: [String: String] = [:]
        var glossary: [(term: String, meaning: String)] = []
        for directory in [builtinDirectory, overrides].compactMap({ $0 }) {
            let url = directory.appendingPathComponent("strings/\(language.rawValue).yaml")
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            let context = DecodingContext(file: url.path, lineOffset: 0)
            if let node = context.compose(text), case .mapping(let mapping) = node {
                for (key, value) in mapping {
                    if let key = key.string, let value = value.string { strings[key] = value }
                    if key.string == "glossary_terms", case .mapping(let terms) = value {
                        glossary = terms.compactMap { term, meaning in
                            guard let term = term.string, let meaning = meaning.string else { return nil }
                            return (term, meaning)
                        }
                    }
                }
            }
            log.append(contentsOf: context.log)
        }
        return TemplateLibrary(templates: templates, sources: files, overrides: overrides, strings: strings, glossary: glossary)
    }

    private static func templatePaths(in directory: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".mustache") || $0.hasSuffix(".css") || $0.hasSuffix(".js") }
    }

    /// A static asset (CSS) from the overrides or the built-in folder.
    public func asset(_ path: String) -> String {
        guard let url = sources[path], let text = try? String(contentsOf: url, encoding: .utf8) else { return "" }
        return text
    }

    /// A knowledge-base asset (`kb.css`, `search-core.js`, …): from the overrides' `kb/` folder if it
    /// has one, else the built-in `Templates/kb/`.
    public func kbAsset(_ name: String) -> String {
        if let overrides, let text = try? String(contentsOf: overrides.appendingPathComponent("kb/" + name), encoding: .utf8) { return text }
        return (try? String(contentsOf: BuiltinResources.directory.appendingPathComponent("kb/" + name), encoding: .utf8)) ?? ""
    }

    /// Renders `view` with the template `name`; nil if there is no such template. Partials nested
    /// past `TemplateRenderer.maximumDepth` are left out and reported by `reportProblems`.
    func render(_ view: some TemplateObject, template name: String) -> String? {
        guard let (output, tooDeep) = TemplateRenderer.render(.object(view), template: name, in: templates) else { return nil }
        if let tooDeep { problems.record(tooDeep) }
        if let observer = Self.observer.value { observer(.object(view), name, output) }
        return output
    }

    /// The names `template` may look up on the views of the list it reaches through the sections
    /// `path` (`["categories", "findings"]`: each finding inside each category), partials followed:
    /// the first part of each name used inside, nested sections included (a name a view lacks is
    /// looked up further out). Nil when it cannot tell: a name of the view itself (`.`, `.a`), a
    /// dotted name into the path's lists, a dynamic partial, a block, or a partial that is missing
    /// or includes itself.
    func namesRead(in template: String, within path: [String]) -> Set<String>? {
        guard let root = templates[template] else { return nil }
        var names: Set<String> = []
        var known = true
        var partials: [String] = [template]
        func note(_ name: TemplateName, depth: Int) {
            switch name.scope {
            case .sequence: return
            case .current, .top: if depth == path.count { known = false }
            case .stack:
                if depth == path.count {
                    if let first = name.parts.first { names.insert(first.text) }
                } else if name.parts.count > 1, name.parts.contains(where: { path.contains($0.text) }) {
                    known = false
                }
            }
        }
        func walk(_ nodes: [TemplateNode], depth: Int) {
            for node in nodes where known {
                switch node {
                case .text, .contentType:
                    continue
                case .variable(let name, _):
                    note(name, depth: depth)
                case .section(let name, let children, let inverted):
                    note(name, depth: depth)
                    let names = depth < path.count && !inverted && name.parts.contains { $0.text == path[depth] }
                    let enters = names && name.scope == .stack && name.transforms.isEmpty && name.parts.count == 1
                    // A section over the list through a transform (`{{#reversed(findings)}}`) puts
                    // its views on the stack too: what it reads cannot be told apart.
                    if names && !enters { known = false }
                    walk(children, depth: enters ? depth + 1 : depth)
                case .partial(let name, let dynamic, _, let blocks):
                    guard dynamic == nil, blocks == nil, let partial = templates[name], !partials.contains(name) else {
                        known = false
                        return
                    }
                    partials.append(name)
                    walk(partial.nodes, depth: depth)
                    partials.removeLast()
                case .block:
                    known = false
                }
            }
        }
        walk(root.nodes, depth: 0)
        return known ? names : nil
    }

    /// Adds to `log` an error for each template whose partials nested too deep while rendering.
    func reportProblems(into log: inout DiagnosticLog) {
        for chain in problems.take() {
            let shown = chain.count > 8 ? chain.prefix(4) + ["…"] + chain.suffix(3) : chain[...]
            log.error("template partials nest more than \(TemplateRenderer.maximumDepth) deep (\(shown.joined(separator: " → "))) — a partial that includes itself must do so inside a section that ends",
                      at: SourceLocation(file: Self.displayPath(chain[0] + ".mustache", url: sources[chain[0] + ".mustache"], overrides: overrides),
                                         line: 0, column: 0))
        }
    }

    /// Where the template file `path` (`partials/finding.mustache`) comes from, for messages: the
    /// override's own path, or the built-in one.
    private static func displayPath(_ path: String, url: URL?, overrides: URL?) -> String {
        guard let url, let overrides, url.path.hasPrefix(overrides.path) else { return "(built-in) templates/reports/\(path)" }
        return url.path
    }

    private let problems = Problems()

    /// The chains of partials that nested too deep, each reported once.
    private final class Problems: @unchecked Sendable {
        private let lock = NSLock()
        private var chains: [[String]] = []
        private var seen: Set<String> = []
        func record(_ chain: [String]) {
            lock.withLock {
                if seen.insert(chain.first ?? "").inserted { chains.append(chain) }
            }
        }
        func take() -> [[String]] {
            lock.withLock {
                defer { chains = [] }
                return chains
            }
        }
    }

    /// Called with each view rendered, its template's name and the output: the tests hold the
    /// engine to swift-mustache on every view the pipelines make.
    static let observer = Observer()

    final class Observer: @unchecked Sendable {
        private let lock = NSLock()
        private var current: (@Sendable (TemplateValue, String, String) -> Void)?
        var value: (@Sendable (TemplateValue, String, String) -> Void)? {
            get { lock.withLock { current } }
            set { lock.withLock { current = newValue } }
        }
    }
}
