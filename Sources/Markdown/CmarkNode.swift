import CCmark

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A borrowed handle on a node of a cmark tree. Valid only inside `withDocument`, which owns
/// and frees the tree; never escapes this module.
struct CmarkNode {
    let pointer: OpaquePointer

    /// Parses `source` with safe defaults, runs `body` on the document node, then frees the tree.
    static func withDocument<T>(parsing source: String, _ body: (CmarkNode) -> T) -> T {
        var source = source
        let root = source.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parse_document(chars.baseAddress, chars.count, CMARK_OPT_DEFAULT)
            }
        }
        guard let root else { fatalError("cmark could not allocate a document") }
        defer { cmark_node_free(root) }
        return body(CmarkNode(pointer: root))
    }

    /// A new node of `type`, owned by the caller until it is linked into a tree.
    static func make(_ type: cmark_node_type) -> CmarkNode {
        guard let node = cmark_node_new(type) else { fatalError("cmark could not allocate a node") }
        return CmarkNode(pointer: node)
    }

    var type: cmark_node_type { cmark_node_get_type(pointer) }
    var parent: CmarkNode? { cmark_node_parent(pointer).map(CmarkNode.init) }
    var firstChild: CmarkNode? { cmark_node_first_child(pointer).map(CmarkNode.init) }
    var next: CmarkNode? { cmark_node_next(pointer).map(CmarkNode.init) }

    var children: [CmarkNode] {
        var result: [CmarkNode] = []
        var child = firstChild
        while let node = child {
            result.append(node)
            child = node.next
        }
        return result
    }

    var literal: String {
        get { cmark_node_get_literal(pointer).map { String(cString: $0) } ?? "" }
        nonmutating set { cmark_node_set_literal(pointer, newValue) }
    }

    var url: String {
        get { cmark_node_get_url(pointer).map { String(cString: $0) } ?? "" }
        nonmutating set { cmark_node_set_url(pointer, newValue) }
    }

    var headingLevel: Int { Int(cmark_node_get_heading_level(pointer)) }
    var isTightList: Bool { cmark_node_get_list_tight(pointer) != 0 }
    var startLine: Int { Int(cmark_node_get_start_line(pointer)) }
    var startColumn: Int { Int(cmark_node_get_start_column(pointer)) }
    var endLine: Int { Int(cmark_node_get_end_line(pointer)) }

    /// Sets the verbatim HTML a custom block prints; callers escape everything they put there.
    func setCustomHTML(enter: String, exit: String = "") {
        cmark_node_set_on_enter(pointer, enter)
        cmark_node_set_on_exit(pointer, exit)
    }

    func insertBefore(_ sibling: CmarkNode) {
        cmark_node_insert_before(pointer, sibling.pointer)
    }

    func append(_ child: CmarkNode) {
        cmark_node_append_child(pointer, child.pointer)
    }

    func unlinkAndFree() {
        cmark_node_unlink(pointer)
        cmark_node_free(pointer)
    }

    /// Replaces this node by `replacement` in the tree and frees this node.
    func replace(with replacement: CmarkNode) {
        insertBefore(replacement)
        unlinkAndFree()
    }

    /// Every descendant (this node included) in document order.
    func descendants(where include: (CmarkNode) -> Bool) -> [CmarkNode] {
        var result: [CmarkNode] = []
        guard let iterator = cmark_iter_new(pointer) else { return result }
        defer { cmark_iter_free(iterator) }
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER,
                  let node = cmark_iter_get_node(iterator) else { continue }
            let wrapped = CmarkNode(pointer: node)
            if include(wrapped) { result.append(wrapped) }
        }
        return result
    }

    /// The plain text of the node's inline content (text and code spans, breaks as spaces).
    var plainText: String {
        var text = ""
        for node in descendants(where: { _ in true }) {
            switch node.type {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE: text += node.literal
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: text += " "
            default: break
            }
        }
        return text
    }

    /// cmark's safe HTML for this node and its descendants.
    func renderHTML() -> String {
        guard let rendered = cmark_render_html(pointer, CMARK_OPT_DEFAULT) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }
}
