"""Signals the register sends, so that apps above it (statistics) can follow its changes
without the register depending on them."""

from django.dispatch import Signal

# Sent inside the writing transaction with `village_ids`: the villages whose events or spells
# have just changed (in any way that can change a count).
villages_changed = Signal()


def changed(village_ids) -> None:
    ids = {v for v in village_ids if v}
    if ids:
        villages_changed.send(sender=None, village_ids=ids)
