import KeepalivedConfig
import Testing

@Suite struct ServerNameTests {
    @Test func namesFollowKeepalivedsLogFormat() {
        let text = """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                real_server 10.0.0.2 8080 { }
            }
            virtual_server 2001:db8::1 53 {
                protocol UDP
            }
            virtual_server fwmark 7 {
            }
            virtual_server 10.0.0.9 80 {
            }
            """
        let config = LVSText.model(text)
        let names = config.virtualServers.map(\.displayName)
        #expect(names == ["[10.0.0.1]:80", "[2001:db8::1]:53/udp", "FWM 7", "[10.0.0.9]:80/udp"])
        #expect(config.virtualServers[0].realServers[0].displayName == "[10.0.0.2]:8080")
    }
}
