// swift-tools-version:6.0
import PackageDescription

/// The deployed targets import neither Foundation nor FoundationEssentials (DESIGN.md), so every
/// target but the tests builds with the Swift 6 language mode and nothing else.
/// The API's functions: one executable per route (target, executable), each a few lines over
/// `Transcriptor` (template.yaml's `ImageConfig.Command` names the executable).
let apiFunctions: [(target: String, executable: String)] = [
    ("AuthSignup", "auth-signup"),
    ("AuthLogin", "auth-login"),
    ("AuthRefresh", "auth-refresh"),
    ("AuthLogout", "auth-logout"),
    ("AuthVerifyEmail", "auth-verify-email"),
    ("AuthForgotPassword", "auth-forgot-password"),
    ("AuthResetPassword", "auth-reset-password"),
    ("MeGet", "me-get"),
    ("MeDelete", "me-delete"),
    ("MeWebhookSecret", "me-webhook-secret"),
    ("MePassword", "me-password"),
    ("MeVerificationEmail", "me-verification-email"),
    ("MeVocabulary", "me-vocabulary"),
    ("APIKeysCreate", "api-keys-create"),
    ("APIKeysList", "api-keys-list"),
    ("APIKeysDelete", "api-keys-delete"),
    ("JobsCreate", "jobs-create"),
    ("JobsList", "jobs-list"),
    ("JobsGet", "jobs-get"),
    ("JobsUpdate", "jobs-update"),
    ("JobsDelete", "jobs-delete"),
    ("JobsTranscript", "jobs-transcript"),
    ("JobsTranscriptEdit", "jobs-transcript-edit"),
    ("JobsTranscriptRevert", "jobs-transcript-revert"),
    ("JobsSpeakers", "jobs-speakers"),
    ("JobsMedia", "jobs-media"),
    ("SharesCreate", "shares-create"),
    ("SharesList", "shares-list"),
    ("SharesDelete", "shares-delete"),
    ("SharesGet", "shares-get"),
    ("BillingPlans", "billing-plans"),
    ("BillingGet", "billing-get"),
    ("BillingSetupIntent", "billing-setup-intent"),
    ("BillingSubscribe", "billing-subscribe"),
    ("BillingCancel", "billing-cancel"),
    ("BillingResume", "billing-resume"),
    ("BillingInvoices", "billing-invoices"),
    ("BillingWebhook", "billing-webhook"),
]

/// libcurl, OpenSSL and zlib, linked statically into every configuration (so what the tests run is
/// what ships), all here: the HTTP target carries them for itself and for `COpenSSL` and `CZlib`,
/// whose users (Cloud, Transcriptor) all depend on HTTP, in the order a single-pass linker needs.
/// - libcurl: `.build-curl/lib/libcurl-minimal.a`, which scripts/build-curl.sh (the bootstrap and
///   `make package` run it) builds from Debian's source of the libcurl4-openssl-dev whose headers
///   CCurl uses, with HTTP(S) over OpenSSL and zlib only. Debian's libcurl.so loads about 30
///   libraries for protocols and features we never use. A missing `libcurl-minimal` (no system
///   library has that name) fails the link rather than falling back to Debian's.
/// - OpenSSL and zlib: the archives of Debian's libssl-dev and zlib1g-dev (the same source packages
///   as libssl3 and zlib1g, so the same security fixes, taken in by rebuilding). Loading and
///   relocating the shared libcrypto.so.3 and libssl.so.3 alone cost more than the 1.5× of the echo
///   function's cold start that a function calling AWS may take (BENCHMARKS.md, issue 17).
let staticHTTPLibraries: [LinkerSetting] = [
    .unsafeFlags(["-L\(Context.packageDirectory)/.build-curl/lib"]),
    .linkedLibrary("curl-minimal"), .linkedLibrary(":libssl.a"), .linkedLibrary(":libcrypto.a"),
    .linkedLibrary(":libz.a"),
]

