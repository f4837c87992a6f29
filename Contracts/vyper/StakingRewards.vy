# pragma version 0.4.3
# @title Lockstep staking with a reward accumulator (issue 14; not yet wired into DeFiWorld)
# @notice reward_per_share grows by reward * 1e18 / total_staked on notify; owed = stake * (acc - paid).

from ethereum.ercs import IERC20

stake_token: public(address)
reward_token: public(address)
staked: public(HashMap[address, uint256])
total_staked: public(uint256)
acc: public(uint256)
paid: public(HashMap[address, uint256])
pending: public(HashMap[address, uint256])

@deploy
def __init__(s: address, r: address):
    self.stake_token = s
    self.reward_token = r

@internal
def _settle(user: address):
    self.pending[user] += self.staked[user] * (self.acc - self.paid[user]) // 10**18
    self.paid[user] = self.acc

@external
def notify_reward(amount: uint256):
    assert self.total_staked > 0, "nobody staked"
    assert extcall IERC20(self.reward_token).transferFrom(msg.sender, self, amount)
    self.acc += amount * 10**18 // self.total_staked

@external
def stake(amount: uint256):
    self._settle(msg.sender)
    assert extcall IERC20(self.stake_token).transferFrom(msg.sender, self, amount)
    self.staked[msg.sender] += amount
    self.total_staked += amount

@external
def unstake(amount: uint256):
    self._settle(msg.sender)
    self.staked[msg.sender] -= amount
    self.total_staked -= amount
    assert extcall IERC20(self.stake_token).transfer(msg.sender, amount)

@external
def claim():
    self._settle(msg.sender)
    owed: uint256 = self.pending[msg.sender]
    self.pending[msg.sender] = 0
    assert extcall IERC20(self.reward_token).transfer(msg.sender, owed)
