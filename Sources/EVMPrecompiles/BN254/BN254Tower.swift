import EVMCore

extension BN254.Fp: PrimeField {}

extension BN254 {
    /// BN254's tower parameters: Fp2 = Fp[u]/(u² + 1), ξ = 9 + u (EIP-197).
    enum Tower: TowerParameters {
        typealias Base = Fp

        static let xi = Fp2(Fp(9), Fp(1))

        /// (9 + u)(c0 + c1 u) = (9c0 − c1) + (c0 + 9c1)u, with 9c = 8c + c by doublings.
        static func multipliedByXi(_ a: Fp2) -> Fp2 {
            let nine0 = a.c0.doubled().doubled().doubled() + a.c0
            let nine1 = a.c1.doubled().doubled().doubled() + a.c1
            return Fp2(nine0 - a.c1, a.c0 + nine1)
        }

        static let pMinus1Over6: [UInt64] = {
            let e = (BN254.p &- UInt256.one).quotientAndRemainder(dividingBy: UInt256(6)).quotient
            return [e.w0, e.w1, e.w2, e.w3]
        }()

        static let frobeniusCoefficients = Fp12.computeFrobeniusCoefficients()
    }

    typealias Fp2 = TowerFp2<Tower>
    typealias Fp6 = TowerFp6<Tower>
    typealias Fp12 = TowerFp12<Tower>
}
