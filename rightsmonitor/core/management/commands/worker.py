"""``manage.py worker``: runs background tasks, survives database errors, beats, and recovers
the tasks of workers that died (``rightsmonitor/core/worker.py``). Use it instead of
django-tasks-db's ``db_worker``; it takes the same options but ``--reload``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from rightsmonitor.core.worker import ResilientWorker, new_worker_id


class Command(db_worker.Command):
    help = "Run background tasks: survives database errors and recovers tasks of dead workers."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(reload=False, worker_id=None)

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        if options["reload"]:
            raise CommandError("worker does not reload; use db_worker --reload while developing")
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or new_worker_id(),
            excluded_queue_names=excluded,
            lost_after=settings.WORKER_LOST_AFTER,
            max_attempts=settings.TASK_MAX_ATTEMPTS,
        )
        worker.configure_signals()
        worker.run()
