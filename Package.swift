// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Dossier",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dossier", targets: ["DossierCLI"]),
        .library(name: "Dossier", targets: ["Dossier"]),
        .library(name: "Markdown", targets: ["Markdown"]),
        .library(name: "Search", targets: ["Search"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        // Debian: apt-get install libcmark-dev (pkg-config name "libcmark").
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"]), .brew(["cmark"])]
        ),
        // libdeflate for the evidence zip's deflate and CRC-32 (Debian: libdeflate-dev, pkg-config
        // name "libdeflate"): at zlib's default level, a zip a little smaller in about half the time.
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"]), .brew(["libdeflate"])]
        ),
        // statfs(2) (the C library's <sys/vfs.h>): whether the workspace is on a network file system.
        .systemLibrary(name: "CFileSystem"),
        // Results of parallel loops, shared by the modules below.
        .target(name: "Parallel"),
        // The only module that imports CCmark.
        .target(name: "Markdown", dependencies: ["CCmark", "Parallel"]),
        // Korean-aware search: tokenizer, index writer, query engine (pure Swift).
        .target(name: "Search", dependencies: ["Parallel"], exclude: ["SPEC.md"]),
        // Built-in templates, starter workspaces and control catalogs, found through Bundle.module.
        .target(name: "DossierResources", path: "Templates", resources: [.copy("init"), .copy("catalogs"), .copy("reports"), .copy("kb")]),
        .target(
            name: "Dossier",
            dependencies: [
                "Markdown", "Search", "Parallel", "DossierResources", "CDeflate", "CFileSystem",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // jemalloc (Debian: libjemalloc-dev) as the command's allocator: a build makes millions of
        // small strings and arrays on both cores, and glibc's malloc took a tenth of its time.
        .executableTarget(
            name: "DossierCLI",
            dependencies: ["Dossier", "Markdown", "Search", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
        .testTarget(name: "MarkdownTests", dependencies: ["Markdown"]),
        .testTarget(name: "SearchTests", dependencies: ["Search"]),
        // swift-mustache, which the templates were first written for, is the reference the tests
        // hold Dossier's template engine to.
        .testTarget(name: "DossierTests", dependencies: ["Dossier", .product(name: "Mustache", package: "swift-mustache")]),
        .testTarget(name: "EndToEndTests", dependencies: ["Dossier", "DossierCLI"]),
    ],
    swiftLanguageModes: [.v6]
)
