import Crypto
import Foundation

/// The SSH wire encoding (RFC 4251): big-endian uint32 and length-prefixed strings.
struct SSHWriter {
    private(set) var data = Data()

    mutating func uint32(_ value: UInt32) {
        data.append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
    }

    mutating func string(_ bytes: Data) {
        uint32(UInt32(bytes.count))
        data.append(bytes)
    }

    mutating func string(_ text: String) { string(Data(text.utf8)) }

    mutating func raw(_ bytes: Data) { data.append(bytes) }
}

struct SSHReader {
    private let data: Data
    private var offset: Int

    struct Truncated: Error {}

    init(_ data: Data) {
        self.data = Data(data)
        offset = 0
    }

    var isAtEnd: Bool { offset >= data.count }

    mutating func bytes(_ count: Int) throws -> Data {
        guard count >= 0, offset + count <= data.count else { throw Truncated() }
        defer { offset += count }
        return data.subdata(in: offset..<(offset + count))
    }

    mutating func uint32() throws -> UInt32 {
        let b = try bytes(4)
        return UInt32(b[b.startIndex]) << 24 | UInt32(b[b.startIndex + 1]) << 16 | UInt32(b[b.startIndex + 2]) << 8 | UInt32(b[b.startIndex + 3])
    }

    mutating func string() throws -> Data { try bytes(Int(try uint32())) }

    mutating func text() throws -> String { String(decoding: try string(), as: UTF8.self) }
}

/// An Ed25519 signing key in OpenSSH's formats: the `-----BEGIN OPENSSH PRIVATE KEY-----` file that
/// `ssh-keygen -t ed25519 -N ''` writes, the `ssh-ed25519 AAAA… comment` public line, and the
/// `allowed_signers` line that `ssh-keygen -Y verify` reads. (Sendable unchecked: swift-crypto does
/// not mark its private key Sendable; here it is immutable and only read, to sign.)
public struct SSHSigningKey: @unchecked Sendable {
    public let privateKey: Curve25519.Signing.PrivateKey
    public let comment: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(privateKey: Curve25519.Signing.PrivateKey = .init(), comment: String) {
        self.privateKey = privateKey
        self.comment = comment
    }

    public var publicKey: Curve25519.Signing.PublicKey { privateKey.publicKey }

    /// The public key blob: `string "ssh-ed25519", string key`.
    public static func publicKeyBlob(_ key: Curve25519.Signing.PublicKey) -> Data {
        var writer = SSHWriter()
        writer.string("ssh-ed25519")
        writer.string(key.rawRepresentation)
        return writer.data
    }

    /// `ssh-ed25519 AAAA… comment`.
    public var publicKeyLine: String {
        "ssh-ed25519 " + Self.publicKeyBlob(publicKey).base64EncodedString() + (comment.isEmpty ? "" : " " + comment)
    }

    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    public static func fingerprint(_ key: Curve25519.Signing.PublicKey) -> String {
        let digest = Data(SHA256.hash(data: publicKeyBlob(key)))
        return "SHA256:" + digest.base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    /// An `allowed_signers` line for `identity`, limited to `namespace`.
    public func allowedSignersLine(identity: String, namespace: String) -> String {
        "\(identity) namespaces=\"\(namespace)\" ssh-ed25519 \(Self.publicKeyBlob(publicKey).base64EncodedString())"
    }

    /// The unencrypted OpenSSH private key file.
    public func openSSHPrivateKey(checkInt: UInt32 = UInt32.random(in: 0...UInt32.max)) -> String {
        var secret = SSHWriter()
        secret.uint32(checkInt)
        secret.uint32(checkInt)
        secret.string("ssh-ed25519")
        secret.string(publicKey.rawRepresentation)
        secret.string(privateKey.rawRepresentation + publicKey.rawRepresentation)
        secret.string(comment)
        var padding: UInt8 = 1
        while secret.data.count % 8 != 0 {
            secret.raw(Data([padding]))
            padding += 1
        }
        var writer = SSHWriter()
        writer.raw(Data("openssh-key-v1\0".utf8))
        writer.string("none")
        writer.string("none")
        writer.string(Data())
        writer.uint32(1)
        writer.string(Self.publicKeyBlob(publicKey))
        writer.string(secret.data)
        return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + Self.wrap(writer.data.base64EncodedString()) + "-----END OPENSSH PRIVATE KEY-----\n"
    }

    /// Reads an unencrypted Ed25519 key in OpenSSH format.
    public static func parse(openSSH text: String) throws(Failure) -> SSHSigningKey {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(of: "-----BEGIN OPENSSH PRIVATE KEY-----"),
              let end = lines.firstIndex(of: "-----END OPENSSH PRIVATE KEY-----"), end > begin,
              let data = Data(base64Encoded: lines[(begin + 1)..<end].joined()) else {
            throw Failure(description: "not an OpenSSH private key — create one with `dossier keygen` or `ssh-keygen -t ed25519 -N ''`")
        }
        do {
            var reader = SSHReader(data)
            guard try reader.bytes(15) == Data("openssh-key-v1\0".utf8) else { throw Failure(description: "not an OpenSSH private key (bad magic)") }
            let cipher = try reader.text()
            let kdf = try reader.text()
            _ = try reader.string()
            guard cipher == "none", kdf == "none" else {
                throw Failure(description: "the key is protected by a passphrase, which Dossier cannot use for unattended signing — create an unencrypted signing key with `dossier keygen` or `ssh-keygen -t ed25519 -N ''`")
            }
            guard try reader.uint32() == 1 else { throw Failure(description: "the key file holds more than one key") }
            _ = try reader.string()
            var secret = SSHReader(try reader.string())
            guard try secret.uint32() == (try secret.uint32()) else { throw Failure(description: "the key file is corrupt (check integers differ)") }
            let type = try secret.text()
            guard type == "ssh-ed25519" else {
                throw Failure(description: "the key is \(type); evidence packs are signed with Ed25519 keys — create one with `dossier keygen` or `ssh-keygen -t ed25519`")
            }
            _ = try secret.string()
            let pair = try secret.string()
            let comment = try secret.text()
            guard pair.count == 64 else { throw Failure(description: "the Ed25519 key has the wrong length") }
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: pair.prefix(32))
            guard key.publicKey.rawRepresentation == pair.suffix(32) else { throw Failure(description: "the key file is corrupt (public key does not match)") }
            return SSHSigningKey(privateKey: key, comment: comment)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "the key file is corrupt or truncated")
        }
    }

    static func wrap(_ base64: String, width: Int = 70) -> String {
        var result = ""
        var line = ""
        for character in base64 {
            line.append(character)
            if line.count == width {
                result += line + "\n"
                line = ""
            }
        }
        if !line.isEmpty { result += line + "\n" }
        return result
    }
}

