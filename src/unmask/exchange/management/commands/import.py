"""`unmask import`: organizations from a CSV file, a whole CSV bundle, or FollowTheMoney
entities, matched against the record, all or nothing, kept as a batch that `--undo` reverses
(see unmask.exchange.intake)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from unmask.exchange import batches, intake
from unmask.exchange.locks import ImportBusy
from unmask.exchange.models import ImportBatch


class Command(BaseCommand):
    help = (
        "Import organizations from a CSV file (UTF-8, UTF-16 or Windows-1252; comma, semicolon "
        "or tab), a CSV bundle from `unmask export`, or FollowTheMoney JSON lines (.gz too). "
        "--dry-run shows what would be created, updated and left alone, and every error with "
        "its file, line and column, and writes nothing. --undo N reverses batch N. --recover "
        "undoes the batches of imports interrupted while writing (every import does it first)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            help="A CSV file of organizations, FtM JSON lines (organizations, sites, products, "
            "links and their sources), or a whole CSV bundle from `unmask export` (.zip or a "
            "folder with datapackage.json).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")
        parser.add_argument("--user", help="Staff user the history names (default: none).")
        parser.add_argument("--undo", type=int, metavar="BATCH", help="Undo an import batch.")
        parser.add_argument("--list", action="store_true", help="List the import batches.")
        parser.add_argument(
            "--recover",
            action="store_true",
            help="Undo the batches of imports interrupted while writing (a process killed).",
        )

    def handle(self, *args, **options):
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['user']!r}.")
        if options["recover"]:
            self._recovered(batches.recover(), none="No interrupted import batch.")
            return
        if options["list"]:
            for b in ImportBatch.objects.all()[:50]:
                self.stdout.write(
                    f"#{b.pk} {b.created_at:%Y-%m-%d %H:%M} {b.file_name}: {b.created} created, "
                    f"{b.updated} updated, {b.unchanged} left alone{self._status(b)}"
                )
            return
        if options["undo"]:
            batch = ImportBatch.objects.filter(pk=options["undo"]).first()
            if batch is None:
                raise CommandError(f"No import batch #{options['undo']}.")
            try:
                touched = batches.undo(batch, actor=actor)
            except Exception as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Undid import batch #{batch.pk}: {touched} records put back.")
            return
        if not options["file"]:
            raise CommandError("Give the CSV file to import (or --undo N, --list, --recover).")
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No file or folder {path}.")
        try:
            outcome = intake.import_any(path, actor=actor, dry_run=options["dry_run"])
        except ImportBusy as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        self._recovered(outcome.recovered)
        self._report(outcome)
        if not outcome.ok:
            raise CommandError(
                f"{outcome.problem_count} error(s): nothing was imported. Fix them and run again."
            )

    @staticmethod
    def _status(b: ImportBatch) -> str:
        state = batches.status(b)
        if state == batches.WRITING:
            return ", being imported now"
        if state == batches.INTERRUPTED:
            return ", interrupted (the next import undoes it, or --recover)"
        if state == batches.STOPPED:
            return f", interrupted, undone {b.undone_at:%Y-%m-%d %H:%M}"
        if state == batches.UNDONE:
            return f", undone {b.undone_at:%Y-%m-%d %H:%M}"
        return ""

    def _recovered(self, recovered: list[ImportBatch], none: str = "") -> None:
        for b in recovered:
            self.stdout.write(
                f"Undid import batch #{b.pk} ({b.file_name}): it was interrupted while writing "
                "(its process stopped before the end)."
            )
        if none and not recovered:
            self.stdout.write(none)

    def _report(self, outcome: batches.Outcome) -> None:
        verb = "would be" if outcome.dry_run else "were"
        self.stdout.write(
            f"{outcome.file}: {outcome.rows} rows. {outcome.created} {verb} created, "
            f"{outcome.updated} {verb} updated, {outcome.unchanged} left alone, "
            f"{outcome.ambiguous_count} ambiguous (left out)."
        )
        for item in outcome.ambiguous:
            options = "; ".join(f"{pid} {name}" for pid, name in item.candidates)
            what = "likely the same as" if item.likely else "several matches:"
            self.stdout.write(
                f"  line {item.line}, {item.name!r}: {what} {options}. Put the id "
                "of the right one, or new, in its id column."
            )
        if getattr(outcome, "left_out", None):
            self.stdout.write(f"Left out: {outcome.skipped_text}.")
        for warning in outcome.warnings:
            self.stdout.write(f"  Warning: {warning}")
        for problem in outcome.problems:
            self.stderr.write(f"  {problem}")
        if outcome.problem_count > len(outcome.problems):
            self.stderr.write(f"  ... and {outcome.problem_count - len(outcome.problems)} more.")
        if outcome.batch:
            self.stdout.write(
                f"Recorded as import batch #{outcome.batch.pk} (undo: --undo {outcome.batch.pk})."
            )
