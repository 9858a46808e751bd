import Foundation
import HealthCheckers
import KeepaliveTestSupport
import KeepalivedConfig
import Testing

/// A track_file on disk holding `contents`, and a FILE_CHECK following it.
struct TrackedFile {
    let directory: String
    let trackFile: TrackFile

    init(_ contents: String?, trackWeight: Int = 1, trackReverse: Bool = false) throws {
        directory = try Repository.temporaryDirectory("checkers-file")
        var file = TrackFile(name: "state", file: directory + "/state")
        file.weight = trackWeight
        file.reverse = trackReverse
        trackFile = file
        if let contents { try Data(contents.utf8).write(to: URL(fileURLWithPath: file.file)) }
    }

    func probe(weight: Int? = nil, reverse: Bool = false, dynamic: Bool = false, serverWeight: Int = 1) throws
        -> any RealServerProbe
    {
        var check = FileCheck(trackFile: "state")
        check.weight = weight
        check.reverse = reverse
        check.dynamic = dynamic
        return try Fixture.probe(.file(check), port: 80, weight: serverWeight, trackFiles: [trackFile])
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

@Suite struct FileProbeTests {
    @Test(arguments: [
        ("0\n", ProbeResult.success(weight: nil)), ("1\n", .failure(.fileValue("1"))),
        ("-4", .failure(.fileValue("-4"))),
    ])
    func weightZeroFailsOnAnyNonZeroValue(contents: String, expected: ProbeResult) async throws {
        let file = try TrackedFile(contents)
        defer { file.remove() }
        #expect(await (try file.probe(weight: 0)).attempt() == expected)
    }

    @Test func aNonZeroWeightWithoutDynamicPassesAndKeepsTheWeight() async throws {
        let file = try TrackedFile("  7 \n")
        defer { file.remove() }
        #expect(await (try file.probe(weight: 3)).attempt() == .success(weight: nil))
    }

    @Test func dynamicAddsValueTimesWeightToTheServersWeight() async throws {
        let file = try TrackedFile("5")
        defer { file.remove() }
        #expect(await (try file.probe(weight: 2, dynamic: true, serverWeight: 10)).attempt() == .success(weight: 20))
        #expect(
            await (try file.probe(weight: 2, reverse: true, dynamic: true, serverWeight: 10)).attempt()
                == .success(weight: 0))
        #expect(
            await (try file.probe(weight: 1, reverse: true, dynamic: true, serverWeight: 10)).attempt()
                == .success(weight: 5))
    }

    @Test func theTrackFilesWeightAppliesWhenTheCheckHasNone() async throws {
        let file = try TrackedFile("3", trackWeight: 4, trackReverse: true)
        defer { file.remove() }
        #expect(await (try file.probe(dynamic: true, serverWeight: 20)).attempt() == .success(weight: 8))
        let zero = try TrackedFile("3", trackWeight: 0)
        defer { zero.remove() }
        #expect(await (try zero.probe()).attempt() == .failure(.fileValue("3")))
    }

    @Test func aValueAtTheFloorFails() async throws {
        let file = try TrackedFile("-2147483648")
        defer { file.remove() }
        #expect(await (try file.probe(weight: 1)).attempt() == .failure(.fileValue("-2147483648")))
    }

    @Test func theFileIsReadOnEveryAttempt() async throws {
        let file = try TrackedFile("0")
        defer { file.remove() }
        let probe = try file.probe(weight: 0)
        #expect(await probe.attempt() == .success(weight: nil))
        try Data("1".utf8).write(to: URL(fileURLWithPath: file.trackFile.file))
        #expect(await probe.attempt() == .failure(.fileValue("1")))
    }

    @Test func aMissingOrNonNumericFileFails() async throws {
        let missing = try TrackedFile(nil)
        defer { missing.remove() }
        guard case .failure(.fileValue(let reason)) = await (try missing.probe()).attempt() else {
            Issue.record("a missing file must fail")
            return
        }
        #expect(reason.contains("No such file"))
        let words = try TrackedFile("up")
        defer { words.remove() }
        #expect(await (try words.probe()).attempt() == .failure(.fileValue("'up' is not a number")))
    }

    @Test func anUnknownTrackFileIsAConfigurationError() throws {
        #expect(throws: ProbeConfigurationError.unknownTrackFile("nope")) {
            try Fixture.probe(.file(FileCheck(trackFile: "nope")), port: 80)
        }
    }
}
