# pragma version 0.4.3
# @title Lockstep constant-product pool over two ERC-20s (issue 14; not yet wired into DeFiWorld)
# @notice swap keeps reserve0 * reserve1 from decreasing; reserves equal the pool's token balances.

from ethereum.ercs import IERC20

token0: public(address)
token1: public(address)
reserve0: public(uint256)
reserve1: public(uint256)

@deploy
def __init__(t0: address, t1: address):
    self.token0 = t0
    self.token1 = t1

@external
def sync():
    self.reserve0 = staticcall IERC20(self.token0).balanceOf(self)
    self.reserve1 = staticcall IERC20(self.token1).balanceOf(self)

@external
def swap(zero_for_one: bool, amount_in: uint256, min_out: uint256) -> uint256:
    assert amount_in > 0, "zero"
    r_in: uint256 = self.reserve0 if zero_for_one else self.reserve1
    r_out: uint256 = self.reserve1 if zero_for_one else self.reserve0
    t_in: address = self.token0 if zero_for_one else self.token1
    t_out: address = self.token1 if zero_for_one else self.token0
    out: uint256 = r_out * amount_in * 997 // (r_in * 1000 + amount_in * 997)
    assert out >= min_out and out > 0, "slippage"
    assert extcall IERC20(t_in).transferFrom(msg.sender, self, amount_in)
    assert extcall IERC20(t_out).transfer(msg.sender, out)
    if zero_for_one:
        self.reserve0 = r_in + amount_in
        self.reserve1 = r_out - out
    else:
        self.reserve1 = r_in + amount_in
        self.reserve0 = r_out - out
    return out
