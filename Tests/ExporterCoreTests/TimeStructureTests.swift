import Glibc
import LinuxSystem
import Testing

/// The one conversion of `Duration` into the C library's time structures.
@Suite struct TimeStructureTests {
    @Test func timevalIsSecondsAndMicroseconds() {
        let value = timeval(.milliseconds(5_250))
        #expect(value.tv_sec == 5 && value.tv_usec == 250_000)
        let small = timeval(.nanoseconds(1_999))
        #expect(small.tv_sec == 0 && small.tv_usec == 1, "below a microsecond is dropped")
    }

    @Test func timespecIsSecondsAndNanoseconds() {
        let value = timespec(.seconds(3) + .nanoseconds(123))
        #expect(value.tv_sec == 3 && value.tv_nsec == 123)
    }
}
