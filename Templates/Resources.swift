import Foundation

/// Where the built-in templates, starter workspaces and control catalogs are installed.
public enum BuiltinResources {
    /// The folder holding `init/`, `catalogs/` and the report templates.
    public static var directory: URL {
        Bundle.module.resourceURL ?? Bundle.module.bundleURL
    }
}