let package = Package(
    name: "Transcriptor",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "transcriptor-local", targets: ["Emulator"]),
        .library(name: "Runtime", targets: ["Runtime"]),
        .library(name: "HTTP", targets: ["HTTP"]),
        .library(name: "Cloud", targets: ["Cloud"]),
        .library(name: "Transcriptor", targets: ["Transcriptor"]),
        .library(name: "Speech", targets: ["Speech"]),
        // What the fuzz targets (the Fuzz package, `make fuzz`) and their regression tests run.
        .library(name: "FuzzEntries", targets: ["FuzzEntries"]),
        .executable(name: "echo-function", targets: ["EchoFunction"]),
        .executable(name: "http-probe-function", targets: ["HTTPProbeFunction"]),
        .executable(name: "dynamodb-probe-function", targets: ["DynamoDBProbeFunction"]),
    ] + apiFunctions.map { .executable(name: $0.executable, targets: [$0.target]) },
    dependencies: [
        // Only the local emulator uses these; no deployed target depends on them.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // System libraries: a `[system]` module map plus a shim header of typed wrappers each.
        .systemLibrary(
            name: "CJansson", path: "Sources/CJansson", pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]),
        // libcurl's, OpenSSL's and zlib's headers only: no pkg-config, whose `-lcurl`, `-lssl -lcrypto`
        // and `-lz` would link Debian's shared libraries; the HTTP target links the static ones
        // (`staticHTTPLibraries`).
        .systemLibrary(name: "CCurl", path: "Sources/CCurl"),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CPocketSphinx", path: "Sources/CPocketSphinx", pkgConfig: "pocketsphinx",
            providers: [.apt(["libpocketsphinx-dev", "pocketsphinx-en-us"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

        // The Lambda custom runtime: links jansson and libc only (no libcurl, no OpenSSL).
        .target(name: "Runtime", dependencies: ["CJansson"]),
        // Outbound HTTP(S) over libcurl.
        .target(name: "HTTP", dependencies: ["CCurl"], linkerSettings: staticHTTPLibraries),
        // AWS SigV4 and the S3, SQS, DynamoDB and SES clients.
        .target(name: "Cloud", dependencies: ["Runtime", "HTTP", "COpenSSL"]),
        // The domain: accounts, passwords, tokens, API keys, jobs, transcripts, URL safety.
        .target(name: "Transcriptor", dependencies: ["Runtime", "HTTP", "Cloud", "COpenSSL", "CZlib"]),

        // The speech engines (whisper worker, pocketsphinx, OpenAI-compatible servers): linked only
        // by what transcribes.
        .target(
            name: "Speech", dependencies: ["Runtime", "HTTP", "Cloud", "Transcriptor", "CPocketSphinx"],
            exclude: ["Whisper/worker.py", "Diarization"]),
        // The speaker engine (senko's worker): linked only by what finds speakers, without the
        // speech engines' libraries (pocketsphinx).
        .target(
            name: "Diarization", dependencies: ["Runtime", "Transcriptor"], path: "Sources/Speech/Diarization",
            exclude: ["worker.py", "models.sha256"]),

        // Sample functions: the smallest handler on the runtime (benchmarks, emulator tests) and
        // one that also links the HTTP client.
        .executableTarget(name: "EchoFunction", dependencies: ["Runtime"], path: "Sources/Samples/Echo"),
        .executableTarget(
            name: "HTTPProbeFunction", dependencies: ["Runtime", "HTTP"], path: "Sources/Samples/HTTPProbe"),
        .executableTarget(
            name: "DynamoDBProbeFunction", dependencies: ["Runtime", "Cloud"], path: "Sources/Samples/DynamoDBProbe"),

        // The local emulator (`transcriptor-local`): a development tool, so it may use Foundation and
        // server libraries. Its pure parts are libraries of their own, tested without I/O.
        // IAM's evaluation of identity-based policies (the functions' roles): pure, no I/O.
        .target(name: "LocalIAM", path: "local/IAM"),
        .target(
            name: "LocalTemplate", dependencies: ["LocalGateway", "LocalIAM", .product(name: "Yams", package: "Yams")],
            path: "local/Template"),
        .target(name: "LocalGateway", dependencies: ["Runtime"], path: "local/Gateway"),
        .target(name: "LocalStore", dependencies: ["CSQLite"], path: "local/Store"),
        .target(name: "LocalS3", dependencies: ["LocalStore", "LocalIAM", "Runtime", "Cloud"], path: "local/S3"),
        .target(name: "LocalSQS", dependencies: ["LocalStore", "LocalIAM", "Runtime", "Cloud"], path: "local/SQS"),
        .target(name: "LocalDynamoDB", dependencies: ["LocalStore", "LocalIAM", "Runtime"], path: "local/DynamoDB"),
        .executableTarget(
            name: "Emulator",
            dependencies: [
                "Runtime", "Cloud", "Transcriptor", "Speech", "Diarization", "LocalTemplate", "LocalGateway",
                "LocalStore", "LocalS3",
                "LocalSQS", "LocalDynamoDB", "LocalIAM",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "local/Emulator"),

        .target(
            name: "FuzzEntries", dependencies: ["Runtime", "Cloud", "Transcriptor", "LocalDynamoDB", "LocalS3"],
            path: "Fuzz/Entries"),

        // Tests
        .target(name: "TestSupport", dependencies: ["Runtime", "HTTP", "Cloud"], path: "Tests/TestSupport"),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "TestSupport", "EchoFunction"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"]),
        .testTarget(name: "CloudTests", dependencies: ["Cloud", "TestSupport"]),
        .testTarget(
            name: "TranscriptorTests", dependencies: ["Transcriptor", "Cloud", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "LocalTemplateTests", dependencies: ["LocalTemplate", "LocalGateway", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(name: "LocalGatewayTests", dependencies: ["LocalGateway", "TestSupport"]),
        .testTarget(
            name: "LocalIAMTests", dependencies: ["LocalIAM", "LocalTemplate", "TestSupport"]),
        .testTarget(name: "LocalS3Tests", dependencies: ["LocalS3", "LocalIAM", "Cloud", "TestSupport"]),
        .testTarget(name: "LocalSQSTests", dependencies: ["LocalSQS", "LocalIAM", "TestSupport"]),
        .testTarget(name: "LocalDynamoDBTests", dependencies: ["LocalDynamoDB", "LocalIAM", "TestSupport"]),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzEntries", "TestSupport"]),
        .testTarget(
            name: "SpeechTests", dependencies: ["Speech", "Diarization", "Transcriptor", "Runtime", "TestSupport"]),
        .testTarget(
            name: "APITests", dependencies: ["Runtime", "Cloud", "HTTP", "TestSupport", "Transcriptor", "Speech"]),
        .testTarget(
            name: "EmulatorTests",
            dependencies: ["Runtime", "Cloud", "HTTP", "TestSupport", "EchoFunction", "Emulator"],
            exclude: ["Fixtures"]),
    ]
)

package.targets += apiFunctions.map {
    .executableTarget(name: $0.target, dependencies: ["Transcriptor"], path: "Sources/Functions/\($0.executable)")
}

/// The pipeline's stages (target, executable, what it links beyond Runtime).
let stageFunctions: [(target: String, executable: String, library: String)] = [
    ("FetchStage", "fetch", "Transcriptor"),
    ("TranscodeStage", "transcode", "Transcriptor"),
    ("TranscribeStage", "transcribe", "Speech"),
    ("DiarizeStage", "diarize", "Diarization"),
    ("PersistStage", "persist", "Transcriptor"),
    ("FailuresStage", "failures", "Transcriptor"),
    ("SweepStage", "sweep", "Transcriptor"),
]
package.products += stageFunctions.map { .executable(name: $0.executable, targets: [$0.target]) }
package.targets += stageFunctions.map {
    .executableTarget(
        name: $0.target,
        dependencies: ["Runtime", "Transcriptor"] + ($0.library == "Transcriptor" ? [] : [.byName(name: $0.library)]),
        path: "Sources/Functions/\($0.executable)")
}
