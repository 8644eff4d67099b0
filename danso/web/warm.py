"""Loading at start what the first request would otherwise load: the URLconf (which imports
the API and its schemas: seconds on a loaded machine) and the templates of the pages opened
first. `danso serve` calls it before it listens; gunicorn's workers are forked after it, so
they start warm too. Nothing is counted here (the store's counts are the keeper's:
statistics/precompute.py)."""

import contextlib

PAGES = ["base.html", "web/home_upper.html", "statistics/dashboard.html", "statistics/report.html",
         "statistics/pending.html", "statistics/job.html"]  # fmt: skip


def warm_up() -> None:
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view and the API
    for name in PAGES:
        with contextlib.suppress(TemplateDoesNotExist):
            get_template(name)
