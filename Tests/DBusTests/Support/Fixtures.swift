import DBus

/// Test-only introspection XML: one interface using every argument shape the tests need.
enum Fixtures {
    static let busName = "org.keepalive.Test1"
    static let interface = "org.keepalive.Test1"
    static let root = try! ObjectPath("/org/keepalive/Test1")
    /// The item's name needs escaping: `VI_1` becomes `VI_5f1`.
    static let itemPath = try! ObjectPath("/org/keepalive/Test1/item").appending(escaping: "VI_1")

    static let xml = """
        <!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
        <!-- Test-only interface: arguments of every shape, properties, a signal. -->
        <node>
          <interface name="org.keepalive.Test1">
            <method name="Add">
              <arg name="a" type="i" direction="in"/>
              <arg name="b" type="i" direction="in"/>
              <arg name="sum" type="i" direction="out"/>
            </method>
            <method name="Greet">
              <arg name="who" type="s" direction="in"/>
              <arg name="greeting" type="s" direction="out"/>
            </method>
            <method name="Echo">
              <arg name="value" type="v" direction="in"/>
              <arg name="same" type="v" direction="out"/>
            </method>
            <method name="EchoAll">
              <arg type="y" direction="in"/>
              <arg type="b" direction="in"/>
              <arg type="n" direction="in"/>
              <arg type="q" direction="in"/>
              <arg type="i" direction="in"/>
              <arg type="u" direction="in"/>
              <arg type="x" direction="in"/>
              <arg type="t" direction="in"/>
              <arg type="d" direction="in"/>
              <arg type="s" direction="in"/>
              <arg type="o" direction="in"/>
              <arg type="g" direction="in"/>
              <arg type="a{sv}" direction="in"/>
              <arg type="a{oa{sa{sv}}}" direction="in"/>
              <arg type="(isas(ub))" direction="in"/>
              <arg type="ad" direction="in"/>
              <arg type="ay" direction="in"/>
              <arg type="a{ua{ss}}" direction="in"/>
              <arg type="av" direction="in"/>
              <arg type="y" direction="out"/>
              <arg type="b" direction="out"/>
              <arg type="n" direction="out"/>
              <arg type="q" direction="out"/>
              <arg type="i" direction="out"/>
              <arg type="u" direction="out"/>
              <arg type="x" direction="out"/>
              <arg type="t" direction="out"/>
              <arg type="d" direction="out"/>
              <arg type="s" direction="out"/>
              <arg type="o" direction="out"/>
              <arg type="g" direction="out"/>
              <arg type="a{sv}" direction="out"/>
              <arg type="a{oa{sa{sv}}}" direction="out"/>
              <arg type="(isas(ub))" direction="out"/>
              <arg type="ad" direction="out"/>
              <arg type="ay" direction="out"/>
              <arg type="a{ua{ss}}" direction="out"/>
              <arg type="av" direction="out"/>
            </method>
            <method name="Fail"/>
            <method name="Manage">
              <arg name="who" type="s" direction="out"/>
            </method>
            <property name="Name" type="s" access="read"/>
            <property name="Count" type="u" access="read"/>
            <property name="Priority" type="y" access="readwrite"/>
            <property name="Tags" type="as" access="read">
              <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="invalidates"/>
            </property>
            <signal name="StateChanged">
              <arg name="old" type="s"/>
              <arg name="new" type="s"/>
              <arg name="reason" type="s"/>
            </signal>
          </interface>
        </node>

        """
}
