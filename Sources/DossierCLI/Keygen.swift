import ArgumentParser
import Dossier
import Foundation

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create an Ed25519 key pair for signing evidence packs.",
        discussion: """
        Writes FILE (the private key, OpenSSH format, mode 0600), FILE.pub and FILE.allowed_signers, the \
        line auditors give `ssh-keygen -Y verify -f`. Existing files are never overwritten. A key made by \
        `ssh-keygen -t ed25519 -N ''` works as well.
        """
    )

    @Option(name: .shortAndLong, help: "The private key file to create.")
    var file: String = "dossier-signing-key"

    @Option(help: "The signer identity: who signs, as auditors will see it (no spaces).")
    var identity: String = "evidence@dossier"

    func validate() throws {
        guard EvidencePack.isValidIdentity(identity) else {
            throw ValidationError("the identity may hold only letters, digits and . _ @ + -, e.g. evidence@consultancy.example")
        }
    }

    func run() throws {
        let paths = [file, file + ".pub", file + ".allowed_signers"]
        let existing = paths.filter { FileManager.default.fileExists(atPath: $0) }
        guard existing.isEmpty else {
            Terminal.printError("error: \(existing.joined(separator: ", ")) already exists — nothing was written; choose another name with -f")
            throw ExitCode.failure
        }
        let key = SSHSigningKey(comment: identity)
        let allowed = key.allowedSignersLine(identity: identity, namespace: EvidencePack.namespace) + "\n"
        do {
            let created = FileManager.default.createFile(atPath: file, contents: Data(key.openSSHPrivateKey().utf8),
                                                         attributes: [.posixPermissions: 0o600])
            guard created else { throw CocoaError(.fileWriteNoPermission) }
            try Data((key.publicKeyLine + "\n").utf8).write(to: URL(fileURLWithPath: paths[1]), options: .withoutOverwriting)
            try Data(allowed.utf8).write(to: URL(fileURLWithPath: paths[2]), options: .withoutOverwriting)
        } catch {
            Terminal.printError("error: cannot write the key files: \(error.localizedDescription)")
            throw ExitCode.failure
        }
        print("Private key: \(file) (keep it secret; mode 0600)")
        print("Public key:  \(paths[1])")
        print("Fingerprint: \(SSHSigningKey.fingerprint(key.publicKey))")
        print("allowed_signers line (\(paths[2])):")
        print("  " + allowed, terminator: "")
        print("Sign packs with: dossier build DIR --sign-key \(file)")
    }
}
