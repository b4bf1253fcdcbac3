// swift-tools-version:6.0
import PackageDescription

/// Fuzz targets, built with libFuzzer (`-sanitize=fuzzer`) by `make fuzz`, never by `make test` or
/// the product's build: each is an executable whose main runs libFuzzer's driver with a callback
/// that hands the input to `FuzzEntries` (in the main package, where the regression tests replay
/// the corpora).
let targets = [
    ("json", "FuzzJSON"), ("events", "FuzzEvents"), ("sigv4", "FuzzSigV4"), ("expressions", "FuzzExpressions"),
    ("subtitles", "FuzzSubtitles"), ("urlguard", "FuzzURLGuard"),
]

let package = Package(
    name: "Fuzz",
    dependencies: [.package(name: "Transcriptor", path: "..")],
    targets: targets.map { folder, name in
        .executableTarget(
            name: name, dependencies: [.product(name: "FuzzEntries", package: "Transcriptor")],
            path: "Targets/\(folder)")
    }
)
