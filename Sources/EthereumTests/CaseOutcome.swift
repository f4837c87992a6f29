import EVMCore

/// What an executor reports for one case.
public struct CaseOutcome: Sendable, Equatable {
    public var pass: Bool
    /// The state root the executor computed, if it got that far.
    public var stateRoot: Bytes32?
    public var logsHash: Bytes32?
    /// Why the case failed (empty/nil when it passed).
    public var error: String?
    /// Name of an unimplemented precompile the case reached. Such a case is counted as
    /// "needs precompile", neither pass nor failure, whatever `pass` says.
    public var needsPrecompile: String?

    public init(pass: Bool, stateRoot: Bytes32? = nil, logsHash: Bytes32? = nil, error: String? = nil,
                needsPrecompile: String? = nil) {
        self.pass = pass; self.stateRoot = stateRoot; self.logsHash = logsHash; self.error = error
        self.needsPrecompile = needsPrecompile
    }

    public static func failed(_ error: String, stateRoot: Bytes32? = nil, logsHash: Bytes32? = nil) -> CaseOutcome {
        CaseOutcome(pass: false, stateRoot: stateRoot, logsHash: logsHash, error: error)
    }

    /// Judges an execution against a case's expectations.
    ///
    /// - Parameters:
    ///   - stateRoot: root after the transaction (the unchanged pre-state root if it was rejected).
    ///   - logsHash: keccak-256 of the RLP list of emitted logs.
    ///   - rejection: why the transaction was rejected before execution, nil if it was applied.
    /// A case expecting an exception passes when the transaction was rejected (for any reason:
    /// exception names differ between clients) and the root matches; a case expecting success
    /// passes when the transaction was applied and both root and logs hash match.
    public static func judge(_ testCase: StateTestCase, stateRoot: Bytes32, logsHash: Bytes32,
                             rejection: String?) -> CaseOutcome {
        let rootOK = stateRoot == testCase.expectedStateRoot
        if let expected = testCase.expectException {
            guard let rejection else {
                return .failed("expected exception \(expected), but the transaction was applied",
                               stateRoot: stateRoot, logsHash: logsHash)
            }
            guard rootOK else {
                return .failed("rejected as expected (\(rejection)), but state root \(stateRoot) != expected \(testCase.expectedStateRoot)",
                               stateRoot: stateRoot, logsHash: logsHash)
            }
            return CaseOutcome(pass: true, stateRoot: stateRoot, logsHash: logsHash)
        }
        if let rejection {
            return .failed("unexpected rejection: \(rejection)", stateRoot: stateRoot, logsHash: logsHash)
        }
        guard rootOK else {
            return .failed("state root mismatch: got \(stateRoot), expected \(testCase.expectedStateRoot)",
                           stateRoot: stateRoot, logsHash: logsHash)
        }
        guard logsHash == testCase.expectedLogsHash else {
            return .failed("logs hash mismatch: got \(logsHash), expected \(testCase.expectedLogsHash)",
                           stateRoot: stateRoot, logsHash: logsHash)
        }
        return CaseOutcome(pass: true, stateRoot: stateRoot, logsHash: logsHash)
    }
}
