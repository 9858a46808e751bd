/// One live subscription. Queue-confined.
struct SignalSubscriptionState {
    let rule: DBusMatchRule
    let continuation: AsyncThrowingStream<DBusSignal, any Error>.Continuation
}

/// The owner of a well-known name that subscriptions use as sender. Queue-confined.
struct NameOwnerTracking {
    var owner: String?
    var users: Int
}

extension DBusConnection {
    /// Subscribes to signals matching `rule`. The match is active on the bus when this returns,
    /// so no signal sent afterwards is missed.
    ///
    /// - Throws: `DBusError` for an invalid rule, or the bus's refusal of `AddMatch`.
    public func signals(matching rule: DBusMatchRule) async throws -> DBusSignalStream<DBusSignal> {
        try await subscribe(rule) { $0 }
    }

    /// Follows `PropertiesChanged` from `sender` (a well-known or unique name), optionally only
    /// for one interface and below one path.
    public func propertiesChanges(
        sender: String, interface: String? = nil, pathNamespace: ObjectPath? = nil
    ) async throws -> DBusSignalStream<DBusPropertiesChange> {
        let rule = DBusMatchRule(
            sender: sender, pathNamespace: pathNamespace, interface: DBusConnection.propertiesInterface,
            member: "PropertiesChanged", arg0: interface)
        return try await subscribe(rule) { signal in
            let args = signal.arguments
            guard args.count == 3, let interface = args[0].stringValue,
                let changed = args[1].stringDictionaryValue, let invalidated = args[2].as([String].self)
            else { return nil }
            return DBusPropertiesChange(
                sender: signal.sender, path: signal.path, interface: interface, changed: changed,
                invalidated: invalidated)
        }
    }

    /// Follows the owner of a bus name (`NameOwnerChanged`): appearing, vanishing, changing hands.
    /// Combine with `nameOwner(of:)` for the owner at the start.
    public func nameOwnerChanges(of name: String) async throws -> DBusSignalStream<DBusNameOwnerChange> {
        let rule = DBusMatchRule(
            sender: DBusConnection.busName, path: DBusConnection.busPath, interface: DBusConnection.busName,
            member: "NameOwnerChanged", arg0: name)
        return try await subscribe(rule) { signal in
            let args = signal.arguments.compactMap(\.stringValue)
            guard args.count == 3 else { return nil }
            return DBusNameOwnerChange(
                name: args[0], oldOwner: args[1].isEmpty ? nil : args[1], newOwner: args[2].isEmpty ? nil : args[2])
        }
    }

    /// Follows `InterfacesAdded`/`InterfacesRemoved` from the object manager at `path` of `sender`.
    /// Combine with `managedObjects(destination:path:)` for the objects at the start.
    public func objectManagerEvents(
        sender: String, path: ObjectPath
    ) async throws -> DBusSignalStream<DBusObjectManagerEvent> {
        let rule = DBusMatchRule(sender: sender, path: path, interface: DBusConnection.objectManagerInterface)
        return try await subscribe(rule) { signal in
            let args = signal.arguments
            guard args.count == 2, let object = args[0].objectPathValue else { return nil }
            switch signal.member {
            case "InterfacesAdded":
                return DBusConnection.decodeInterfaces(args[1]).map { .added(object, $0) }
            case "InterfacesRemoved":
                return args[1].as([String].self).map { .removed(object, $0) }
            default:
                return nil
            }
        }
    }

    func subscribe<Element: Sendable>(
        _ rule: DBusMatchRule, transform: @escaping @Sendable (DBusSignal) -> Element?
    ) async throws -> DBusSignalStream<Element> {
        try rule.validate()
        if let name = rule.wellKnownSender { try await trackOwner(of: name) }
        let (stream, continuation) = AsyncThrowingStream<DBusSignal, any Error>.makeStream()
        let id: UInt64 = await onQueue {
            self.nextSubscriptionID += 1
            let id = self.nextSubscriptionID
            if self.isClosed {
                continuation.finish(throwing: DBusError.disconnected("the connection to the bus is closed"))
            } else {
                self.subscriptions[id] = SignalSubscriptionState(rule: rule, continuation: continuation)
            }
            return id
        }
        let token = SubscriptionToken(id: id, connection: self)
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        _ = try await callBus("AddMatch", [.string(rule.text)])
        return DBusSignalStream(base: stream, token: token, transform: transform)
    }

