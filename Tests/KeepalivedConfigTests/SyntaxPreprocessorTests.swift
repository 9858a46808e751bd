import Foundation
import Testing

@testable import KeepalivedConfig

@Suite("Syntax: parameters, conditionals and repetitions")
struct SyntaxPreprocessorTests {
    @Test func parametersAreSubstitutedWhereUsed() throws {
        let text = """
            $PRIO=150
            $IF=eth0
              $BASE=10.2.${SUB}
            $SUB=0
            k1 $PRIO
            k2 ${IF}.5 pre$IF
            k3 ${BASE}.100/32
            $SUB=10
            k4 ${BASE}.100/32
            k5 $PRIO:
            """
        #expect(
            try SyntaxTest.shape(text) == "k1 150; k2 eth0.5 preeth0; k3 10.2.0.100/32; k4 10.2.10.100/32; k5 $PRIO:")
    }

    @Test func predefinedParameters() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("k.conf", #"a ${_INSTANCE} "${_HASH}${_BANG}" ${_RANDOM 7 7}"# + "\nb ${_PWD}\n")
        let statements = try SyntaxReader(configID: "node1").read(file: file).statements
        let directory = try #require(SourceFiles.realPath(scratch.path))
        #expect(SyntaxTest.shape(statements) == ##"a node1 "#!" 7; b "## + directory)
    }

    @Test func valueMayHoldWordsBracesAndAConditional() throws {
        let text = """
            $BLOCK=inner { x }
            $IF_MAIN=@main
            outer { $BLOCK }
            $IF_MAIN priority 240
            """
        #expect(try SyntaxTest.shape(text, id: "main") == "outer { inner { x } }; priority 240")
        #expect(try SyntaxTest.shape(text, id: "backup") == "outer { inner { x } }")
    }

    @Test func multiLineDefinitionsNestAndApplyConditionalsPerLine() throws {
        let text = #"""
            $RSB= \
            real_server 192.168.${VS}.${RS} 80 { \
                weight 1 \
                @high priority 130 \
            }
            $VSB= \
            virtual_server 10.0.${VS}.4 80 { \
                $RS=1 \
                $RSB \
                $RS=2 \
                $RSB \
            }
            $VS=0
            $VSB
            """#
        let high = try SyntaxTest.shape(text, id: "high")
        #expect(
            high
                == "virtual_server 10.0.0.4 80 { real_server 192.168.0.1 80 { weight 1; priority 130 }; "
                + "real_server 192.168.0.2 80 { weight 1; priority 130 } }")
        #expect(try SyntaxTest.shape(text, id: "low").contains("priority") == false)
    }

    @Test func wordsFromAParameterPointAtTheUse() throws {
        let text = "$ADDR=10.0.0.1 dev eth0\n$M= \\\n  one a \\\n  two b\nvip   $ADDR\n  $M\n"
        let words = SyntaxTest.words(try SyntaxTest.read(text, file: "m.conf").statements)
        #expect(words.map(\.text) == ["vip", "10.0.0.1", "dev", "eth0", "one", "a", "two", "b"])
        #expect(
            words.map(\.location.description) == [
                "m.conf:5:1", "m.conf:5:7", "m.conf:5:7", "m.conf:5:7",
                "m.conf:6:3", "m.conf:6:3", "m.conf:6:3", "m.conf:6:3",
            ])
    }

    @Test func undefinedParameterOutsideQuotesIsAnError() throws {
        let errors = SyntaxTest.errors("a 1\npriority  $PRIO\nb ${NOPE}x", file: "u.conf")
        #expect(errors.map(\.location.description) == ["u.conf:2:11", "u.conf:3:3"])
        #expect(errors.allSatisfy { $0.message.contains("undefined parameter") })
        #expect(errors[0].message.contains("'PRIO'") && errors[1].message.contains("'NOPE'"))
    }

    @Test func dollarTextThatIsNotAParameterUseStays() throws {
        // Inside quotes an undefined name stays as written (shell variables in scripts); `$1`,
        // `$X}` and a lone `$` are never parameter uses.
        let parsed = try SyntaxTest.read(#"script "kill -0 $PID" $1 a$ $X:"#)
        #expect(SyntaxTest.shape(parsed.statements) == #"script "kill -0 $PID" $1 a$ $X:"#)
        #expect(parsed.diagnostics.isEmpty)
    }

    @Test func selfReferenceIsAnErrorNotAHang() throws {
        let errors = SyntaxTest.errors("$LOOP=x $LOOP\na $LOOP\n$ML= \\\n $ML\n$ML\n")
        #expect(errors.count == 2)
        #expect(errors.allSatisfy { $0.message.contains("itself") })
    }

    @Test func exponentialParametersAreRefusedQuickly() {
        var text = "$P0=x\n"
        for level in 1...30 { text += "$P\(level)=$P\(level - 1) $P\(level - 1)\n" }
        text += "a $P30\n"
        let errors = SyntaxTest.errors(text, file: "x.conf")
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("longer than 64 KiB") == true)
        #expect(errors.first?.location.description == "x.conf:32:3")
    }

    @Test func conditionalLinesFollowTheConfigID() throws {
        let text = """
            global_defs {
                @main   router_id main_router
                @backup router_id backup_router
                @mainx  router_id never
            }
            unicast_peer {
                @^main    1.2.3.4
                @^backup  1.2.3.5
            }
            @main $PRIORITY=240
            @backup $PRIORITY=200
            priority $PRIORITY
            """
        #expect(
            try SyntaxTest.shape(text, id: "main")
                == "global_defs { router_id main_router }; unicast_peer { 1.2.3.5 }; priority 240")
        #expect(
            try SyntaxTest.shape(text, id: "backup")
                == "global_defs { router_id backup_router }; unicast_peer { 1.2.3.4 }; priority 200")
    }

    @Test func sequencesInAllForms() throws {
        let text = """
            ~SEQ(i, 1, 3) a$i
            ~SEQ(n, 2) b$n
            ~SEQ(m, -2) c$m
            ~SEQ(j, 5, -2, 1) d${j}x
            ~SEQx(h, 0x90, 0x10, 0xc0) e::${h}
            ~SEQ(o, 010) ~SEQ(p, 0, 0) f${o}.$p
            """
        let shape = try SyntaxTest.shape(text)
        #expect(
            shape
                == "a1; a2; a3; b1; b2; c-1; c-2; d5x; d3x; d1x; e::90; e::a0; e::b0; e::c0; "
                + (1...8).map { "f\($0).0" }.joined(separator: "; "))
    }

    @Test func listsWithOneOrSeveralVariables() throws {
        let text = """
            ~LST(v, a, b) l$v
            ~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(IP2,168,2,170) 192.${IP2}.${IP}.${IP1}
            """
        #expect(
            try SyntaxTest.shape(text)
                == "la; lb; 192.168.10.1; 192.170.10.1; 192.168.20.4; 192.170.20.4")
    }

    @Test func repetitionExpandsTheRestOfTheLineOnlyAndWordsKeepColumns() throws {
        let text = "vips {\n  ~SEQ(i,1,2) 10.0.0.$i dev eth$i\n}\n"
        let parsed = try SyntaxTest.read(text, file: "s.conf")
        #expect(SyntaxTest.shape(parsed.statements) == "vips { 10.0.0.1 dev eth1; 10.0.0.2 dev eth2 }")
        let words = SyntaxTest.words(parsed.statements).dropFirst()
        #expect(
            words.map(\.location.description)
                == Array(repeating: ["s.conf:2:15", "s.conf:2:25", "s.conf:2:29"], count: 2).flatMap { $0 })
    }

    @Test func aParameterMayHoldARepetitionAndItsBoundsMayBeParameters() throws {
        let text = "$N=3\n$S=~SEQ(k,1,2) s$k\n~SEQ(i,1,${N}) a$i\n~LST(v,$N,x) l$v\n$S"
        #expect(try SyntaxTest.shape(text) == "a1; a2; a3; l3; lx; s1; s2")
        // A name the repetition does not define is still one error, not one per value.
        let errors = SyntaxTest.errors("$S=~SEQ(k,1,3) s$q\n$S\n", file: "q.conf")
        #expect(errors.map(\.location.description) == ["q.conf:2:1"])
    }

    @Test func invalidRepetitionsAreErrors() throws {
        for bad in ["~SEQ(w,1,0,2) x", "~SEQ(w) x", "~LST(v) x", "~LST(v,a b) x", "~SEQ(1x,3) x", "~SEQ(i,1,3 x"] {
            let errors = SyntaxTest.errors("ok\n  \(bad)\n", file: "r.conf")
            #expect(errors.count == 1, "\(bad)")
            #expect(errors.first?.location.description == "r.conf:2:3", "\(bad)")
        }
        // Not at the start of a line, or not one of the three forms: just words.
        #expect(try SyntaxTest.shape("x ~SEQ(y,1,2) y\n~BAD(v,1) b") == "x ~SEQ(y,1,2) y; ~BAD(v,1) b")
    }

    @Test func aRepetitionDoesNotRepeatTheBlockOnTheFollowingLines() {
        // keepalived repeats only the rest of the line: `k1 {` and `k2 {` open two blocks and the
        // single `}` closes one of them.
        let errors = SyntaxTest.errors("~SEQ(i,1,2) k$i {\n  x\n}\n", file: "b.conf")
        #expect(errors.count == 1)
        #expect(errors.first?.location.description == "b.conf:1:17")
        #expect(errors.first?.message.contains("'k1' is never closed") == true)
    }

    @Test func withoutAConfigIDTheShortHostNameSelectsConditionals() throws {
        let host = ProcessInfo.processInfo.hostName.prefix { $0 != "." }
        let parsed = try SyntaxReader().read(text: "@\(host) mine\n@^\(host) theirs\n", file: "h.conf")
        #expect(SyntaxTest.shape(parsed.statements) == "mine")
    }

    @Test func anUndefinedBracedNameInQuotesIsKeptWithAWarning() throws {
        let parsed = try SyntaxTest.read("script \"echo ${HOME}\"\n", file: "w.conf")
        #expect(SyntaxTest.shape(parsed.statements) == #"script "echo ${HOME}""#)
        #expect(parsed.diagnostics.map(\.severity) == [.warning])
        #expect(parsed.diagnostics.first?.location.description == "w.conf:1:14")
    }
}
