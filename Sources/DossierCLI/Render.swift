import ArgumentParser
import Foundation
import Dossier
import Markdown

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the HTML of a Markdown file, rendered as in reports and the knowledge base.",
        discussion: """
        Reads standard input when FILE is - or omitted. Raw HTML is omitted and unsafe links are dropped. \
        The YAML front matter of a workspace item (between '---' lines at the top) is skipped, except with \
        --no-extensions, which renders plain CommonMark exactly as the cmark command does.
        """
    )

    @Argument(help: "The Markdown file, or - for standard input.", completion: .file(extensions: ["md"]))
    var file: String = "-"

    @Flag(help: "Put a table of contents before the document.")
    var toc = false

    @Flag(help: "Plain CommonMark: no tables, autolinks or heading ids (the output equals the cmark command's).")
    var noExtensions = false

    func run() throws {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read '\(file)' — check the path")
            }
            data = contents
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw ValidationError("'\(file == "-" ? "standard input" : file)' is not valid UTF-8 — save it as UTF-8")
        }
        let markdown = noExtensions ? source : FrontMatter.stripped(from: source)
        let rendered = MarkdownRenderer.render(markdown, options: noExtensions ? [] : .extensions)
        if toc {
            print(TableOfContents.html(for: rendered.headings), terminator: "")
        }
        print(rendered.html, terminator: "")
    }
}
