import HealthCheckers
import Testing

@Test func aFailureIsNotASuccess() {
    #expect(ProbeResult.success(weight: nil).succeeded)
    #expect(!ProbeResult.failure(.connectionRefused).succeeded)
}
