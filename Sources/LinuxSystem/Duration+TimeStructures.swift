#if canImport(Glibc)
public import Glibc
#endif

extension timeval {
    /// `duration` as whole seconds and microseconds, the form `SO_RCVTIMEO` takes.
    public init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}

extension timespec {
    /// `duration` as whole seconds and nanoseconds, the form `nanosleep` and
    /// `pthread_cond_timedwait` take.
    public init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    }
}
