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

    /// nil when global_defs names no SMTP server or no recipient.
    init?(_ globals: GlobalDefinitions, logger: Logger) {
        guard let settings = SMTPAlertSettings(globals) else { return nil }
        alerter = SMTPAlerter(settings: settings, logger: logger)
        noEmailFaults = globals.noEmailFaults
    }

    /// Mails that `instance` entered `state`, unless it is the state last mailed about (the
    /// caller keeps that, as keepalived keeps `last_email_state`). Returns the state mailed.
    func instance(_ name: String, entered state: VRRPInstanceState, lastMailed: VRRPInstanceState?)
        -> VRRPInstanceState?
    {
        guard state != lastMailed, let mailState = Self.mailState(state) else { return lastMailed }
        if state == .fault && noEmailFaults { return lastMailed }
        alerter.post(.vrrpInstance(name, entering: mailState, routerID: alerter.settings.routerID))
        return state
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
