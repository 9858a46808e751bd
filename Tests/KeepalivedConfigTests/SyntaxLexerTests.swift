import Testing

@testable import KeepalivedConfig

@Suite("Syntax: words, comments, quotes and blocks")
struct SyntaxLexerTests {
    @Test func commentsStartAnywhereOutsideQuotes() throws {
        let text = """
            ! a comment line
            # another
            a b # trailing
            c d! bang
            e#f g
            "h#i" "j!k"
            """
        #expect(try SyntaxTest.shape(text) == #"a b; c d; e; "h#i" "j!k""#)
    }

    @Test func quotedWordsKeepBlanksBracesAndCommentCharacters() throws {
        let text = #"script "/bin/check --a { b } # c ! d" x"#
        let statement = try #require(SyntaxTest.read(text).statements.first)
        #expect(statement.arguments.map(\.text) == ["/bin/check --a { b } # c ! d", "x"])
        #expect(statement.arguments.map(\.quoted) == [true, false])
    }

    @Test func quotesSplitWordsAndHaveNoEscapes() throws {
        // keepalived 2.2.7: aa"b c"d is aa, "b c", d; a backslash is an ordinary character.
        #expect(try SyntaxTest.shape(#"k aa"b c"d "tab\t" """#) == #"k aa "b c" d "tab\t" """#)
    }

    @Test func bracesOnTheSameLineTheNextLineAndClosingOnOneLine() throws {
        let text = """
            global_defs {
                router_id r1
            }
            vrrp_instance VI_1
            {
                virtual_ipaddress { 10.0.0.1/24 }
                track_script {
                    chk
                } unicast_peer { 10.0.0.2 }
            }
            empty {}
            tight{a{b}}
            """
        #expect(
            try SyntaxTest.shape(text)
                == "global_defs { router_id r1 }; vrrp_instance VI_1 { virtual_ipaddress { 10.0.0.1/24 }; "
                + "track_script { chk }; unicast_peer { 10.0.0.2 } }; empty {}; tight { a { b } }")
    }

    @Test func blankLinesAndCommentsMayComeBetweenKeywordAndBrace() throws {
        #expect(try SyntaxTest.shape("k v\n\n! note\n{\n x\n}\n") == "k v { x }")
    }

    @Test func textAfterAClosingBraceIsTheNextStatement() throws {
        #expect(try SyntaxTest.shape("a {\n b } c d\ne") == "a { b }; c d; e")
    }

    @Test func newlineEndsAStatementAndCRLFIsAccepted() throws {
        #expect(try SyntaxTest.shape("a 1\r\nb 2\r\n{\r\nc\r\n}\r\n") == "a 1; b 2 { c }")
    }

    @Test func wordsKnowTheirFileLineAndColumn() throws {
        let text = "global_defs {\n\trouter_id  \"r 1\"\n}\n  vrrp_instance VI_1 { state MASTER }\n"
        let words = SyntaxTest.words(try SyntaxTest.read(text, file: "/etc/k.conf").statements)
        #expect(
            words.map(\.location.description) == [
                "/etc/k.conf:1:1", "/etc/k.conf:2:2", "/etc/k.conf:2:13",
                "/etc/k.conf:4:3", "/etc/k.conf:4:17", "/etc/k.conf:4:24", "/etc/k.conf:4:30",
            ])
    }

    @Test func emptyInputAndOnlyCommentsGiveNoStatements() throws {
        #expect(try SyntaxTest.read("").statements.isEmpty)
        #expect(try SyntaxTest.read("# nothing\n\n   \n! here").statements.isEmpty)
    }

    @Test func theWritersQuotingReadsBackAsTheSameWord() throws {
        let words = [
            "plain", "", "two words", "{", "a}b", "x#y", "bang!", "tab\tin", "$HOME/x", "${X}", "@main", "~SEQ(i,1,2)",
            "back\\slash", "10.0.0.1/24",
        ]
        for word in words {
            let text = "k " + ConfigWriter.quoted(word) + "\n"
            let statement = try #require(try SyntaxTest.read(text).statements.first, "\(text)")
            #expect(statement.arguments.map(\.text) == [word], "\(text)")
        }
        // keepalived cannot hold a double quote in a word: the writer turns it into a single quote.
        #expect(ConfigWriter.quoted(#"say "hi""#) == #""say 'hi'""#)
    }
}