/// SSH signatures of files (the SSHSIG format of OpenSSH's PROTOCOL.sshsig), as made and checked by
/// `ssh-keygen -Y sign` and `ssh-keygen -Y verify`.
public enum SSHSignature {
    static let magic = Data("SSHSIG".utf8)

    /// The armored signature of `message` in `namespace`, hashed with SHA-512.
    public static func sign(_ message: Data, namespace: String, key: SSHSigningKey) throws -> String {
        let digest = Data(SHA512.hash(data: message))
        let signature = try key.privateKey.signature(for: signedData(namespace: namespace, digest: digest))
        var blob = SSHWriter()
        blob.string("ssh-ed25519")
        blob.string(signature)
        var writer = SSHWriter()
        writer.raw(magic)
        writer.uint32(1)
        writer.string(SSHSigningKey.publicKeyBlob(key.publicKey))
        writer.string(namespace)
        writer.string(Data())
        writer.string("sha512")
        writer.string(blob.data)
        return "-----BEGIN SSH SIGNATURE-----\n" + SSHSigningKey.wrap(writer.data.base64EncodedString(), width: 70) + "-----END SSH SIGNATURE-----\n"
    }

    public struct Parsed: Sendable {
        /// The signer's key as it appears in `allowed_signers` (base64 of the public key blob).
        public var publicKeyBase64: String
        public var fingerprint: String
        public var namespace: String
        public var valid: Bool
    }

    /// Checks an armored signature over `message`; nil when it cannot be read at all.
    public static func verify(_ armored: String, message: Data) -> Parsed? {
        let lines = armored.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(of: "-----BEGIN SSH SIGNATURE-----"),
              let end = lines.firstIndex(of: "-----END SSH SIGNATURE-----"), end > begin,
              let data = Data(base64Encoded: lines[(begin + 1)..<end].joined()) else { return nil }
        do {
            var reader = SSHReader(data)
            guard try reader.bytes(6) == magic, try reader.uint32() == 1 else { return nil }
            var keyReader = SSHReader(try reader.string())
            guard try keyReader.text() == "ssh-ed25519" else { return nil }
            let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try keyReader.string())
            let namespace = try reader.text()
            _ = try reader.string()
            let hash = try reader.text()
            var signatureReader = SSHReader(try reader.string())
            guard try signatureReader.text() == "ssh-ed25519" else { return nil }
            let signature = try signatureReader.string()
            let digest: Data
            switch hash {
            case "sha512": digest = Data(SHA512.hash(data: message))
            case "sha256": digest = Data(SHA256.hash(data: message))
            default: return nil
            }
            let valid = publicKey.isValidSignature(signature, for: signedData(namespace: namespace, digest: digest, hash: hash))
            return Parsed(publicKeyBase64: SSHSigningKey.publicKeyBlob(publicKey).base64EncodedString(),
                          fingerprint: SSHSigningKey.fingerprint(publicKey), namespace: namespace, valid: valid)
        } catch {
            return nil
        }
    }

    private static func signedData(namespace: String, digest: Data, hash: String = "sha512") -> Data {
        var writer = SSHWriter()
        writer.raw(magic)
        writer.string(namespace)
        writer.string(Data())
        writer.string(hash)
        writer.string(digest)
        return writer.data
    }
}
