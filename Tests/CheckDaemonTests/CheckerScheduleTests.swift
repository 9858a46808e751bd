import CheckDaemon
import HealthCheckers
import Testing

@Suite struct CheckerScheduleTests {
    static let timing = CheckerSchedule.Timing(
        delayLoop: .seconds(10), retry: 2, delayBeforeRetry: .seconds(2), warmup: .seconds(4), alpha: false)

    @Test func theFirstAttemptComesAfterARandomPartOfWarmup() {
        let schedule = CheckerSchedule(timing: Self.timing, now: .seconds(100), warmupFraction: 0.25)
        #expect(schedule.nextAttempt == .seconds(101))
        #expect(schedule.isUp)
        let clamped = CheckerSchedule(timing: Self.timing, now: .zero, warmupFraction: 7)
        #expect(clamped.nextAttempt == .seconds(4))
    }

    @Test func alphaStartsDownAndOnePassBringsItUp() {
        var timing = Self.timing
        timing.alpha = true
        var schedule = CheckerSchedule(timing: timing, now: .zero, warmupFraction: 0)
        #expect(!schedule.isUp)
        #expect(schedule.record(.success(weight: nil), at: .seconds(1)) == .up)
        #expect(schedule.isUp)
        #expect(schedule.nextAttempt == .seconds(11))
    }

    @Test func failuresAreRetriedAfterDelayBeforeRetryThenTheCheckerGoesDown() {
        var schedule = CheckerSchedule(timing: Self.timing, now: .zero, warmupFraction: 0)
        #expect(
            schedule.record(.failure(.connectionRefused), at: .zero) == .retrying(.connectionRefused, attempt: 1, of: 2)
        )
        #expect(schedule.nextAttempt == .seconds(2))
        #expect(schedule.isUp)
        #expect(schedule.record(.failure(.timeout), at: .seconds(2)) == .retrying(.timeout, attempt: 2, of: 2))
        #expect(schedule.nextAttempt == .seconds(4))
        #expect(schedule.record(.failure(.timeout), at: .seconds(4)) == .down(.timeout))
        #expect(!schedule.isUp)
        #expect(schedule.nextAttempt == .seconds(14))
        #expect(schedule.lastFailure == .timeout)
    }

    @Test func aPassDuringRetriesKeepsTheCheckerUpAndResetsTheRetries() {
        var schedule = CheckerSchedule(timing: Self.timing, now: .zero, warmupFraction: 0)
        _ = schedule.record(.failure(.connectionRefused), at: .zero)
        #expect(schedule.record(.success(weight: nil), at: .seconds(2)) == nil)
        #expect(schedule.retriesUsed == 0)
        #expect(schedule.lastFailure == nil)
        #expect(schedule.nextAttempt == .seconds(12))
        #expect(
            schedule.record(.failure(.connectionRefused), at: .seconds(12))
                == .retrying(.connectionRefused, attempt: 1, of: 2))
    }

    @Test func aDownCheckerIsNotRetriedOnlyCheckedEachDelayLoop() {
        var schedule = CheckerSchedule(timing: Self.timing, now: .zero, warmupFraction: 0)
        _ = schedule.record(.failure(.connectionRefused), at: .zero)
        _ = schedule.record(.failure(.connectionRefused), at: .seconds(2))
        #expect(schedule.record(.failure(.connectionRefused), at: .seconds(4)) == .down(.connectionRefused))
        // keepalived's tcp_epilog: retries belong to an up checker; a down one waits delay_loop.
        #expect(schedule.record(.failure(.connectionRefused), at: .seconds(14)) == .stillDown(.connectionRefused))
        #expect(schedule.nextAttempt == .seconds(24))
        #expect(schedule.retriesUsed == 0)
        #expect(schedule.record(.success(weight: nil), at: .seconds(24)) == .up)
        #expect(
            schedule.record(.failure(.timeout), at: .seconds(34)) == .retrying(.timeout, attempt: 1, of: 2))
    }

    @Test func aDownCheckerStaysDownQuietly() {
        var timing = Self.timing
        timing.retry = 0
        var schedule = CheckerSchedule(timing: timing, now: .zero, warmupFraction: 0)
        #expect(schedule.record(.failure(.connectionRefused), at: .zero) == .down(.connectionRefused))
        #expect(schedule.record(.failure(.connectionRefused), at: .seconds(10)) == .stillDown(.connectionRefused))
        #expect(schedule.nextAttempt == .seconds(20))
    }

    /// A server that leaves at 15 s and comes back at 31 s, checked with delay_loop 10, retry 1,
    /// delay_before_retry 2: the exact attempt times and the two verdicts.
    @Test func aTimelineOfAServerGoingAwayAndComingBack() {
        let timing = CheckerSchedule.Timing(
            delayLoop: .seconds(10), retry: 1, delayBeforeRetry: .seconds(2), warmup: .zero, alpha: false)
        var schedule = CheckerSchedule(timing: timing, now: .zero, warmupFraction: 0.5)
        func serverUp(_ time: Duration) -> Bool { time < .seconds(15) || time >= .seconds(31) }
        var attempts: [Duration] = []
        var transitions: [(Duration, CheckerSchedule.Transition)] = []
        while schedule.nextAttempt <= .seconds(50) {
            let now = schedule.nextAttempt
            attempts.append(now)
            let result: ProbeResult = serverUp(now) ? .success(weight: nil) : .failure(.connectionRefused)
            if let transition = schedule.record(result, at: now) { transitions.append((now, transition)) }
        }
        #expect(attempts == [0, 10, 20, 22, 32, 42].map { Duration.seconds($0) })
        #expect(transitions.map(\.0) == [.seconds(20), .seconds(22), .seconds(32)])
        #expect(
            transitions.map(\.1) == [.retrying(.connectionRefused, attempt: 1, of: 1), .down(.connectionRefused), .up])
    }

    @Test func aResumedCheckerAttemptsAtOnceAndKeepsItsVerdict() {
        var schedule = CheckerSchedule(timing: Self.timing, now: .zero, warmupFraction: 0)
        _ = schedule.record(.failure(.timeout), at: .zero)
        schedule.resume(at: .seconds(50))
        #expect(schedule.nextAttempt == .seconds(50))
        #expect(schedule.retriesUsed == 0)
        #expect(schedule.isUp)
    }
}

