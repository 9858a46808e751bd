import DBus
import Testing

/// Pure tests: object path escaping, signatures, introspection XML.
@Suite struct Values {
    @Test(arguments: [
        "", "VI_1", "plain", "with space", "a/b", "ünïcödé", "_", "__", "10.0.0.1:80", "tab\there", "x\u{0}y",
    ])
    func objectPathLabelsRoundTrip(_ label: String) throws {
        let escaped = ObjectPath.escapeLabel(label)
        #expect(escaped.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        #expect(ObjectPath.unescapeLabel(escaped) == label)
        let path = try ObjectPath("/org/keepalive/Vrrp1/instance").appending(escaping: label)
        #expect(path.lastLabelUnescaped == label)
        #expect(try ObjectPath(path.rawValue) == path)
    }

    @Test func escapingMatchesSystemd() {
        #expect(ObjectPath.escapeLabel("") == "_")
        #expect(ObjectPath.escapeLabel("VI_1") == "VI_5f1")
        #expect(ObjectPath.escapeLabel("10.0.0.2:80") == "10_2e0_2e0_2e2_3a80")
        #expect(ObjectPath.escapeLabel("é") == "_c3_a9")
        #expect(ObjectPath.unescapeLabel("_zz") == nil)
        #expect(ObjectPath.unescapeLabel("a_4") == nil)
        #expect(ObjectPath.unescapeLabel("a-b") == nil)
    }

    @Test func signaturesParseAndPrint() throws {
        let types = try DBusType.parseSignature("a{oa{sa{sv}}}(isa(ub))vh")
        #expect(types.signature == "a{oa{sa{sv}}}(isa(ub))vh")
        #expect(
            types[0]
                == .dictionary(
                    key: .objectPath,
                    value: .dictionary(key: .string, value: .dictionary(key: .string, value: .variant))))
        for bad in ["a", "a{vs}", "(", "()", "a{sss}", "z", "a{s}", String(repeating: "a", count: 70) + "s"] {
            #expect(throws: DBusError.self, "\(bad)") { try DBusType.parseSignature(bad) }
        }
    }

    @Test func introspectionXMLIsParsed() throws {
        let parsed = try DBusIntrospection.parse(
            """
            <?xml version="1.0"?>
            <!-- a comment with <node> inside -->
            <node name="/x">
              <interface name="org.keepalive.Vrrp1.Instance">
                <method name="SetPriority"><arg name="priority" type="y" direction="in"/></method>
                <method name="Describe">
                  <arg type="s"/>
                  <arg name="text" type="a{sv}" direction="out"/>
                </method>
                <property name="State" type="s" access="read"/>
                <property name="Weight" type="i" access='readwrite'>
                  <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="false"/>
                </property>
                <signal name="StateChanged"><arg name="old" type="s"/><arg name="new" type="s"/></signal>
                <annotation name="org.example.Note" value="&lt;ok&gt; &amp; &#65;"/>
              </interface>
              <node name="child"/>
            </node>
            """)
        let interface = try #require(parsed.interface("org.keepalive.Vrrp1.Instance"))
        #expect(interface.methods["SetPriority"]?.inSignature == "y")
        #expect(interface.methods["Describe"]?.inSignature == "s")
        #expect(interface.methods["Describe"]?.outSignature == "a{sv}")
        #expect(interface.properties["State"]?.access == .read)
        #expect(interface.properties["State"]?.changeSignal == .true)
        #expect(interface.properties["Weight"]?.access == .readwrite)
        #expect(interface.properties["Weight"]?.changeSignal == .false)
        #expect(interface.signals["StateChanged"]?.signature == "ss")
        #expect(parsed.children == ["child"])
    }

    @Test(arguments: [
        "<node><interface name='a.b'></node>",
        "<node><interface name='a.b'/><node>",
        "<nodes/>",
        "<node><interface name='a.b'><property name='P' type='s'/></interface></node>",
        "<node><interface name='a.b'><property name='P' type='ss' access='read'/></interface></node>",
        "<node><interface name='a.b'><method name='M'><arg type='a{vs}'/></method></interface></node>",
        "<node><interface name='bad'/></node>",
        "<node a='1' a='2'/>",
        "<!-- never closed",
    ])
    func badIntrospectionXMLIsRefused(_ xml: String) {
        #expect(throws: DBusError.self) { try DBusIntrospection.parse(xml) }
    }

    @Test func conversions() {
        let map: [String: DBusValue] = ["a": .uint32(1)]
        #expect(DBusValue.dictionary(map).stringDictionaryValue == map)
        #expect(DBusValue.variant(.variant(.int32(3))).int32Value == 3)
        #expect(["x", "y"].dbusValue.as([String].self) == ["x", "y"])
        #expect([UInt32(1): "one"].dbusValue.signature == "a{us}")
        #expect(DBusValue.int32(1).stringValue == nil)
        #expect(
            DBusValue.zero(of: .structure([.string, .array(.byte)])) == .structure(["", .array(element: .byte, [])]))
    }
}
