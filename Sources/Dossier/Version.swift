/// The tool's version, shown by `dossier --version` and recorded in build outputs.
public enum DossierVersion {
    public static let current = "0.1.0"
}
