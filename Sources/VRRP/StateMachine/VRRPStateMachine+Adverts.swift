/// Received advertisements (RFC 5798 §6.4.2 and §6.4.3, with keepalived's choices).
extension VRRPStateMachine {
    /// Handles an advert for this virtual router that the codec has already validated.
    ///
    /// BACKUP: priority 0 → the master-down timer is set to Skew_Time. An advert is accepted
    /// (the master-down timer restarts, v3 learns Master_Adver_Interval) when preemption is off
    /// (`nopreempt`, or held after `Switchover`), its priority is ≥ ours, or a `preempt_delay`
    /// is running; the delay starts at the first lower-priority advert seen in BACKUP. A lower
    /// priority advert otherwise is discarded, so the timer runs out and we preempt.
    ///
    /// MASTER: priority 0 → send an advert at once. Higher priority, or equal priority from a
    /// higher primary address → BACKUP. Lower priority, or equal from a lower address → send
    /// an advert at once to force a new election (keepalived), staying MASTER.
    ///
    /// v2: an advert whose interval differs from `advert_int` is dropped (RFC 3768 §7.1).
    public mutating func receiveAdvert(_ advert: VRRPReceivedAdvert, now: VRRPInstant) -> [VRRPAction] {
        guard state == .backup || state == .master else { return [] }
        if configuration.version == .v2 && advert.advertInterval != configuration.advertInterval {
            let mine = configuration.advertInterval.centiseconds / 100
            let theirs = advert.advertInterval.centiseconds / 100
            return [.log("\(logPrefix) advertisement interval mismatch mine=\(mine) sec rcv'd=\(theirs) sec")]
        }
        var actions: [VRRPAction] = []
        if state == .backup {
            backupReceives(advert, now: now, into: &actions)
        } else {
            masterReceives(advert, now: now, into: &actions)
        }
        return actions
    }

    private mutating func backupReceives(
        _ advert: VRRPReceivedAdvert, now: VRRPInstant, into actions: inout [VRRPAction]
    ) {
        if advert.priority == 0 {
            masterDownReason = "master \(advert.sender) resigned (priority 0)"
            arm(.masterDown, at: now + skewTime, into: &actions)
            return
        }
        let delayRunning =
            configuration.preemptDelay > .zero && (preemptDeadline.map { now < $0 } ?? true)
        let accept =
            !configuration.preempt || holdsBackupAfterSwitchover
            || advert.priority >= effectivePriority || delayRunning
        masterAddress = advert.sender
        masterPriority = advert.priority
        guard accept else {
            masterDownReason = "preempted lower priority master \(advert.sender)"
            actions.append(
                .log(
                    "\(logPrefix) received lower priority (\(advert.priority)) advert from \(advert.sender) - discarding"
                ))
            return
        }
        learnAdvertInterval(from: advert, into: &actions)
        if configuration.preemptDelay > .zero {
            if advert.priority >= effectivePriority {
                preemptDeadline = nil
            } else if preemptDeadline == nil {
                preemptDeadline = now + configuration.preemptDelay
                actions.append(.log("\(logPrefix) start preempt delay (\(configuration.preemptDelay))"))
            }
        }
        masterDownReason = "master down timer expired"
        arm(.masterDown, at: now + masterDownInterval, into: &actions)
    }

    private mutating func masterReceives(
        _ advert: VRRPReceivedAdvert, now: VRRPInstant, into actions: inout [VRRPAction]
    ) {
        if isHandingOver {
            // Any live master's advert completes a switchover: only now do the addresses go.
            guard advert.priority > 0 else { return }
            isHandingOver = false
            actions.append(.log("\(logPrefix) switchover: \(advert.sender) is the new master"))
            learnAdvertInterval(from: advert, into: &actions)
            enterBackup(now: now, reason: "switchover requested", downTimer: masterDownInterval, into: &actions)
            masterAddress = advert.sender
            masterPriority = advert.priority
            return
        }
        if advert.priority == 0 {
            actions.append(.sendAdvert(priority: effectivePriority))
            return
        }
        let ours = configuration.primaryAddress
        let higher =
            advert.priority > effectivePriority || (advert.priority == effectivePriority && advert.sender > ours)
        let lower =
            advert.priority < effectivePriority || (advert.priority == effectivePriority && advert.sender < ours)
        if higher {
            let reason: String
            if advert.priority > effectivePriority {
                actions.append(.log("\(logPrefix) Received higher prio advert"))
                reason = "higher priority \(advert.priority) advert from \(advert.sender)"
            } else {
                actions.append(.log("\(logPrefix) Received equal prio advert from higher address \(advert.sender)"))
                reason = "equal priority advert from higher address \(advert.sender)"
            }
            if configuration.advertPolicy.higherPrioritySendAdvert {
                actions.append(.sendAdvert(priority: effectivePriority))
            }
            learnAdvertInterval(from: advert, into: &actions)
            enterBackup(now: now, reason: reason, downTimer: masterDownInterval, into: &actions)
            masterAddress = advert.sender
            masterPriority = advert.priority
        } else if lower {
            lowerPriorityAdvertAsMaster(from: advert, into: &actions)
        } else {
            actions.append(
                .log("\(logPrefix) WARNING - equal priority advert received from remote host with our IP address."))
        }
    }

    /// A MASTER hearing a lower priority router (keepalived): advertise at once to force a new
    /// election unless `lower_prio_no_advert`, and refresh the neighbours' ARP caches with
    /// `garp_lower_prio_repeat` gratuitous ARPs.
    private func lowerPriorityAdvertAsMaster(from advert: VRRPReceivedAdvert, into actions: inout [VRRPAction]) {
        let policy = configuration.advertPolicy
        if policy.lowerPriorityNoAdvert {
            actions.append(
                .log(
                    "\(logPrefix) Received advert from \(advert.sender) with lower priority \(advert.priority), ours \(effectivePriority)"
                ))
        } else {
            actions.append(.log("\(logPrefix) Received lower prio advert, forcing new election"))
            actions.append(.sendAdvert(priority: effectivePriority))
        }
        if policy.lowerPriorityGARPRepeat > 0 {
            actions.append(
                .sendGratuitousARPBurst(
                    count: policy.lowerPriorityGARPRepeat, secondBurstAfter: policy.lowerPriorityGARPDelay))
        }
    }

    /// v3 only: Master_Adver_Interval follows the master's advertised interval.
    private mutating func learnAdvertInterval(from advert: VRRPReceivedAdvert, into actions: inout [VRRPAction]) {
        guard configuration.version == .v3, advert.advertInterval != masterAdvertInterval,
            advert.advertInterval > .zero
        else { return }
        actions.append(
            .log(
                "\(logPrefix) advertisement interval updated from \(masterAdvertInterval) to \(advert.advertInterval) by master"
            ))
        masterAdvertInterval = advert.advertInterval
    }
}
