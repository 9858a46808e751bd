// The IPVS test driver: runs inside the VM that scripts/ipvs-vm boots, against a real kernel IPVS.
// Prints `PASS name` / `FAIL name: why` per case and `N passed, M failed`; exits non-zero on failure.
// `ipvs-vm-test bench` runs the IPVS apply benchmark instead (Bench.swift).
import IPVS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Writes a line straight to fd 1, unbuffered: a crash mid-run still shows the cases that ran.
func say(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
        if written <= 0 { return }
        offset += written
    }
}

let clock = ContinuousClock()
let started = clock.now
let ipvs: IPVS
do {
    ipvs = try IPVS()
} catch {
    say("FAIL family-resolved: \(error)")
    say("0 passed, 1 failed")
    exit(1)
}
if CommandLine.arguments.dropFirst().first == "bench" {
    do {
        try ApplyBenchmark(ipvs: ipvs).perform()
        exit(0)
    } catch {
        say("FAIL bench: \(error)")
        exit(1)
    }
}
var passed = 0
var failed = 0
for (name, body) in Cases(ipvs: ipvs).all {
    do {
        try body()
        say("PASS \(name)")
        passed += 1
    } catch {
        say("FAIL \(name): \(error)")
        failed += 1
    }
}
let elapsed = clock.now - started
say("TIME cases \(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000) ms")
say("\(passed) passed, \(failed) failed")
exit(failed == 0 ? 0 : 1)
