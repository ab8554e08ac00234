import ArgumentParser
import Dossier

@main
struct DossierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dossier",
        abstract: "Health-check reports, incident postmortems, a knowledge base and evidence packs from an engagement workspace.",
        discussion: """
        A workspace is a folder with engagement.yaml and findings/, incidents/, articles/ and evidence/. \
        Start one with `dossier init DIR`, check it with `dossier check DIR`.
        """,
        version: DossierVersion.current,
        subcommands: [Check.self, Build.self, KnowledgeBaseCommand.self, SearchCommand.self, Verify.self, Keygen.self, Render.self, Init.self]
    )
}
