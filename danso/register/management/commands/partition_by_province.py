"""`danso manage partition_by_province`: the register's big tables partitioned by province."""

from django.core.management.base import BaseCommand, CommandError

from danso.register.partition import PartitionError, partition_by_province, partitioned_tables


class Command(BaseCommand):
    help = (
        "PostgreSQL only: replace the register's big tables (households, persons, events, "
        "spells) by tables partitioned by province code, copying their rows (one transaction). "
        "See docs/decisions.md before running it on a database in use."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            dest="codes",
            help="a province code to give a partition (default: every province of the org "
            "units); other codes go to the DEFAULT partition",
        )

    def handle(self, *args, codes=None, **options):
        try:
            summary = partition_by_province(codes, progress=self.stdout.write)
        except PartitionError as error:
            raise CommandError(str(error)) from error
        if not summary["tables"]:
            self.stdout.write("Already partitioned.")
        for key in summary["dropped_keys"]:
            self.stdout.write(f"Foreign key dropped (kept by the application): {key}")
        for table, partitions in partitioned_tables().items():
            self.stdout.write(f"{table}: {len(partitions)} partitions")
