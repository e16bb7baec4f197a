"""netlearn.sim: a deterministic, Django-free simulator of small IPv4 networks, faithful to Linux.

>>> from netlearn.sim import Network
>>> net = Network.from_scenario({"segments": ["lan"], "hosts": {"A": {"interfaces": {
...     "eth0": {"segment": "lan"}}}}})
>>> net.run("A", "ip addr add 10.0.0.1/24 dev eth0").status
0
"""

from .checks import Outcome
from .errors import BudgetExceeded, CommandError, ScenarioError, SimError
from .network import Network
from .result import Result

__all__ = [
    "BudgetExceeded",
    "CommandError",
    "Network",
    "Outcome",
    "Result",
    "ScenarioError",
    "SimError",
]
