#if canImport(Glibc)
    import Glibc
#endif

/// Every check in flight holds a socket: 10,000 real servers need more descriptors than the
/// usual soft limit of 1,024, and running out takes libdispatch (and checkd) down with it.
enum DescriptorLimit {
    /// Raises the soft limit of open files to the hard limit; returns the limit now in force.
    @discardableResult
    static func raiseToHardLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return UInt64(raised.rlim_cur) }
        }
        return UInt64(limit.rlim_cur)
    }
}
