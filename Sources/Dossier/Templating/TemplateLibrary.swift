import DossierResources
import Foundation
import Markdown
import Mustache
import Yams

/// Mustache escaping for Markdown templates (`{{% CONTENT_TYPE: MARKDOWN }}`): inserted values show
/// literally, `|` included, so a title cannot open a link, a table cell or raw HTML.
struct MarkdownContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { MarkdownText.escape(text) }
}

/// HTML escaping of `&`, `<`, `>`, `"` and `'`, the characters swift-mustache's HTML type escapes,
/// on code points rather than through a dictionary per character (a `<` followed by a combining
/// mark is escaped too). Registered as `HTML`: templates select it with `{{% CONTENT_TYPE: HTML }}`.
struct FastHTMLContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { HTML.escape(text) }
}

/// The report templates: the built-in ones in `Templates/reports/`, each replaceable by a file of the
/// same path in a `--templates` folder; and the localised fixed text from `strings/<locale>.yaml`.
public struct TemplateLibrary: Sendable {
    public let library: MustacheLibrary
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

    private static let registerContentType: Void = {
        MustacheContentTypes.register(MarkdownContentType(), named: "MARKDOWN")
        MustacheContentTypes.register(FastHTMLContentType(), named: "HTML")
    }()

    /// Loads the templates; every template or strings file in error becomes a diagnostic with its
    /// file, line and column.
    public static func load(overrides: URL?, language: Engagement.Language, log: inout DiagnosticLog) -> TemplateLibrary {
        _ = registerContentType
        var files: [String: URL] = [:]
        for directory in [builtinDirectory, overrides].compactMap({ $0 }) {
            for path in templatePaths(in: directory) { files[path] = directory.appendingPathComponent(path) }
        }
        var library = MustacheLibrary()
        for (path, url) in files.sorted(by: { $0.key < $1.key }) where path.hasSuffix(".mustache") {
            let displayPath = overrides.map { url.path.hasPrefix($0.path) ? url.path : "(built-in) templates/reports/\(path)" } ?? "(built-in) templates/reports/\(path)"
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                log.error("cannot read template — check that it is UTF-8 text", at: SourceLocation(file: displayPath, line: 0, column: 0))
                continue
            }
            do {
                library.register(try MustacheTemplate(string: text), named: String(path.dropLast(".mustache".count)))
            } catch let error as MustacheTemplate.ParserError {
                log.error("template error: \(describe(error.error)) — check the {{…}} tags near here",
                          at: SourceLocation(file: displayPath, line: error.context.lineNumber, column: error.context.columnNumber))
            } catch {
                log.error("template error: \(error)", at: SourceLocation(file: displayPath, line: 0, column: 0))
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
        return TemplateLibrary(library: library, sources: files, overrides: overrides, strings: strings, glossary: glossary)
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

    /// Renders `view` with the template `name`. The view goes in a class (`RootView`): swift-mustache
    /// casts the object it looks names up in for each name, and a cast of a struct held as `Any`
    /// copies the whole struct (every array and string of a report's view) each time.
    func render<View: MustacheParent>(_ view: View, template name: String) -> String? {
        library.render(RootView(view), withTemplate: name)
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case MustacheTemplate.Error.sectionCloseNameIncorrect: return "a section is closed with the wrong name"
        case MustacheTemplate.Error.unfinishedName: return "a tag is not closed"
        case MustacheTemplate.Error.expectedSectionEnd: return "a section is not closed"
        case MustacheTemplate.Error.invalidSetDelimiter: return "invalid set-delimiter tag"
        case MustacheTemplate.Error.unrecognisedConfigVariable: return "unknown pragma"
        default: return "\(error)"
        }
    }
}

/// A view whose fields templates read through a table of accessors rather than reflection. An
/// optional field that is nil reads as missing (a false section, and the name is looked up further
/// out in the context, as Mustache does).
protocol MustacheView: MustacheParent {
    static var fields: [String: @Sendable (Self) -> Any?] { get }
}

extension MustacheView {
    func child(named name: String) -> Any? {
        guard let field = Self.fields[name] else { return nil }
        return field(self)
    }
}

/// A view passed by reference: see `TemplateLibrary.render`.
final class RootView<View: MustacheParent>: MustacheParent {
    let view: View
    init(_ view: View) { self.view = view }
    func child(named name: String) -> Any? { view.child(named: name) }
}

/// Strings have no fields: answering so spares swift-mustache a reflection of every string that a
/// section pushes on its context stack.
extension String: @retroactive MustacheParent {
    public func child(named name: String) -> Any? { nil }
}

/// A string renders as itself either way; as a custom renderable, swift-mustache takes it as it is
/// instead of testing it for a lambda and an optional and then printing it with
/// `String(describing:)`, four dynamic casts fewer for every variable a template writes.
extension String: @retroactive MustacheCustomRenderable {
    public var renderText: String { self }
    public var isNull: Bool { false }
}
