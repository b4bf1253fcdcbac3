// swift-tools-version:6.0
import PackageDescription

/// The fuzz targets, built with libFuzzer (`-sanitize=fuzzer`) by `make fuzz`, never by `make test`
/// or the product's build: one executable whose main runs libFuzzer's driver and hands each input
/// to the `FuzzEntries` target `FUZZ_TARGET` names (in the main package, where the regression
/// tests replay the corpora).
let package = Package(
    name: "Fuzz",
    dependencies: [.package(name: "Transcriptor", path: "..")],
    targets: [
        .executableTarget(
            name: "FuzzTarget", dependencies: [.product(name: "FuzzEntries", package: "Transcriptor")],
            path: "Targets")
    ]
)
