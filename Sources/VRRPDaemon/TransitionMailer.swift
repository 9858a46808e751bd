import KeepalivedConfig
import Logging
import SMTPAlert
import VRRP

/// keepalived's mail on VRRP transitions (`smtp_alert`): one per MASTER, BACKUP, FAULT or STOP
/// entered, none for a state already mailed about, none for FAULT with `no_email_faults`. The
/// mail goes out on a task of its own: a dead SMTP server costs a log line, never a transition.
struct TransitionMailer: Sendable {
    let alerter: SMTPAlerter
    let noEmailFaults: Bool
    /// `smtp_alert_vrrp`, else `smtp_alert`: for a sync group without its own `smtp_alert`.
    let vrrpDefault: Bool

    /// nil when global_defs names no SMTP server or no recipient.
    init?(_ globals: GlobalDefinitions, logger: Logger) {
        guard let settings = SMTPAlertSettings(globals) else { return nil }
        alerter = SMTPAlerter(settings: settings, logger: logger)
        noEmailFaults = globals.noEmailFaults
        vrrpDefault = globals.smtpAlertVRRP ?? globals.smtpAlert ?? false
    }

    /// The same for a sync group: `[router] VRRP Group G - Entering MASTER state`.
    func group(_ name: String, entered state: VRRPInstanceState, lastMailed: VRRPInstanceState?)
        -> Task<Void, Never>?
    {
        guard let mailState = due(state, lastMailed: lastMailed) else { return nil }
        return alerter.post(.vrrpGroup(name, entering: mailState, routerID: alerter.settings.routerID))
    }

    private func due(_ state: VRRPInstanceState, lastMailed: VRRPInstanceState?) -> AlertMessage.VRRPState? {
        guard state != lastMailed, !(state == .fault && noEmailFaults) else { return nil }
        return Self.mailState(state)
    }

    /// Mails that `instance` entered `state`, unless it is the state last mailed about (the
    /// caller keeps that, as keepalived keeps `last_email_state`). Returns the delivery, or nil
    /// when no mail is due.
    func instance(_ name: String, entered state: VRRPInstanceState, lastMailed: VRRPInstanceState?)
        -> Task<Void, Never>?
    {
        guard let mailState = due(state, lastMailed: lastMailed) else { return nil }
        return alerter.post(.vrrpInstance(name, entering: mailState, routerID: alerter.settings.routerID))
    }

    static func mailState(_ state: VRRPInstanceState) -> AlertMessage.VRRPState? {
        switch state {
        case .master: .master
        case .backup: .backup
        case .fault: .fault
        case .stop: .stop
        case .initialize: nil
        }
    }
}

extension Task where Success == Void, Failure == Never {
    /// Waits for this task, at most `limit`: a stopping daemon gives its last mail (the STOP
    /// one) a moment to leave, never a hang on a dead server.
    func finish(within limit: Duration) async {
        let (done, signal) = AsyncStream.makeStream(of: Void.self)
        Task {
            await self.value
            signal.finish()
        }
        Task {
            try? await Task<Never, Never>.sleep(for: limit)
            signal.finish()
        }
        for await _ in done {}
    }
}
