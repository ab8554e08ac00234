import DossierResources
import Foundation

/// One control of a catalog: ISMS-P item, ISO/IEC 27001:2022 Annex A control or SOC 2 criterion.
public struct Control: Codable, Sendable, Hashable {
    public var id: String
    /// The area, theme or category the control belongs to.
    public var group: String
    public var title: String
    /// The Korean title, where the catalog has one (ISMS-P).
    public var koreanTitle: String?
}

/// The control catalogs shipped in `Templates/catalogs/` (ids and titles from `../shared/catalogs`).
public struct ControlCatalogs: Sendable {
    public var controls: [ControlFramework: [Control]]
    private var ids: [ControlFramework: Set<String>]

    public init(controls: [ControlFramework: [Control]]) {
        self.controls = controls
        self.ids = controls.mapValues { Set($0.map(\.id)) }
    }

    /// The catalogs installed with the tool, loaded once.
    public static let shipped: Result<ControlCatalogs, CatalogError> = {
        do throws(CatalogError) {
            return .success(try load(from: BuiltinResources.directory.appendingPathComponent("catalogs")))
        } catch {
            return .failure(error)
        }
    }()

    public struct CatalogError: Error, CustomStringConvertible {
        public var description: String
    }

    static let files: [ControlFramework: String] = [
        .ismsP: "ismsp.csv",
        .iso27001: "iso27001-2022-annexA.csv",
        .soc2: "soc2-tsc.csv",
    ]

    public static func load(from folder: URL) throws(CatalogError) -> ControlCatalogs {
        var controls: [ControlFramework: [Control]] = [:]
        for (framework, name) in files {
            let url = folder.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw CatalogError(description: "control catalog \(url.path) is missing — reinstall Dossier")
            }
            let rows = CSV.rows(text).dropFirst()
            controls[framework] = rows.compactMap { row in
                guard row.count >= 3, !row[0].isEmpty else { return nil }
                if framework == .ismsP, row.count >= 4 {
                    return Control(id: row[0], group: row[1], title: row[3], koreanTitle: row[2])
                }
                return Control(id: row[0], group: row[1], title: row[2], koreanTitle: nil)
            }
        }
        return ControlCatalogs(controls: controls)
    }

    public func contains(_ reference: ControlReference) -> Bool {
        ids[reference.framework]?.contains(reference.id) ?? false
    }

    public func control(_ reference: ControlReference) -> Control? {
        controls[reference.framework]?.first { $0.id == reference.id }
    }

    /// The catalog id closest to a misspelt one, for "did you mean".
    func suggestion(for reference: ControlReference) -> String? {
        guard let candidates = controls[reference.framework]?.map(\.id) else { return nil }
        return Suggestions.closest(to: reference.id, in: candidates).map { "\(reference.framework.rawValue):\($0)" }
    }
}

/// RFC 4180 rows: comma-separated fields, double-quoted fields may hold commas, quotes ("") and newlines.
enum CSV {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\n", "\r\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
