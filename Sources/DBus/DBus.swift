// The DBus module: keepalive's D-Bus layer over libdbus-1. Nothing it exports mentions a C type.
//
// Serving (a daemon):
//
//     let bus = try await DBusConnection.systemBus()
//     await bus.addObjectManager(at: root)
//     var instance = try DBusObject(path: root.appending(escaping: name), introspectionXML: xml)
//     try instance.setProperty("org.keepalive.Vrrp1.Instance", "State", "BACKUP")
//     try instance.onMethod("org.keepalive.Vrrp1.Instance", "SetPriority") { call in
//         try await PolkitAuthority(connection: bus).authorize(call.caller, action: "org.keepalive.vrrp.manage")
//         ...
//         return []
//     }
//     let exported = try await bus.export(instance)
//     try await bus.requestName("org.keepalive.Vrrp1")    // after exporting, so callers find objects
//     try exported.updateProperties("org.keepalive.Vrrp1.Instance", ["State": "MASTER", "LastReason": "..."])
//     try exported.emitSignal("org.keepalive.Vrrp1.Instance", "StateChanged", ["BACKUP", "MASTER", "..."])
//
// Following another daemon (a client):
//
//     let owners = try await bus.nameOwnerChanges(of: "org.keepalive.Check1")
//     let changes = try await bus.propertiesChanges(sender: "org.keepalive.Check1", interface: "org.keepalive.Check1.Script")
//     let objects = try await bus.managedObjects(destination: "org.keepalive.Check1", path: checkRoot)
//     for try await change in changes { ... }
//
// Threading: see `DBusConnection`. Errors: every failure is a `DBusError` (name + message).
