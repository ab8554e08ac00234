import Markdown

/// Renders parsed templates: one output string, and the context as a stack of values pushed and
/// popped as sections open and close (swift-mustache copies its context for each section, and
/// casts each object for each name looked up in it).
struct TemplateRenderer {
    let templates: [String: Template]
    private(set) var output = ""
    private var stack: [TemplateValue] = []
    /// Partials and blocks being expanded, innermost last; past `maximumDepth` the expansion stops
    /// (a partial that includes itself outside a section that ends) and `tooDeep` holds the chain.
    private var expanding: [String] = []
    private(set) var tooDeep: [String]?
    static let maximumDepth = 100

    /// What a section, a partial or a block passes down besides the stack.
    struct Frame {
        /// The position in the list being repeated, for `index()` and the like.
        var position: SequencePosition?
        /// Put before each line a template writes (a standalone partial's indentation).
        var indentation: String?
        /// The blocks a parent's `{{<parent}}` overrides.
        var blocks: [String: [TemplateNode]]?
        var contentType: TemplateContentType
    }

    init(templates: [String: Template]) { self.templates = templates }

    /// Renders the template `name` with `root` as the context; nil if there is no such template.
    /// `tooDeep` is the chain of partials that went past `maximumDepth`, if any.
    static func render(_ root: TemplateValue, template name: String, in templates: [String: Template]) -> (output: String, tooDeep: [String]?)? {
        guard let template = templates[name] else { return nil }
        var renderer = TemplateRenderer(templates: templates)
        renderer.stack.append(root)
        renderer.expanding.append(name)
        renderer.render(template.nodes, Frame(position: nil, indentation: nil, blocks: nil, contentType: .defaultHTML))
        return (renderer.output, renderer.tooDeep)
    }

    /// Renders `nodes` as the expansion of `name` (a partial or a block), unless that nests too deep.
    private mutating func expand(_ name: String, _ nodes: [TemplateNode], _ frame: Frame) {
        guard tooDeep == nil else { return }
        guard expanding.count < Self.maximumDepth else {
            tooDeep = expanding + [name]
            return
        }
        expanding.append(name)
        render(nodes, frame)
        expanding.removeLast()
    }

    private mutating func emit(_ text: String, _ frame: Frame) {
        guard !text.isEmpty else { return }
        if let indentation = frame.indentation, !indentation.isEmpty, output.utf8.last == 0x0A { output += indentation }
        // A large value (a report's 36 MB of HTML in its page) leaves room for what follows it:
        // growing to just fit it, the next small text would double the output and copy it again.
        let size = text.utf8.count
        if size >= 1 << 20 { output.reserveCapacity(output.utf8.count + size + size / 8 + (64 << 10)) }
        output += text
    }

    private mutating func render(_ nodes: [TemplateNode], _ frame: Frame) {
        var frame = frame
        for node in nodes {
            switch node {
            case .text(let text):
                emit(text, frame)
            case .variable(let name, let escaped):
                guard let value = lookup(name, frame) else { continue }
                let text = value.text
                emit(escaped ? escape(text, frame.contentType) : text, frame)
            case .section(let name, let children, let inverted):
                let value = lookup(name, frame)
                if inverted {
                    renderInverted(value, children, frame)
                } else {
                    renderSection(value, children, frame)
                }
            case .partial(let name, let dynamic, let indentation, let blocks):
                var partialName = name
                if let dynamic {
                    guard case .string(let string)? = lookup(dynamic, frame) else { continue }
                    partialName = string
                }
                guard let template = templates[partialName] else { continue }
                var inner = Frame(position: nil, indentation: indented(frame.indentation, by: indentation), blocks: frame.blocks, contentType: .defaultHTML)
                if let blocks {
                    // The outermost override of a block wins.
                    inner.blocks = frame.blocks.map { $0.merging(blocks) { outer, _ in outer } } ?? blocks
                }
                expand(partialName, template.nodes, inner)
            case .block(let name, let defaults, let indentation):
                let inner = Frame(position: nil, indentation: indented(frame.indentation, by: indentation), blocks: frame.blocks, contentType: frame.contentType)
                expand("$" + name, frame.blocks?[name] ?? defaults, inner)
            case .contentType(let type):
                frame.contentType = type
            }
        }
    }

    private func indented(_ indentation: String?, by more: String?) -> String? {
        guard let more else { return indentation }
        return (indentation ?? "") + more
    }

    private mutating func renderSection(_ value: TemplateValue?, _ children: [TemplateNode], _ frame: Frame) {
        switch value {
        case nil:
            return
        case .bool(let bool):
            if bool { render(children, frame) }
        case .list(let list):
            let count = list.count
            for index in 0..<count {
                render(children, on: list.element(at: index), frame,
                       at: SequencePosition(first: index == 0, last: index == count - 1, index: index))
            }
        case .some(let value):
            render(children, on: value, frame, at: nil)
        }
    }

    /// Renders `children` with `value` on top of the context and `position` as the place in a list.
    private mutating func render(_ children: [TemplateNode], on value: TemplateValue, _ frame: Frame, at position: SequencePosition?) {
        var inner = frame
        inner.position = position
        stack.append(value)
        render(children, inner)
        stack.removeLast()
    }

    private mutating func renderInverted(_ value: TemplateValue?, _ children: [TemplateNode], _ frame: Frame) {
        switch value {
        case nil, .bool(false):
            render(children, frame)
        case .list(let list) where list.count == 0:
            render(children, on: .list(list), frame, at: nil)
        default:
            return
        }
    }

    /// The value a name refers to: its first part looked up from the innermost context outwards,
    /// the other parts in what that gives; then its transforms, innermost first.
    private func lookup(_ name: TemplateName, _ frame: Frame) -> TemplateValue? {
        var value: TemplateValue?
        switch name.scope {
        case .current:
            value = stack.last
        case .sequence:
            value = frame.position.map { .object($0) }
        case .top:
            value = stack.last
            for part in name.parts {
                value = value?.child(named: part)
            }
        case .stack:
            guard let first = name.parts.first else { return nil }
            var index = stack.count - 1
            while index >= 0 {
                if let found = stack[index].child(named: first) {
                    value = found
                    break
                }
                index -= 1
            }
            for part in name.parts.dropFirst() {
                value = value?.child(named: part)
            }
        }
        for transform in name.transforms.reversed() {
            value = value?.transformed(transform)
        }
        return value
    }

    private func escape(_ text: String, _ type: TemplateContentType) -> String {
        switch type {
        case .html: HTML.escape(text)
        case .markdown: MarkdownText.escape(text)
        case .text: text
        case .defaultHTML: Self.escapeCharacters(text)
        }
    }

    /// swift-mustache's default HTML escaping: `HTML.escape`'s five characters when each is a
    /// character of its own (not followed by a combining mark).
    static func escapeCharacters(_ text: String) -> String {
        guard HTML.needsEscaping(text) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 16)
        for character in text {
            if character.unicodeScalars.count == 1, let entity = HTML.entity(for: character.unicodeScalars.first!) {
                escaped += entity
            } else {
                escaped.append(character)
            }
        }
        return escaped
    }
}
