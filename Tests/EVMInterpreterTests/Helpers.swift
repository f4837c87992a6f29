import EVMCore
import EVMAssembly
import EVMInterpreter
import _TestSupport

/// Runs `code` on a fresh MockHost as the top frame; returns the result, the host and gas used.
@discardableResult
func exec(_ code: Asm, fork: Hardfork = .cancun, gas: Int64 = 1_000_000, isStatic: Bool = false,
          setup: (MockHost) -> Void = { _ in }) -> (result: CallResult, host: MockHost, gasUsed: Int64) {
    let host = MockHost(fork: fork)
    setup(host)
    let r = host.run(code, gas: gas, isStatic: isStatic)
    return (r, host, gas - r.gasLeft)
}

/// `a op b` with `a` on top: PUSH b, PUSH a, OP, return the top word.
func binary(_ op: Asm, _ a: UInt256, _ b: UInt256, fork: Hardfork = .latest) -> UInt256 {
    exec(.push(b) + .push(a) + op + .returnTop, fork: fork).result.word
}

func neg(_ v: UInt256) -> UInt256 { v.negated }
