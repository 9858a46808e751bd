import Testing

/// Every test that starts a private bus runs in this suite, one at a time: the machine is small
/// and the RSS check must not see other tests' allocations.
@Suite(.serialized) struct BusTests {}
