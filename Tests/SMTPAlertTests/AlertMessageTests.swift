import KeepalivedConfig
import Testing

@testable import SMTPAlert

@Suite("Alert texts and settings")
struct AlertMessageTests {
    @Test func instanceTransitionsUseKeepalivedTexts() {
        let master = AlertMessage.vrrpInstance("VI_1", entering: .master, routerID: "lb1")
        #expect(master.subject == "[lb1] VRRP Instance VI_1 - Entering MASTER state")
        #expect(master.body == "=> VRRP Instance is now owning VRRP VIPs <=")
        let backup = AlertMessage.vrrpInstance("VI_1", entering: .backup, routerID: "lb1")
        #expect(backup.subject == "[lb1] VRRP Instance VI_1 - Entering BACKUP state")
        #expect(backup.body == "=> VRRP Instance is no longer owning VRRP VIPs <=")
        let fault = AlertMessage.vrrpInstance("VI_1", entering: .fault, routerID: "lb1")
        #expect(fault.subject == "[lb1] VRRP Instance VI_1 - Entering FAULT state")
        let stop = AlertMessage.vrrpInstance("VI_1", entering: .stop, routerID: "lb1")
        #expect(stop.subject == "[lb1] VRRP Instance VI_1 - Stopping")
        #expect(stop.body == "=> VRRP Instance stopping <=")
    }

    @Test func groupAndServerSubjects() {
        let group = AlertMessage.vrrpGroup("G1", entering: .backup, routerID: "lb1")
        #expect(group.subject == "[lb1] VRRP Group G1 - Entering BACKUP state")
        #expect(group.body == "=> All VRRP group instances are now in BACKUP state <=")
        let server = AlertMessage.realServer(
            "[10.0.0.2]:80", of: "[10.0.0.1]:80", isUp: false,
            body: "=> CHECK failed on service : connection error <=", routerID: "lb1")
        #expect(server.subject == "[lb1] Realserver [10.0.0.2]:80 of virtual server [10.0.0.1]:80 - DOWN")
    }

    @Test func renderedMailHasKeepalivedHeadersAndStuffsDots() {
        let message = AlertMessage(subject: "two\nlines", body: "first\n.hidden\nlast")
        let text = message.rendered(from: "ka@lb1", to: ["a@x", "b@x"], date: "Sun, 22 Nov 2026 23:00:00 +0000")
        #expect(
            text == "Date: Sun, 22 Nov 2026 23:00:00 +0000\r\nFrom: ka@lb1\r\nSubject: two lines\r\n"
                + "X-Mailer: Keepalived\r\nTo: a@x, b@x\r\n\r\nfirst\r\n..hidden\r\nlast\r\n\r\n.\r\n")
    }

    @Test func dateHeaderIsRFC5322() {
        let parts = AlertMessage.dateHeader(86_400 * 365).split(separator: " ")
        #expect(parts.count == 6)
        #expect(parts[0].hasSuffix(","))
        #expect(parts[3] == "1971" || parts[3] == "1970")
        #expect(parts[5].count == 5 && (parts[5].first == "+" || parts[5].first == "-"))
    }

    @Test func settingsComeFromGlobalDefsWithKeepalivedDefaults() throws {
        let text = """
            global_defs {
                notification_email {
                    ops@example.com
                    oncall@example.com
                }
                smtp_server 192.0.2.25 2525
                smtp_connect_timeout 7
            }
            """
        let global = try ConfigLoader().load(text: text).configuration.globalDefinitions
        let settings = try #require(SMTPAlertSettings(global, hostName: "lb1"))
        #expect(settings.host == "192.0.2.25")
        #expect(settings.port == 2525)
        #expect(settings.recipients == ["ops@example.com", "oncall@example.com"])
        #expect(settings.from == "keepalived@lb1")
        #expect(settings.heloName == "lb1")
        #expect(settings.routerID == "lb1")
        #expect(settings.timeout == .seconds(7))
        #expect(settings.serverDescription == "[192.0.2.25]:2525")
    }

    @Test func noServerOrNoRecipientMeansNoMail() throws {
        let noServer = try ConfigLoader().load(text: "global_defs {\n notification_email {\n a@b\n }\n}\n")
        #expect(SMTPAlertSettings(noServer.configuration.globalDefinitions) == nil)
        let noRecipient = try ConfigLoader().load(text: "global_defs {\n smtp_server 127.0.0.1\n}\n")
        #expect(SMTPAlertSettings(noRecipient.configuration.globalDefinitions) == nil)
    }

    @Test func smtpAlertDefaultsFollowKeepalived() {
        var global = GlobalDefinitions()
        #expect(!SMTPAlertScope.vrrp.isEnabled(nil, in: global))
        global.smtpAlert = true
        #expect(SMTPAlertScope.vrrp.isEnabled(nil, in: global))
        global.smtpAlertVRRP = false
        #expect(!SMTPAlertScope.vrrp.isEnabled(nil, in: global))
        #expect(SMTPAlertScope.checker.isEnabled(nil, in: global))
        #expect(SMTPAlertScope.vrrp.isEnabled(true, in: global))
    }

    @Test func replyLinesParse() throws {
        let final = try #require(SMTPReply.parse("250 OK"))
        #expect(final.reply.code == 250 && final.isFinal)
        let more = try #require(SMTPReply.parse("250-PIPELINING"))
        #expect(more.reply.code == 250 && !more.isFinal)
        #expect(SMTPReply.parse("hello") == nil)
        #expect(SMTPReply.parse("25") == nil)
    }
}
