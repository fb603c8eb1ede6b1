"""Signing in at the counter: the PIN pad, the owner's first start, and the lock.

- ``pad``: ``SignInPad``, big name buttons and a PIN pad for keyboard and touch;
- ``first_owner``: ``FirstOwnerPage``, the owner's own account on a new database;
- ``screen``: ``SignInScreen``, the window that shows one of them (and the demo PINs);
- ``counter_lock``: ``CounterLock``, which puts that screen in front of the counter window at
  start, on Ctrl+L and after the idle time, and gives the window back to whoever signs in.
"""

from ui.sign_in.first_owner import FirstOwnerPage
from ui.sign_in.pad import SignInPad
from ui.sign_in.screen import SignInScreen

__all__ = ["FirstOwnerPage", "SignInPad", "SignInScreen"]