    /// Ends a subscription and removes its bus match; safe to call more than once.
    func unsubscribe(_ id: UInt64) {
        queue.async {
            guard let subscription = self.subscriptions.removeValue(forKey: id) else { return }
            subscription.continuation.finish()
            self.removeMatch(subscription.rule.text)
            if let name = subscription.rule.wellKnownSender { self.untrackOwner(of: name) }
        }
    }

    /// On `queue`: sends `RemoveMatch` without waiting for its reply.
    private func removeMatch(_ text: String) {
        guard !isClosed,
            let message = try? Message.methodCall(
                destination: DBusConnection.busName, path: DBusConnection.busPath,
                interface: DBusConnection.busName, member: "RemoveMatch"),
            (try? message.append([.string(text)])) != nil
        else { return }
        message.noReplyExpected = true
        send(message)
    }

    private func ownerRule(_ name: String) -> String {
        DBusMatchRule(
            sender: DBusConnection.busName, path: DBusConnection.busPath, interface: DBusConnection.busName,
            member: "NameOwnerChanged", arg0: name
        ).text
    }

    /// Starts (or shares) tracking of a well-known name's owner, current before it returns.
    private func trackOwner(of name: String) async throws {
        let first: Bool = await onQueue {
            if var tracking = self.nameOwners[name] {
                tracking.users += 1
                self.nameOwners[name] = tracking
                return false
            }
            self.nameOwners[name] = NameOwnerTracking(owner: nil, users: 1)
            return true
        }
        guard first else { return }
        do {
            _ = try await callBus("AddMatch", [.string(ownerRule(name))])
            let owner = try await nameOwner(of: name)
            queue.async {
                guard var tracking = self.nameOwners[name], tracking.owner == nil else { return }
                tracking.owner = owner
                self.nameOwners[name] = tracking
            }
        } catch {
            queue.async { self.untrackOwner(of: name) }
            throw error
        }
    }

    /// On `queue`.
    private func untrackOwner(of name: String) {
        guard var tracking = nameOwners[name] else { return }
        tracking.users -= 1
        if tracking.users > 0 {
            nameOwners[name] = tracking
        } else {
            nameOwners[name] = nil
            removeMatch(ownerRule(name))
        }
    }

    /// On `queue`: hands a signal to every subscription whose rule matches it.
    func deliverSignal(_ message: Message) {
        let sender = message.sender
        let path = message.path
        let interface = message.interface
        let member = message.member
        var arguments: [DBusValue]?
        if sender == DBusConnection.busName, member == "NameOwnerChanged" {
            arguments = message.arguments()
            let names = arguments!.compactMap(\.stringValue)
            if names.count == 3, var tracking = nameOwners[names[0]] {
                tracking.owner = names[2].isEmpty ? nil : names[2]
                nameOwners[names[0]] = tracking
            }
        }
        for subscription in subscriptions.values {
            let rule = subscription.rule
            let owner = rule.wellKnownSender.flatMap { nameOwners[$0]?.owner }
            guard
                rule.matchesHeader(
                    sender: sender, senderOwner: owner, path: path, interface: interface, member: member)
            else { continue }
            let args = arguments ?? message.arguments()
            arguments = args
            if let arg0 = rule.arg0, args.first?.stringValue != arg0 { continue }
            subscription.continuation.yield(
                DBusSignal(
                    sender: sender ?? "", path: ObjectPath(unchecked: path ?? "/"), interface: interface ?? "",
                    member: member ?? "", arguments: args))
        }
    }

    /// Runs `body` on the connection queue and returns its result.
    func onQueue<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }
}
