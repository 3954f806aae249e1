"""Signals of the territory."""

from django.dispatch import Signal

# Sent inside the transaction that wrote Comuni or Ambiti in bulk (an import, a load):
# model signals do not report bulk writes, and what is derived from the names and the
# members of the territory (the search's labels and its cached answers) must follow.
territorio_cambiato = Signal()
