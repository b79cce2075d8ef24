"""``manage.py backup`` and ``manage.py restore`` through the real commands, on the real database
(SQLite, or PostgreSQL with DATABASE_URL) and real files on a temporary MEDIA_ROOT.

The main test makes a plan, a report with an evidence file, an encrypted feedback attachment
and other media files, backs up, changes and deletes rows and files, restores, and compares
``dumpdata`` of the project's apps and the sha256 of every file with the time of the backup.
Damaged, foreign and wrong-engine archives are refused with nothing changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from rightsmonitor.accounts.tests.factories import FocalPointFactory
from rightsmonitor.core import backup
from rightsmonitor.feedback import actions as feedback_actions
from rightsmonitor.plans.models import Agency, Plan
from rightsmonitor.plans.tests.factories import AgencyFactory, PlanFactory
from rightsmonitor.reporting import actions as reporting_actions
from rightsmonitor.reporting.tests.factories import PDF, build_reporting_world, pdf_upload

pytestmark = pytest.mark.django_db(transaction=True)
ON_POSTGRESQL = connection.vendor == "postgresql"
OTHER_ENGINE = "sqlite" if ON_POSTGRESQL else "postgresql"
PROJECT_APPS = sorted(
    config.label for config in apps.get_app_configs() if config.name.startswith("rightsmonitor.")
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def content(
    media_root: Path, administrator, coordinator, focal_point_mia, ngo_member, public
) -> dict[str, Any]:
    """A plan with a report, an evidence file, a feedback case with its encrypted attachment,
    and files of the other kinds MEDIA_ROOT holds (nested folders, a non-ASCII name)."""
    world = build_reporting_world(
        administrator=administrator,
        coordinator=coordinator,
        focal_point_mia=focal_point_mia,
        validator_mia=FocalPointFactory(
            email="deputy.mia@example.org", agency=focal_point_mia.agency
        ),
        focal_point_gpo=FocalPointFactory(
            email="focal.gpo@example.org",
            agency=AgencyFactory(abbreviation="GPO", kind=Agency.Kind.PROSECUTOR),
        ),
        ngo_member=ngo_member,
        public=public,
    )
    report = world.start()
    evidence = reporting_actions.add_evidence_file(report, pdf_upload(), by=focal_point_mia)
    case = feedback_actions.submit_case(
        kind="complaint",
        plan=world.plan,
        section=world.plan.sections.first(),
        content="The police refused to register my complaint.",
        attachment=SimpleUploadedFile("proof.pdf", PDF, "application/pdf"),
    ).case
    (media_root / "assessments" / "2024").mkdir(parents=True)
    (media_root / "assessments" / "2024" / "assessment.docx").write_bytes(b"docx " * 500)
    (media_root / "recommendation-imports").mkdir()
    (media_root / "recommendation-imports" / "рекомендации.csv").write_text("a;b\n1;2\n")
    return {"world": world, "evidence": evidence, "case": case}


def database_state() -> str:
    out = io.StringIO()
    call_command("dumpdata", *PROJECT_APPS, "--indent=1", stdout=out)
    return out.getvalue()


def file_state(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def make_backup(directory: Path) -> Path:
    run("backup", str(directory))
    (archive,) = directory.glob("rightsmonitor-backup-*.tar")
    return archive


def change_everything(content: dict[str, Any], media_root: Path) -> None:
    """Rows changed, deleted and added; files deleted, changed and added."""
    world = content["world"]
    Plan.objects.filter(pk=world.plan.pk).update(title_en="Renamed after the backup")
    world.gpo_led_action.delete()
    content["case"].delete()
    PlanFactory(code="made-after-the-backup")
    (media_root / content["evidence"].file.name).unlink()
    (media_root / "assessments" / "2024" / "assessment.docx").write_bytes(b"changed")
    (media_root / "new-after-backup.txt").write_text("should be gone after the restore")


# The round trip ------------------------------------------------------------------------------


def test_restore_brings_back_the_database_and_files_of_the_backup(
    content: dict[str, Any], media_root: Path, tmp_path: Path
) -> None:
    rows, files = database_state(), file_state(media_root)
    assert len(files) == 4  # evidence, feedback attachment, assessment, import
    archive = tmp_path / "backups" / "nightly.tar"

    output = run("backup", str(archive))

    assert f"Wrote {archive}" in output
    assert "Media: 4 file(s)" in output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert names[-1] == "manifest.json"  # last: an archive cut short has none
    assert manifest["database"]["engine"] == connection.vendor
    assert manifest["media"] == {
        "included": True,
        "storage": "django.core.files.storage.FileSystemStorage",
        "files": 4,
    }
    assert manifest["migrations"]["plans"].startswith("0")
    assert {name.removeprefix("media/") for name in manifest["members"]} >= set(files)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in archive.parent.iterdir()] == ["nightly.tar"]  # no work files left

    change_everything(content, media_root)
    assert database_state() != rows and file_state(media_root) != files
    cache.set("page:before-the-restore", "stale")

    output = run("restore", str(archive), "--no-input")

    assert "every checksum matches" in output
    assert "Restore complete" in output
    assert database_state() == rows
    assert file_state(media_root) == files
    assert cache.get("page:before-the-restore") is None
    assert [p.name for p in media_root.parent.iterdir() if p.name.startswith(".")] == []
    # The restored database takes new rows: its sequences came back with it.
    PlanFactory(code="made-after-the-restore")


def test_backup_names_the_archive_by_time_in_the_default_directory(
    content: dict[str, Any], settings, tmp_path: Path
) -> None:
    settings.BASE_DIR = tmp_path
    output = run("backup")
    (archive,) = (tmp_path / "var" / "backups").glob("rightsmonitor-backup-*-*.tar")
    assert str(archive) in output
    assert "every checksum matches" in run("restore", str(archive), "--check")


def test_check_and_a_refused_confirmation_change_nothing(
    content: dict[str, Any], media_root: Path, tmp_path: Path, monkeypatch
) -> None:
    archive = make_backup(tmp_path / "backups")
    change_everything(content, media_root)
    rows, files = database_state(), file_state(media_root)

    assert "every checksum matches" in run("restore", str(archive), "--check")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled; nothing was changed"):
        run("restore", str(archive))

    assert database_state() == rows
    assert file_state(media_root) == files


def test_a_failed_database_restore_leaves_the_database_and_files_as_they_were(
    content: dict[str, Any], media_root: Path, tmp_path: Path, monkeypatch
) -> None:
    archive = make_backup(tmp_path / "backups")
    change_everything(content, media_root)
    rows, files = database_state(), file_state(media_root)

    def fail(database: backup.Database, dump: Path) -> None:
        raise backup.BackupError("pg_restore failed (exit status 1): the disk is full")

    monkeypatch.setattr(backup, "restore_database", fail)
    with pytest.raises(CommandError, match=r"Restore failed: .*the disk is full"):
        run("restore", str(archive), "--no-input")

    assert database_state() == rows
    assert file_state(media_root) == files  # the new media were unpacked beside, then dropped
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_cache_that_cannot_be_emptied_is_reported_after_the_restore(
    content: dict[str, Any], media_root: Path, tmp_path: Path, monkeypatch
) -> None:
    archive = make_backup(tmp_path / "backups")
    rows = database_state()
    change_everything(content, media_root)

    def unreachable() -> None:
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(backup.caches["default"], "clear", unreachable)
    with pytest.raises(CommandError, match=r"restored, but the shared cache .*FLUSHDB"):
        run("restore", str(archive), "--no-input")
    assert database_state() == rows


def test_check_tells_how_the_backup_stands_against_this_codes_migrations(
    content: dict[str, Any], tmp_path: Path
) -> None:
    archive = make_backup(tmp_path / "backups")
    assert "migrate" not in run("restore", str(archive), "--check")
    manifest, files = read_archive(archive)
    assert ("auth", "0001_initial") in MigrationLoader(None).graph.nodes

    manifest["migrations"]["auth"] = "0001_initial"
    write_archive(archive, manifest, files)
    assert "older than this code's migrations (apps: auth): run 'manage.py migrate'" in run(
        "restore", str(archive), "--check"
    )

    manifest["migrations"]["plans"] = "9999_from_a_newer_version"
    write_archive(archive, manifest, files)
    assert "made by a newer version of the code" in run("restore", str(archive), "--check")


def test_backup_refuses_to_write_inside_media_root(media_root: Path) -> None:
    with pytest.raises(CommandError, match="inside MEDIA_ROOT"):
        run("backup", str(media_root / "backups"))
    assert list(media_root.iterdir()) == []


# Refused archives ----------------------------------------------------------------------------


def read_archive(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    with tarfile.open(path) as tar:
        files = {
            info.name: tar.extractfile(info).read()  # type: ignore[union-attr]
            for info in tar.getmembers()
        }
    return json.loads(files.pop("manifest.json")), files


def write_archive(
    path: Path,
    manifest: dict[str, Any] | None,
    files: dict[str, bytes],
    links: dict[str, str] | None = None,
) -> None:
    """A tar of ``files`` (and symbolic ``links``), then ``manifest`` with fresh checksums."""
    path.unlink(missing_ok=True)
    with tarfile.open(path, "w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
        if manifest is not None:
            manifest["members"] = {
                name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                for name, data in files.items()
            }
            manifest["members"].update(
                {name: {"sha256": hashlib.sha256().hexdigest(), "size": 0} for name in links or {}}
            )
            data = json.dumps(manifest).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def flip_a_byte(path: Path) -> None:
    with tarfile.open(path) as tar:
        offset = next(i.offset_data for i in tar.getmembers() if i.name.startswith("media/"))
    with path.open("r+b") as file:
        file.seek(offset)
        byte = file.read(1)
        file.seek(offset)
        file.write(bytes([byte[0] ^ 0xFF]))


def cut_short(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def not_a_tar(path: Path) -> None:
    path.write_bytes(b"This is not an archive.\n" * 100)


def foreign_tar(path: Path) -> None:
    write_archive(path, None, {"notes.txt": b"someone else's archive"})


def foreign_manifest(path: Path) -> None:
    manifest, files = read_archive(path)
    write_archive(path, {**manifest, "format": "other-backup"}, files)


def newer_format(path: Path) -> None:
    manifest, files = read_archive(path)
    write_archive(path, {**manifest, "version": backup.VERSION + 1}, files)


def unlisted_member(path: Path) -> None:
    with tarfile.open(path, "a") as tar:
        info = tarfile.TarInfo("media/smuggled.txt")
        tar.addfile(info, io.BytesIO(b""))


def climbs_out_of_media(path: Path) -> None:
    manifest, files = read_archive(path)
    files["media/../../escaped.txt"] = b"written outside MEDIA_ROOT"
    manifest["media"]["files"] += 1
    write_archive(path, manifest, files)


def symbolic_link(path: Path) -> None:
    manifest, files = read_archive(path)
    manifest["media"]["files"] += 1
    write_archive(path, manifest, files, links={"media/passwords": "/etc/passwd"})


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (flip_a_byte, "is damaged: media/.* does not match the checksum"),
        (cut_short, "damaged|cut short"),
        (not_a_tar, "is not a backup archive"),
        (foreign_tar, "has no manifest.json: it is not a Rights Monitor backup"),
        (foreign_manifest, "is not a Rights Monitor backup"),
        (newer_format, "made by a newer version of Rights Monitor"),
        (unlisted_member, r"does not match its manifest \(not listed: media/smuggled.txt"),
        (climbs_out_of_media, "holds files outside media/"),
        (symbolic_link, "media/passwords is not a regular file"),
    ],
)
def test_a_damaged_or_foreign_archive_is_refused_with_nothing_changed(
    damage, message: str, content: dict[str, Any], media_root: Path, tmp_path: Path
) -> None:
    archive = make_backup(tmp_path / "backups")
    change_everything(content, media_root)
    rows, files = database_state(), file_state(media_root)
    damage(archive)

    with pytest.raises(CommandError, match=f"Restore refused: .*({message})"):
        run("restore", str(archive), "--no-input")

    assert database_state() == rows
    assert file_state(media_root) == files
    assert not (tmp_path / "escaped.txt").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_dump_of_the_other_engine_is_refused_with_nothing_changed(
    content: dict[str, Any], media_root: Path, tmp_path: Path
) -> None:
    archive = make_backup(tmp_path / "backups")
    change_everything(content, media_root)
    rows, files = database_state(), file_state(media_root)
    manifest, members = read_archive(archive)
    members[backup.DUMP_MEMBERS[OTHER_ENGINE]] = members.pop(manifest["database"]["member"])
    manifest["database"] = {"engine": OTHER_ENGINE, "member": backup.DUMP_MEMBERS[OTHER_ENGINE]}
    write_archive(archive, manifest, members)

    with pytest.raises(CommandError) as refused:
        run("restore", str(archive), "--no-input")

    this, other = backup.ENGINE_NAMES[connection.vendor], backup.ENGINE_NAMES[OTHER_ENGINE]
    assert f"holds a {other} dump, but the configured database is {this}" in str(refused.value)
    assert database_state() == rows
    assert file_state(media_root) == files


# Media on an object store --------------------------------------------------------------------


def test_with_media_on_an_object_store_only_the_database_is_backed_up_and_restored(
    content: dict[str, Any], media_root: Path, tmp_path: Path, settings
) -> None:
    rows = database_state()
    file_storage = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    output = run("backup", str(tmp_path / "backups"))
    assert "Media files are not included: they are on an object store" in output
    assert "versioning or replication" in output
    (archive,) = (tmp_path / "backups").glob("*.tar")
    manifest, members = read_archive(archive)
    assert manifest["media"]["included"] is False
    assert list(members) == [manifest["database"]["member"]]

    # Back on the disk, the restore must not empty MEDIA_ROOT for want of files in the archive.
    settings.STORAGES = {**settings.STORAGES, "default": file_storage}
    change_everything(content, media_root)
    files = file_state(media_root)
    output = run("restore", str(archive), "--no-input")

    assert "Media files are left as they are" in output
    assert database_state() == rows
    assert file_state(media_root) == files


# PostgreSQL's client programs ----------------------------------------------------------------

postgresql_only = pytest.mark.skipif(not ON_POSTGRESQL, reason="pg_dump runs for PostgreSQL only")


@postgresql_only
def test_backup_fails_clearly_without_pg_dump(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(CommandError, match="pg_dump was not found on PATH"):
        run("backup", str(tmp_path / "backups"))
    assert list((tmp_path / "backups").iterdir()) == []


@postgresql_only
def test_backup_fails_clearly_when_pg_dump_fails(tmp_path: Path, monkeypatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text('#!/bin/sh\necho "pg_dump: error: connection refused" >&2\nexit 1\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(CommandError, match=r"pg_dump failed \(exit status 1\): .*refused"):
        run("backup", str(tmp_path / "backups"))
    assert list((tmp_path / "backups").iterdir()) == []


@postgresql_only
def test_a_failing_pg_restore_is_reported_and_changes_nothing(
    content: dict[str, Any], media_root: Path, tmp_path: Path, monkeypatch
) -> None:
    archive = make_backup(tmp_path / "backups")
    change_everything(content, media_root)
    rows, files = database_state(), file_state(media_root)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_restore"
    fake.write_text('#!/bin/sh\necho "pg_restore: error: could not execute query" >&2\nexit 1\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))

    with pytest.raises(CommandError, match=r"pg_restore failed \(exit status 1\): .*query"):
        run("restore", str(archive), "--no-input")

    assert database_state() == rows
    assert file_state(media_root) == files
