import Testing

/// Every test that runs real vrrpd processes in namespaces, one at a time: they share two
/// cores with each other, keepalived and the bus daemons, and 0.1 s adverts leave little slack.
@Suite(.serialized) struct VRRPDaemonIntegrationTests {}
