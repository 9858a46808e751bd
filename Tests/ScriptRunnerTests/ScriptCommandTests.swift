import ScriptRunner
import Testing

@Suite("Splitting script lines as keepalived does")
struct ScriptCommandTests {
    @Test func plainWordsSplitOnWhitespace() throws {
        let command = try ScriptCommand(parsing: "  /usr/local/bin/check.sh   VI_1\tfast  ")
        #expect(command.program == "/usr/local/bin/check.sh")
        #expect(command.arguments == ["VI_1", "fast"])
        #expect(command.argv == ["/usr/local/bin/check.sh", "VI_1", "fast"])
        #expect(command.isAbsolute)
    }

    @Test func quotedArgumentsKeepTheirSpaces() throws {
        let command = try ScriptCommand(parsing: #"/bin/notify 'two words' "three more words" x"#)
        #expect(command.arguments == ["two words", "three more words", "x"])
    }

    @Test func quotesJoinWithAdjacentText() throws {
        // keepalived's example: abcd" efg h jkl "mnop is one string.
        let command = try ScriptCommand(parsing: #"/bin/echo abcd" efg h jkl "mnop"#)
        #expect(command.arguments == ["abcd efg h jkl mnop"])
    }

    /// The argv keepalived 2.2.7 gave a vrrp_script configured as
    /// `script "/tmp/sr-ka/args.sh 'a b' x'y z'w  plain \"dq inner\" back\\ slash"` (measured in a
    /// namespace; the config parser turns `\"` into `"` and `\\` into `\` before the split).
    @Test func matchesKeepalivedOnAMeasuredLine() throws {
        let command = try ScriptCommand(parsing: #"/tmp/sr-ka/args.sh 'a b' x'y z'w  plain "dq inner" back\ slash"#)
        #expect(command.arguments == ["a b", "xy zw", "plain", "dq inner", "back slash"])
    }

    @Test func aShellOnlyWhenTheCommandIsOne() throws {
        let command = try ScriptCommand(parsing: #"/bin/sh -c 'pidof haproxy || exit 1'"#)
        #expect(command.program == "/bin/sh")
        #expect(command.arguments == ["-c", "pidof haproxy || exit 1"])
        let noShell = try ScriptCommand(parsing: "/usr/bin/test -f /run/a|b")
        #expect(noShell.arguments == ["-f", "/run/a|b"])
    }

    @Test func escapesAndEmptyQuotedArguments() throws {
        let command = try ScriptCommand(parsing: #"/bin/x a\ b "say \"hi\"" '' 'it\s'"#)
        #expect(command.arguments == ["a b", #"say "hi""#, "", #"it\s"#])
    }

    @Test func bareNamesAreKeptForPathSearch() throws {
        let command = try ScriptCommand(parsing: "killall -0 haproxy")
        #expect(command.program == "killall")
        #expect(!command.isAbsolute)
    }

    @Test func descriptionRoundTrips() throws {
        let command = ScriptCommand(program: "/bin/x", arguments: ["a b", "it's", #"q"q\"#, "", "plain"])
        #expect(try ScriptCommand(parsing: command.description) == command)
    }

    @Test func notifyAppendsKeepalivedsFourArguments() throws {
        let command = try ScriptCommand(parsing: "/etc/keepalived/notify.sh extra")
        #expect(
            command.appending(["INSTANCE", "VI_1", "MASTER", "100"]).argv == [
                "/etc/keepalived/notify.sh", "extra", "INSTANCE", "VI_1", "MASTER", "100",
            ])
    }

    @Test(arguments: [
        ("", ScriptCommandError.empty),
        ("  \t ", .empty),
        ("'' arg", .emptyProgram),
        ("/bin/x 'open", .unterminatedQuote(quote: "'", column: 8)),
        (#"/bin/x "a 'b' c"#, .unterminatedQuote(quote: "\"", column: 8)),
        (#"/bin/x a\"#, .danglingEscape(column: 9)),
    ])
    func badLinesGiveClearErrors(text: String, expected: ScriptCommandError) {
        #expect(throws: expected) { try ScriptCommand(parsing: text) }
        #expect(!expected.description.isEmpty)
    }
}
