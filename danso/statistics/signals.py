from .cycle import approved_covering


def flag_after_approval(sender, instance, created, **kwargs):
    """A change dated in an approved period is kept but flagged (see cycle.py)."""
    if created and not instance.after_approval:
        if approved_covering(instance.ou_path, instance.occurred_on):
            sender.objects.filter(pk=instance.pk).update(after_approval=True)
            instance.after_approval = True
