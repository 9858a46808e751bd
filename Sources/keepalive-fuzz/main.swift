import FuzzTargets

#if canImport(Glibc)
    import Glibc
#endif

// Built with `-sanitize=fuzzer` and `-DFUZZING` (scripts/fuzz), libFuzzer's own main drives
// `LLVMFuzzerTestOneInput` and KEEPALIVE_FUZZ_TARGET names the target. Built normally,
// `keepalive-fuzz TARGET FILE...` replays inputs, so a crash can be re-run under a debugger.

#if FUZZING
    /// Read once: libFuzzer calls the entry point millions of times.
    let fuzzTarget: FuzzTarget = {
        guard let name = getenv("KEEPALIVE_FUZZ_TARGET").map({ String(cString: $0) }),
            let target = FuzzTarget(rawValue: name)
        else {
            complain("keepalive-fuzz: set KEEPALIVE_FUZZ_TARGET to one of \(targetNames)")
            exit(2)
        }
        return target
    }()

    @_cdecl("LLVMFuzzerTestOneInput")
    func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        fuzzTarget.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    // Swift's main wins over libFuzzer's, so hand libFuzzer the command line ourselves.
    _ = fuzzTarget
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(runFuzzerDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
#else
    let arguments = CommandLine.arguments
    guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
        complain("usage: keepalive-fuzz \(targetNames) FILE...")
        exit(2)
    }
    var replayed = 0
    for path in arguments.dropFirst(2) {
        guard let file = fopen(path, "rb") else {
            complain("keepalive-fuzz: cannot open \(path)")
            exit(1)
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        fclose(file)
        target.run(bytes)
        replayed += 1
    }
    print("keepalive-fuzz: \(target.rawValue): \(replayed) inputs replayed, no crash")
#endif

var targetNames: String { FuzzTarget.allCases.map(\.rawValue).joined(separator: "|") }

func complain(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
