// The Systemd module: everything a keepalive daemon needs from systemd, with no C type in sight.
//
// How a daemon wires it (DaemonKit does this once for vrrpd, checkd and ipvsd):
//
//     SystemdLogging.bootstrap()                      // journal fields under systemd, stderr lines otherwise
//     let signals = try await DaemonSignals(logger: logger)   // before anything can send SIGHUP
//     let heartbeat = Heartbeat()                      // the event loop calls heartbeat.beat() every turn
//     let notifier = ServiceNotifier()
//     try await withThrowingTaskGroup(of: Void.self) { group in
//         if let pinger = try WatchdogPinger.fromEnvironment(heartbeat: heartbeat) {
//             group.addTask { await pinger.run() }   // pings only while the loop beats
//         }
//         // ... load config, own the bus name, start the loop ...
//         try notifier.ready(status: "Running")
//         for await event in signals {
//             switch event {
//             case .reload:
//                 try notifier.reloading(status: "Reloading")
//                 // ... reload ...
//                 try notifier.ready(status: "Running")
//             case .stop:
//                 try notifier.stopping()
//                 group.cancelAll()
//                 return
//             }
//         }
//     }