@Suite struct RealServerHealthTests {
    static let timing = CheckerSchedule.Timing(
        delayLoop: .seconds(5), retry: 0, delayBeforeRetry: .seconds(1), warmup: .zero, alpha: false)

    func health(checkers: Int, weight: Int = 3) -> RealServerHealth {
        RealServerHealth(
            checkers: Array(
                repeating: CheckerSchedule(timing: Self.timing, now: .zero, warmupFraction: 0), count: checkers),
            configuredWeight: weight)
    }

    @Test func aServerWithoutCheckersIsHealthy() {
        #expect(health(checkers: 0).healthy)
        #expect(health(checkers: 0).lastError(keywords: [], target: "[10.0.0.2]:80") == "")
    }

    @Test func healthyOnlyWhileEveryCheckerPasses() {
        var server = health(checkers: 2)
        #expect(server.healthy)
        let first = server.record(checker: 1, .failure(.connectionRefused), at: .zero)
        #expect(first.healthy == false)
        #expect(
            server.lastError(keywords: ["TCP_CHECK", "HTTP_GET"], target: "[10.0.0.2]:80")
                == "Error connecting server [10.0.0.2]:80 (connection refused).")
        let second = server.record(checker: 0, .failure(.timeout), at: .zero)
        #expect(second.healthy == nil)
        #expect(
            server.lastError(keywords: ["TCP_CHECK", "HTTP_GET"], target: "[10.0.0.2]:80")
                == "TCP connection to [10.0.0.2]:80 failed (timeout).")
        let third = server.record(checker: 0, .success(weight: nil), at: .seconds(5))
        #expect(third.checker == .up)
        #expect(third.healthy == nil)
        let fourth = server.record(checker: 1, .success(weight: nil), at: .seconds(5))
        #expect(fourth.healthy == true)
        #expect(server.lastError(keywords: ["TCP_CHECK", "HTTP_GET"], target: "[10.0.0.2]:80") == "")
    }

    @Test func aDynamicCheckerSetsTheWeight() {
        var server = health(checkers: 1, weight: 3)
        #expect(server.weight == 3)
        #expect(server.record(checker: 0, .success(weight: 7), at: .zero).weight == 7)
        #expect(server.record(checker: 0, .success(weight: nil), at: .seconds(5)).weight == nil)
        #expect(server.weight == 7)
    }

    @Test func aRestartedCheckerAttemptsAtOnceWithItsVerdictKept() {
        var server = health(checkers: 2)
        _ = server.record(checker: 0, .failure(.timeout), at: .zero)
        _ = server.record(checker: 1, .success(weight: nil), at: .zero)
        server.restart(checker: 0, at: .seconds(2))
        #expect(server.checkers[0].nextAttempt == .seconds(2))
        #expect(!server.checkers[0].isUp)
        #expect(server.checkers[0].lastFailure == .timeout)
        #expect(server.checkers[1].nextAttempt == .seconds(5))
        #expect(!server.healthy)
    }
}
