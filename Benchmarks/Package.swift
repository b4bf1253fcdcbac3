// swift-tools-version:6.0
import PackageDescription

/// Benchmarks: opt-in tools built and run by `make bench`, never by `make test`.
let package = Package(
    name: "Benchmarks",
    dependencies: [.package(name: "Transcriptor", path: "..")],
    targets: [
        .executableTarget(
            name: "sqs-relay-function",
            dependencies: [
                .product(name: "Cloud", package: "Transcriptor"), .product(name: "Runtime", package: "Transcriptor"),
            ],
            path: "Sources/SQSRelayFunction"),
        .executableTarget(
            name: "SQSLatency",
            dependencies: [
                .product(name: "Cloud", package: "Transcriptor"), .product(name: "Runtime", package: "Transcriptor"),
            ]),
        .executableTarget(
            name: "CloudThroughput",
            dependencies: [
                .product(name: "Cloud", package: "Transcriptor"), .product(name: "Runtime", package: "Transcriptor"),
            ]),
        .executableTarget(
            name: "EmulatorThroughput",
            dependencies: [
                .product(name: "Cloud", package: "Transcriptor"), .product(name: "HTTP", package: "Transcriptor"),
                .product(name: "Runtime", package: "Transcriptor"),
            ]),
        .executableTarget(
            name: "SpeechBench",
            dependencies: [
                .product(name: "Speech", package: "Transcriptor"),
                .product(name: "Transcriptor", package: "Transcriptor"),
                .product(name: "Runtime", package: "Transcriptor"),
            ]),
        .executableTarget(
            name: "ServiceThroughput",
            dependencies: [
                .product(name: "Cloud", package: "Transcriptor"), .product(name: "Runtime", package: "Transcriptor"),
            ]),
    ]
)
