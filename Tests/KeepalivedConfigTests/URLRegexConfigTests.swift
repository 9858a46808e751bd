import Testing

@testable import KeepalivedConfig

/// The regex keywords of an HTTP_GET url block, checked when the config is read.
@Suite struct URLRegexConfigTests {
    /// One real server with an HTTP_GET whose url block holds `lines` (after `path /`, from line 7).
    static func config(_ lines: [String]) -> String {
        let body = lines.map { "                \($0)\n" }.joined()
        return """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                real_server 10.0.0.2 80 {
                    HTTP_GET {
                        url {
                            path /
            \(body)            }
                    }
                }
            }

            """
    }

    static func url(_ configuration: KeepalivedConfiguration) -> URLCheck? {
        guard case .httpGet(let check)? = configuration.virtualServers.first?.realServers.first?.checkers.first else {
            return nil
        }
        return check.urls.first
    }

    @Test func honouredOptionsLoadCleanly() throws {
        let (configuration, diagnostics) = LVSText.read(
            Self.config([
                "regex \"^OK$\"", "regex_no_match",
                "regex_options caseless multiline dotall extended ungreedy utf ucp firstline no_start_optimize",
                "regex_stack 32768 65536", "regex_min_offset 4", "regex_max_offset 100",
            ]))
        #expect(diagnostics.all.isEmpty)
        let url = try #require(Self.url(configuration))
        #expect(url.regex == "^OK$")
        #expect(url.regexNoMatch)
        #expect(url.regexOptions.count == 9)
        #expect(url.regexStack == [32768, 65536])
        #expect(url.regexMinOffset == 4)
        #expect(url.regexMaxOffset == 100)
    }

    @Test(arguments: [
        "dollar_endonly", "allow_empty_class", "alt_bsux", "match_unset_backref", "no_auto_capture", "alt_circumflex",
        "alt_verbnames",
    ])
    func anOptionSwiftCannotHonourIsRefusedAtTheWord(option: String) {
        let (_, diagnostics) = LVSText.read(Self.config(["regex ok", "regex_options caseless \(option)"]))
        #expect(diagnostics.errors.count == 1)
        let error = diagnostics.errors.first
        #expect(error?.location.description == "test.conf:8:40")
        #expect(error?.message.contains("regex option '\(option)' is not supported") == true)
    }

    @Test func anUnknownOptionIsAWarningAsKeepalivedIgnoresIt() {
        let (_, diagnostics) = LVSText.read(Self.config(["regex ok", "regex_options fastest"]))
        #expect(diagnostics.errors.isEmpty)
        #expect(diagnostics.warnings.map(\.location.description) == ["test.conf:8:31"])
    }

    @Test func aPatternThatDoesNotCompileIsRefused() {
        let (_, diagnostics) = LVSText.read(Self.config(["regex \"([unclosed\""]))
        #expect(diagnostics.errors.map(\.location.description) == ["test.conf:7:17"])
        #expect(diagnostics.errors.first?.message.hasPrefix("invalid regex '([unclosed'") == true)
    }

    @Test func aMinOffsetPastTheMaxIsDroppedWithAWarning() throws {
        let (configuration, diagnostics) = LVSText.read(
            Self.config(["regex ok", "regex_min_offset 50", "regex_max_offset 10"]))
        #expect(diagnostics.errors.isEmpty)
        #expect(diagnostics.warnings.map(\.location.description) == ["test.conf:8:17"])
        let url = try #require(Self.url(configuration))
        #expect(url.regexMinOffset == nil && url.regexMaxOffset == nil)
    }

    @Test func regexSettingsWithoutARegexAreIgnoredWithAWarning() {
        let (_, diagnostics) = LVSText.read(Self.config(["regex_no_match", "regex_max_offset 10"]))
        #expect(diagnostics.errors.isEmpty)
        #expect(diagnostics.warnings.count == 1)
        #expect(diagnostics.warnings.first?.message.contains("without regex") == true)
    }

    @Test func urlTLSCompliantIsReadAndWritten() throws {
        let (configuration, diagnostics) = LVSText.read(Self.config(["tls_compliant"]))
        #expect(diagnostics.all.isEmpty)
        #expect(try #require(Self.url(configuration)).tlsCompliant)
        #expect(Self.url(LVSText.reprinted(configuration))?.tlsCompliant == true)
    }
}

/// The top-level `SSL` block (SSL_GET's client certificate).
@Suite struct SSLBlockTests {
    @Test func theSSLBlockIsReadAndWritten() throws {
        let text = """
            SSL {
                password s3cret
                ca /etc/ssl/ca.pem
                certificate /etc/ssl/client.pem
                key /etc/ssl/client.key
            }

            """
        let (configuration, diagnostics) = LVSText.read(text)
        #expect(diagnostics.all.isEmpty)
        let ssl = try #require(configuration.ssl)
        #expect(ssl.password == "s3cret")
        #expect(ssl.caFile == "/etc/ssl/ca.pem")
        #expect(ssl.certificateFile == "/etc/ssl/client.pem")
        #expect(ssl.keyFile == "/etc/ssl/client.key")
        #expect(LVSText.reprinted(configuration).ssl == ssl)
    }

    @Test func anSSLBlockInsideAnotherIsMisplaced() {
        let (_, diagnostics) = LVSText.read("virtual_server 10.0.0.1 80 {\n    protocol TCP\n    SSL {\n    }\n}\n")
        #expect(diagnostics.errors.map(\.location.description) == ["test.conf:3:5"])
    }
}
