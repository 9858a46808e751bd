import HealthCheckers
import KeepalivedConfig
import Testing

/// `regex` and its settings: through a real HTTP_GET, and `URLRegex` on bodies directly.
@Suite struct URLRegexTests {
    static let body = "0123456789 keepalive test page\nsecond line OK\n"

    func probe(
        _ server: LocalServer, _ pattern: String, noMatch: Bool = false, options: [String] = [], min: Int? = nil,
        max: Int? = nil
    ) throws -> any RealServerProbe {
        var check = url("/")
        check.regex = pattern
        check.regexNoMatch = noMatch
        check.regexOptions = options
        check.regexMinOffset = min
        check.regexMaxOffset = max
        return try Fixture.probe(.httpGet(httpCheck([check])), port: server.port)
    }

    func failure(_ pattern: String) -> ProbeResult {
        .failure(.onURL(path: "/", .regexMatch(pattern: pattern)))
    }

    @Test func offsetsBoundWhereAMatchMayStart() async throws {
        let server = try await LocalServer.start(.httpReply(httpReply(body: Self.body)))
        defer { Task { await server.stop() } }
        // "keepalive" starts at byte 11, "test page" at byte 21.
        #expect(await (try probe(server, "keepalive", min: 11)).attempt() == .success(weight: nil))
        #expect(await (try probe(server, "keepalive", min: 12)).attempt() == failure("keepalive"))
        // A match may start at regex_max_offset and run past it.
        #expect(await (try probe(server, "test page", max: 21)).attempt() == .success(weight: nil))
        #expect(await (try probe(server, "test page", max: 20)).attempt() == failure("test page"))
        #expect(await (try probe(server, "line", min: 5, max: 40)).attempt() == .success(weight: nil))
    }

    @Test func regexNoMatchInvertsTheVerdict() async throws {
        let server = try await LocalServer.start(.httpReply(httpReply(body: Self.body)))
        defer { Task { await server.stop() } }
        #expect(await (try probe(server, "second", noMatch: true)).attempt() == failure("second"))
        #expect(await (try probe(server, "error", noMatch: true)).attempt() == .success(weight: nil))
        // Past the only "keepalive", nothing matches, which is what regex_no_match wants.
        #expect(await (try probe(server, "keepalive", noMatch: true, min: 12)).attempt() == .success(weight: nil))
    }

    @Test func optionsChangeTheMatch() async throws {
        let server = try await LocalServer.start(.httpReply(httpReply(body: Self.body)))
        defer { Task { await server.stop() } }
        #expect(await (try probe(server, "KEEPALIVE")).attempt() == failure("KEEPALIVE"))
        #expect(await (try probe(server, "KEEPALIVE", options: ["caseless"])).attempt() == .success(weight: nil))
        #expect(await (try probe(server, "^second")).attempt() == failure("^second"))
        #expect(await (try probe(server, "^second", options: ["multiline"])).attempt() == .success(weight: nil))
        #expect(await (try probe(server, "page.second")).attempt() == failure("page.second"))
        #expect(await (try probe(server, "page.second", options: ["dotall"])).attempt() == .success(weight: nil))
        #expect(await (try probe(server, "test page", options: ["firstline"])).attempt() == .success(weight: nil))
        #expect(await (try probe(server, "OK", options: ["firstline"])).attempt() == failure("OK"))
        #expect(
            await (try probe(server, "keep alive # a comment", options: ["extended"])).attempt()
                == .success(weight: nil))
    }

    @Test func anUnsupportedOptionIsAConfigurationError() async throws {
        let server = try await LocalServer.start(.silent)
        defer { Task { await server.stop() } }
        #expect(throws: ProbeConfigurationError.self) { try probe(server, "x", options: ["dollar_endonly"]) }
    }

    @Test func characterClassesAreASCIIUnlessUCP() throws {
        let body = Array("un café noir".utf8)
        let plain = try URLRegex.compile("caf\\w", options: [])
        let ucp = try URLRegex.compile("caf\\w", options: ["ucp"])
        #expect(!URLRegex.matches(plain, in: body, minOffset: nil, maxOffset: nil, firstLine: false))
        #expect(URLRegex.matches(ucp, in: body, minOffset: nil, maxOffset: nil, firstLine: false))
    }

    @Test func offsetsCountBytes() throws {
        // "é" is two bytes: "noir" starts at byte 9, character 8.
        let body = Array("un café noir".utf8)
        let regex = try URLRegex.compile("noir", options: [])
        #expect(URLRegex.matches(regex, in: body, minOffset: 9, maxOffset: 9, firstLine: false))
        #expect(!URLRegex.matches(regex, in: body, minOffset: nil, maxOffset: 8, firstLine: false))
    }

    @Test func ungreedyMakesRepetitionsLazy() throws {
        let text = "aXbYb"
        let greedy = try URLRegex.compile("a.*b", options: [])
        let lazy = try URLRegex.compile("a.*b", options: ["ungreedy"])
        #expect(try greedy.firstMatch(in: text).map { text[$0.range] } == "aXbYb")
        #expect(try lazy.firstMatch(in: text).map { text[$0.range] } == "aXb")
    }
}
