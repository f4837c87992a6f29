# pragma version 0.4.3
# @title Lockstep lending market (issue 14; not yet wired into DeFiWorld)
# @notice Collateral in token A, debt in token B at an oracle price (B per A, 1e8 = 1);
#         borrow up to 75% of the collateral's value; liquidation above that.

from ethereum.ercs import IERC20

interface Oracle:
    def price() -> uint256: view

collateral_token: public(address)
debt_token: public(address)
oracle: public(address)
collateral: public(HashMap[address, uint256])
debt: public(HashMap[address, uint256])
total_debt: public(uint256)

@deploy
def __init__(c: address, d: address, o: address):
    self.collateral_token = c
    self.debt_token = d
    self.oracle = o

@view
@internal
def _limit(user: address) -> uint256:
    return self.collateral[user] * staticcall Oracle(self.oracle).price() // 10**8 * 75 // 100

@external
def deposit(amount: uint256):
    assert extcall IERC20(self.collateral_token).transferFrom(msg.sender, self, amount)
    self.collateral[msg.sender] += amount

@external
def borrow(amount: uint256):
    assert self.debt[msg.sender] + amount <= self._limit(msg.sender), "limit"
    self.debt[msg.sender] += amount
    self.total_debt += amount
    assert extcall IERC20(self.debt_token).transfer(msg.sender, amount)

@external
def repay(amount: uint256):
    assert extcall IERC20(self.debt_token).transferFrom(msg.sender, self, amount)
    self.debt[msg.sender] -= amount
    self.total_debt -= amount

@external
def liquidate(user: address, amount: uint256):
    assert self.debt[user] > self._limit(user), "healthy"
    assert amount <= self.debt[user], "too much"
    seized: uint256 = min(amount * 10**8 // staticcall Oracle(self.oracle).price() * 105 // 100, self.collateral[user])
    assert extcall IERC20(self.debt_token).transferFrom(msg.sender, self, amount)
    self.debt[user] -= amount
    self.total_debt -= amount
    self.collateral[user] -= seized
    assert extcall IERC20(self.collateral_token).transfer(msg.sender, seized)
