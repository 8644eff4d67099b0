"""`python -m danso.worker keep_counts`: the process `danso serve` starts beside the web
server to count ahead and keep the store current (statistics/precompute.py)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Count the store ahead for the dashboard and reports, then keep it current."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="the start-up pass only")

    def handle(self, *args, once=False, **options):
        from danso.statistics import precompute

        if once:
            done = precompute.precompute(print_=self.stdout.write)
            self.stdout.write(f"{done} unit-quarters counted or found current")
            return
        precompute.keep(print_=self.stdout.write)
