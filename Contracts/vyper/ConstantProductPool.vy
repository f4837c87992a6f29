# pragma version 0.4.3
# pragma evm-version shanghai
# @title Lockstep constant-product pool over two ERC-20s (issue 14: a real compiled contract)
# @notice Uniswap-V2 style pricing with a 0.3% fee, pull-based: the pool takes its input with
#         transferFrom (traders approve it first). The ABI, events and revert conditions are those
#         of the hand-assembled ConstantProductPool, so the same generated calls drive both.
#         Invariants (no donations): reserve_i = token_i.balanceOf(pool); sum of shares = total;
#         a swap never decreases reserve0 * reserve1; a mint or burn never decreases reserve_i / S.

from ethereum.ercs import IERC20

event Swap:
    sender: indexed(address)
    zeroForOne: uint256
    amountIn: uint256
    amountOut: uint256

event Mint:
    sender: indexed(address)
    amount0: uint256
    amount1: uint256
    shares: uint256

event Burn:
    sender: indexed(address)
    shares: uint256
    amount0: uint256
    amount1: uint256

# Storage (vyper -f layout): 0 token0, 1 token1, 2 reserve0, 3 reserve1, 4 totalShares,
# sharesOf[a] at keccak256(5 . a).
token0: public(address)
token1: public(address)
reserve0: public(uint256)
reserve1: public(uint256)
totalShares: public(uint256)
sharesOf: public(HashMap[address, uint256])

AMOUNT_BOUND: constant(uint256) = 2**112
SHARES_BOUND: constant(uint256) = 2**120

@deploy
def __init__(t0: address, t1: address):
    self.token0 = t0
    self.token1 = t1

@external
def swap(zeroForOne: uint256, amountIn: uint256, minOut: uint256) -> uint256:
    assert amountIn > 0 and amountIn < AMOUNT_BOUND, "amount"
    z: bool = zeroForOne != 0
    r_in: uint256 = self.reserve0 if z else self.reserve1
    r_out: uint256 = self.reserve1 if z else self.reserve0
    assert r_in > 0, "empty"
    out: uint256 = amountIn * 997 * r_out // (r_in * 1000 + amountIn * 997)
    assert out > 0 and out >= minOut, "slippage"
    assert out < r_out, "reserve"
    assert r_in + amountIn < AMOUNT_BOUND, "reserve bound"
    t_in: address = self.token0 if z else self.token1
    t_out: address = self.token1 if z else self.token0
    assert extcall IERC20(t_in).transferFrom(msg.sender, self, amountIn)
    assert extcall IERC20(t_out).transfer(msg.sender, out)
    if z:
        self.reserve0 = r_in + amountIn
        self.reserve1 = r_out - out
    else:
        self.reserve1 = r_in + amountIn
        self.reserve0 = r_out - out
    log Swap(sender=msg.sender, zeroForOne=convert(z, uint256), amountIn=amountIn, amountOut=out)
    return out

@external
def addLiquidity(a0: uint256, a1: uint256) -> uint256:
    assert a0 > 0 and a0 < AMOUNT_BOUND and a1 > 0 and a1 < AMOUNT_BOUND, "amount"
    r0: uint256 = self.reserve0
    r1: uint256 = self.reserve1
    s: uint256 = self.totalShares
    minted: uint256 = a0
    if s != 0:
        assert r0 > 0 and r1 > 0, "empty"
        minted = min(a0 * s // r0, a1 * s // r1)
    assert minted > 0, "no shares"
    assert s + minted < SHARES_BOUND, "shares bound"
    assert r0 + a0 < AMOUNT_BOUND and r1 + a1 < AMOUNT_BOUND, "reserve bound"
    assert extcall IERC20(self.token0).transferFrom(msg.sender, self, a0)
    assert extcall IERC20(self.token1).transferFrom(msg.sender, self, a1)
    self.reserve0 = r0 + a0
    self.reserve1 = r1 + a1
    self.totalShares = s + minted
    self.sharesOf[msg.sender] += minted
    log Mint(sender=msg.sender, amount0=a0, amount1=a1, shares=minted)
    return minted

@external
def removeLiquidity(shares: uint256) -> (uint256, uint256):
    assert shares > 0, "zero"
    assert self.sharesOf[msg.sender] >= shares, "shares"
    r0: uint256 = self.reserve0
    r1: uint256 = self.reserve1
    s: uint256 = self.totalShares
    out0: uint256 = shares * r0 // s
    out1: uint256 = shares * r1 // s
    self.sharesOf[msg.sender] -= shares
    self.totalShares = s - shares
    self.reserve0 = r0 - out0
    self.reserve1 = r1 - out1
    assert extcall IERC20(self.token0).transfer(msg.sender, out0)
    assert extcall IERC20(self.token1).transfer(msg.sender, out1)
    log Burn(sender=msg.sender, shares=shares, amount0=out0, amount1=out1)
    return (out0, out1)

@view
@external
def getReserves() -> (uint256, uint256):
    return (self.reserve0, self.reserve1)
