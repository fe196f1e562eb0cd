import LinuxSystem
#if canImport(Glibc)
import Glibc
#endif

/// A mutex with a condition variable whose waits end at an instant of the monotonic clock (a
/// wall-clock step must not make a scrape wait longer, or shorter, than its deadline).
final class Monitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    func broadcast() { pthread_cond_broadcast(condition) }

    /// Waits (the lock held) until woken or until `deadline`; false once the deadline has passed.
    func wait(until deadline: ContinuousClock.Instant) -> Bool {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return false }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let wait = timespec(min(remaining, .seconds(86_400)))
        var end = timespec(tv_sec: now.tv_sec + wait.tv_sec, tv_nsec: now.tv_nsec + wait.tv_nsec)
        if end.tv_nsec >= 1_000_000_000 {
            end.tv_sec += 1
            end.tv_nsec -= 1_000_000_000
        }
        return pthread_cond_timedwait(condition, mutex, &end) != ETIMEDOUT || ContinuousClock.now < deadline
    }
}
