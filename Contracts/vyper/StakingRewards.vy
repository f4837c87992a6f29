# pragma version 0.4.3
# pragma evm-version shanghai
# @title Lockstep staking with a reward accumulator (issue 14: a real compiled contract)
# @notice Stakers lock a stake token; anyone funds rewards in a reward token, shared pro rata
#         among the current stakers (the MasterChef accumulator): notifyRewardAmount adds
#         reward * 10**12 // totalStaked to acc (reverts while nothing is staked or when acc would
#         reach 2**128); before a user's stake changes, pending += stake * acc // 10**12 - rewardDebt
#         and rewardDebt = stake * acc // 10**12. Amounts are non-zero and < 2**112. The ABI,
#         events and revert conditions are those of the hand-assembled StakingRewards.
#         Invariants (stake token != reward token, no donations): sum of stakes = totalStaked =
#         stake tokens held; the rewards owed to all stakers <= reward tokens held.

from ethereum.ercs import IERC20

event Staking:
    user: indexed(address)
    stake: uint256
    amount: uint256

# Storage (vyper -f layout): the slots scripts/vyper-contracts.sh records in VyperBytecode.
stakeToken: public(address)
rewardToken: public(address)
totalStaked: public(uint256)
acc: public(uint256)
stakeOf: public(HashMap[address, uint256])
rewardDebt: public(HashMap[address, uint256])
pending: public(HashMap[address, uint256])

ACC_SCALE: constant(uint256) = 10**12
AMOUNT_BOUND: constant(uint256) = 2**112
ACC_BOUND: constant(uint256) = 2**128

@deploy
def __init__(s: address, r: address):
    self.stakeToken = s
    self.rewardToken = r

@internal
def _settle(user: address):
    accrued: uint256 = self.stakeOf[user] * self.acc // ACC_SCALE
    self.pending[user] += accrued - self.rewardDebt[user]
    self.rewardDebt[user] = accrued

@external
def stake(amount: uint256):
    assert amount > 0 and amount < AMOUNT_BOUND, "amount"
    self._settle(msg.sender)
    assert extcall IERC20(self.stakeToken).transferFrom(msg.sender, self, amount)
    staked: uint256 = self.stakeOf[msg.sender] + amount
    self.stakeOf[msg.sender] = staked
    self.totalStaked += amount
    self.rewardDebt[msg.sender] = staked * self.acc // ACC_SCALE
    log Staking(user=msg.sender, stake=staked, amount=amount)

@external
def unstake(amount: uint256):
    assert amount > 0, "amount"
    self._settle(msg.sender)
    staked: uint256 = self.stakeOf[msg.sender]
    assert staked >= amount, "stake"
    staked -= amount
    self.stakeOf[msg.sender] = staked
    self.totalStaked -= amount
    self.rewardDebt[msg.sender] = staked * self.acc // ACC_SCALE
    assert extcall IERC20(self.stakeToken).transfer(msg.sender, amount)
    log Staking(user=msg.sender, stake=staked, amount=amount)

@external
def claim() -> uint256:
    self._settle(msg.sender)
    owed: uint256 = self.pending[msg.sender]
    self.pending[msg.sender] = 0
    assert extcall IERC20(self.rewardToken).transfer(msg.sender, owed)
    return owed

@external
def notifyRewardAmount(amount: uint256):
    assert amount > 0 and amount < AMOUNT_BOUND, "amount"
    total: uint256 = self.totalStaked
    assert total > 0, "nobody staked"
    assert extcall IERC20(self.rewardToken).transferFrom(msg.sender, self, amount)
    acc: uint256 = self.acc + amount * ACC_SCALE // total
    assert acc < ACC_BOUND, "acc bound"
    self.acc = acc

@view
@external
def earned(user: address) -> uint256:
    return self.stakeOf[user] * self.acc // ACC_SCALE - self.rewardDebt[user] + self.pending[user]
