// The libFuzzer executable for every fuzz target: `FUZZ_TARGET` (json, events, sigv4,
// expressions, subtitles, urlguard, multipartform, cookies) picks which of `FuzzEntries.targets` the inputs go to.
// SwiftPM gives an executable an entry point of its own, so main runs libFuzzer's driver itself.
import FuzzEntries

#if canImport(Glibc)
    import Glibc
#endif

nonisolated(unsafe) var entry: (@Sendable ([UInt8]) -> Void)?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    entry!(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

let name = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
guard let chosen = FuzzEntries.targets[name] else {
    print("FUZZ_TARGET must be one of \(FuzzEntries.targets.keys.sorted().joined(separator: ", "))")
    exit(2)
}
entry = chosen
var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
