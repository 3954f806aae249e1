"""Signals of the territory."""

from django.dispatch import Signal

# Sent inside the transaction that wrote Comuni in bulk (`comuni_import`): model signals
# do not report bulk writes (Ambiti are saved one by one and send their own), and what
# is derived from the names and the members of the territory (the search's labels and
# its cached answers) must follow.
territorio_cambiato = Signal()
