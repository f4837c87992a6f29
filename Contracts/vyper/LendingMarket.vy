# pragma version 0.4.3
# pragma evm-version shanghai
# @title Lockstep lending market (issue 14: a real compiled contract)
# @notice Over-collateralised: collateral in one ERC-20, debt in another, priced by the
#         PriceOracle (`latest() -> (price, updatedAt)`, debt units per collateral unit scaled by
#         10**8). Healthy: collateral * price * 75 >= debt * 10**8 * 100 (75% loan-to-value);
#         withdraw with debt and borrow keep the position healthy, liquidate needs it unhealthy and
#         seizes repay * 10**8 * 110 / (price * 100) collateral (10% bonus), capped at the
#         collateral. Every price read requires a fresh feed (age <= 3600 s; a feed from the
#         future reverts) and a non-zero price. Amounts are non-zero and < 2**112; repay and
#         liquidation amounts <= the debt. The ABI, events and revert conditions are those of the
#         hand-assembled LendingMarket.
#         Invariants (no donations): sum of collateral = totalCollateral = collateral tokens held;
#         sum of debt = totalDebt; debt tokens held + totalDebt is constant.

from ethereum.ercs import IERC20

interface Oracle:
    def latest() -> (uint256, uint256): view

event PositionChanged:
    user: indexed(address)
    collateral: uint256
    debt: uint256

# Storage (vyper -f layout): the slots scripts/vyper-contracts.sh records in VyperBytecode.
collateralToken: public(address)
debtToken: public(address)
oracle: public(address)
totalCollateral: public(uint256)
totalDebt: public(uint256)
collateralOf: public(HashMap[address, uint256])
debtOf: public(HashMap[address, uint256])

AMOUNT_BOUND: constant(uint256) = 2**112
MAX_PRICE_AGE: constant(uint256) = 3600
SCALE: constant(uint256) = 10**8

@deploy
def __init__(c: address, d: address, o: address):
    self.collateralToken = c
    self.debtToken = d
    self.oracle = o

@view
@internal
def _price() -> uint256:
    price: uint256 = 0
    updated_at: uint256 = 0
    price, updated_at = staticcall Oracle(self.oracle).latest()
    assert block.timestamp - updated_at <= MAX_PRICE_AGE, "stale"
    assert price > 0, "price"
    return price

@pure
@internal
def _healthy(collateral: uint256, debt: uint256, price: uint256) -> bool:
    return collateral * price * 75 >= debt * SCALE * 100

@internal
def _amount(amount: uint256):
    assert amount > 0 and amount < AMOUNT_BOUND, "amount"

@internal
def _changed(user: address):
    log PositionChanged(user=user, collateral=self.collateralOf[user], debt=self.debtOf[user])

@external
def deposit(amount: uint256):
    self._amount(amount)
    assert extcall IERC20(self.collateralToken).transferFrom(msg.sender, self, amount)
    self.collateralOf[msg.sender] += amount
    self.totalCollateral += amount
    self._changed(msg.sender)

@external
def withdraw(amount: uint256):
    self._amount(amount)
    left: uint256 = self.collateralOf[msg.sender] - amount
    debt: uint256 = self.debtOf[msg.sender]
    if debt != 0:
        assert self._healthy(left, debt, self._price()), "unhealthy"
    self.collateralOf[msg.sender] = left
    self.totalCollateral -= amount
    assert extcall IERC20(self.collateralToken).transfer(msg.sender, amount)
    self._changed(msg.sender)

@external
def borrow(amount: uint256):
    self._amount(amount)
    debt: uint256 = self.debtOf[msg.sender] + amount
    assert self._healthy(self.collateralOf[msg.sender], debt, self._price()), "unhealthy"
    self.debtOf[msg.sender] = debt
    self.totalDebt += amount
    assert extcall IERC20(self.debtToken).transfer(msg.sender, amount)
    self._changed(msg.sender)

@external
def repay(amount: uint256):
    self._amount(amount)
    debt: uint256 = self.debtOf[msg.sender]
    assert debt >= amount, "too much"
    assert extcall IERC20(self.debtToken).transferFrom(msg.sender, self, amount)
    self.debtOf[msg.sender] = debt - amount
    self.totalDebt -= amount
    self._changed(msg.sender)

@external
def liquidate(user: address, amount: uint256):
    self._amount(amount)
    collateral: uint256 = self.collateralOf[user]
    debt: uint256 = self.debtOf[user]
    price: uint256 = self._price()
    assert not self._healthy(collateral, debt, price), "healthy"
    assert debt >= amount, "too much"
    seized: uint256 = min(amount * SCALE * 110 // (price * 100), collateral)
    assert extcall IERC20(self.debtToken).transferFrom(msg.sender, self, amount)
    self.debtOf[user] = debt - amount
    self.totalDebt -= amount
    self.collateralOf[user] = collateral - seized
    self.totalCollateral -= seized
    assert extcall IERC20(self.collateralToken).transfer(msg.sender, seized)
    self._changed(user)

@view
@external
def positionOf(user: address) -> (uint256, uint256):
    return (self.collateralOf[user], self.debtOf[user])

@view
@external
def totals() -> (uint256, uint256):
    return (self.totalCollateral, self.totalDebt)
