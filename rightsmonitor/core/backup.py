"""One archive holding the database and the media files, and the restore of such an archive.

``manage.py backup`` and ``manage.py restore`` are thin wrappers over ``create_backup``,
``inspect_archive`` and ``restore_backup``; docs/operations-backup.md is the operator's guide.

An archive is a plain tar (the dump and most uploads are compressed already)::

    database.pgdump | database.sqlite3   pg_dump --format=custom, or SQLite's online backup
    media/<path>                         every regular file under MEDIA_ROOT
    manifest.json                        what is inside, with the size and sha256 of each member

The manifest is written last, so an archive cut short has none and is refused; the archive is
written under a hidden temporary name beside its final one and renamed when complete.

A restore reads the manifest and every checksum before it changes anything. It then unpacks
the media into a directory beside MEDIA_ROOT, restores the database (one transaction with
PostgreSQL, one step of the backup API with SQLite) and only then swaps the new media
directory in, so that a failure at any point before the swap leaves both as they were.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.module_loading import import_string

from rightsmonitor.core import pagecache

FORMAT = "rightsmonitor-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DUMP_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
CHUNK = 1024 * 1024
# Hidden names of the work directories, never taken for media or for a finished archive.
WORK_PREFIX = ".rightsmonitor-backup-"
STAGING_PREFIX = ".rightsmonitor-restore-"
REPLACED_PREFIX = ".rightsmonitor-replaced-"
# libpq reads these from the environment; Django passes the same OPTIONS to psycopg.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why in plain English."""


def default_directory() -> Path:
    return Path(settings.BASE_DIR) / "var" / "backups"


# Where things are ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    vendor: str  # "postgresql" or "sqlite", as in DUMP_MEMBERS
    params: dict[str, Any]  # the connection's settings_dict: under pytest, the test database

    @property
    def description(self) -> str:
        if self.vendor == "sqlite":
            return f"SQLite database {self.params['NAME']}"
        where = self.params.get("HOST") or "the local socket"
        if self.params.get("PORT"):
            where = f"{where}:{self.params['PORT']}"
        return f'PostgreSQL database "{self.params["NAME"]}" on {where}'


def configured_database() -> Database:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor not in DUMP_MEMBERS:
        raise BackupError(
            f"Only PostgreSQL and SQLite databases can be backed up, not {connection.vendor}."
        )
    return Database(connection.vendor, dict(connection.settings_dict))


@dataclass(frozen=True)
class MediaLocation:
    root: Path | None  # None: the files are on an object store, not on this disk
    backend: str
    bucket: str = ""


def media_location() -> MediaLocation:
    # Typed loosely: the OPTIONS of each backend differ.
    config: dict[str, Any] = dict(settings.STORAGES["default"])
    if issubclass(import_string(config["BACKEND"]), FileSystemStorage):
        location = config.get("OPTIONS", {}).get("location") or settings.MEDIA_ROOT
        return MediaLocation(Path(location).resolve(), config["BACKEND"])
    bucket = config.get("OPTIONS", {}).get("bucket_name") or ""
    return MediaLocation(None, config["BACKEND"], bucket)


def object_store_note(media: MediaLocation) -> str:
    store = f"bucket {media.bucket!r}, {media.backend}" if media.bucket else media.backend
    return (
        f"Media files are not included: they are on an object store ({store}), whose own "
        "versioning or replication is their backup."
    )


# Backup --------------------------------------------------------------------------------------


@dataclass
class BackupSummary:
    path: Path
    size: int
    database: str
    dump_size: int
    media_root: Path | None
    media_files: int = 0
    media_bytes: int = 0
    skipped: list[str] = field(default_factory=list)  # symbolic links and other non-files


def archive_path(destination: Path | None, created: datetime) -> Path:
    """A path ending in .tar is the archive itself; anything else is a directory for it."""
    name = f"rightsmonitor-backup-{timezone.localtime(created):%Y%m%d-%H%M%S}.tar"
    if destination is None:
        return default_directory() / name
    if destination.suffix == ".tar" and not destination.is_dir():
        return destination
    return destination / name


def create_backup(destination: Path | None = None) -> BackupSummary:
    """Write the database and the media files into one archive; return what went in."""
    database = configured_database()
    media = media_location()
    created = timezone.now()
    target = archive_path(destination, created).absolute()
    if target.exists():
        raise BackupError(f"{target} already exists; choose another name.")
    if media.root is not None and target.resolve().is_relative_to(media.root):
        raise BackupError(
            f"The archive would be written inside MEDIA_ROOT ({media.root}), and so into "
            "every later backup: choose a directory outside it."
        )
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    summary = BackupSummary(target, 0, database.description, 0, media.root)
    # The work directory sits beside the archive so that the final rename stays on one
    # filesystem; a crash leaves only this hidden directory, never a file named like a backup.
    with tempfile.TemporaryDirectory(prefix=WORK_PREFIX, dir=target.parent) as work:
        dump = Path(work) / DUMP_MEMBERS[database.vendor]
        dump_database(database, dump)
        partial = Path(work) / "archive.tar"
        members: dict[str, dict[str, Any]] = {}
        _create_private(partial)
        with (
            partial.open("wb") as raw,
            tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            members[dump.name] = _add_file(tar, dump, dump.name)
            summary.dump_size = members[dump.name]["size"]
            if media.root is not None:
                for path in _media_files(media.root, summary.skipped):
                    name = f"{MEDIA}/{path.relative_to(media.root).as_posix()}"
                    members[name] = _add_file(tar, path, name)
                    summary.media_files += 1
                    summary.media_bytes += members[name]["size"]
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created": created.isoformat(),
                "database": {"engine": database.vendor, "member": dump.name},
                "migrations": applied_migrations(),
                "media": {
                    "included": media.root is not None,
                    "storage": media.backend,
                    "files": summary.media_files,
                },
                "members": members,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        partial.replace(target)
    _fsync_directory(target.parent)
    summary.size = target.stat().st_size
    return summary


def dump_database(database: Database, target: Path) -> None:
    if database.vendor == "sqlite":
        _dump_sqlite(database, target)
    else:
        command, env = _pg_command("pg_dump", database)
        _run([*command, "--format=custom", f"--file={target}"], env, "pg_dump")


def _dump_sqlite(database: Database, target: Path) -> None:
    # uri=True as Django connects: the name may be a file: URI (pytest's in-memory database).
    source = sqlite3.connect(str(database.params["NAME"]), uri=True, timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            # The online backup API reads one consistent snapshot while the site keeps writing.
            source.backup(copy)
            # The copy inherits WAL mode; as a rollback-journal file it is complete on its own.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()


def applied_migrations() -> dict[str, str]:
    """The latest applied migration of each app (names start with their zero-padded number)."""
    applied = MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations()
    latest: dict[str, str] = {}
    for app, name in applied:
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def _media_files(root: Path, skipped: list[str]) -> Iterator[Path]:
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        # Sorted for a stable archive; no link is followed, and no work directory of ours.
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith((STAGING_PREFIX, REPLACED_PREFIX, WORK_PREFIX))
            and not _skip_link(here / d, root, skipped)
        )
        for name in sorted(files):
            path = here / name
            if _skip_link(path, root, skipped):
                continue
            if not path.is_file():
                skipped.append(path.relative_to(root).as_posix())
                continue
            yield path


def _skip_link(path: Path, root: Path, skipped: list[str]) -> bool:
    if path.is_symlink():
        skipped.append(path.relative_to(root).as_posix())
        return True
    return False


class _HashingReader:
    """Hands the file to tarfile and hashes what it reads, so each file is read once."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    with path.open("rb") as file:
        info = tar.gettarinfo(arcname=name, fileobj=file)
        # Owners of this machine mean nothing on the one that restores.
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(file)
        tar.addfile(info, reader)  # read() is all that tarfile asks of it
    return {"sha256": reader.sha256.hexdigest(), "size": info.size}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _create_private(path: Path) -> None:
    # The archive holds password hashes and personal data: readable by its owner only.
    path.touch(mode=0o600, exist_ok=False)


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# PostgreSQL client programs ------------------------------------------------------------------


def _pg_command(program: str, database: Database) -> tuple[list[str], dict[str, str]]:
    """The program with the connection of Django's settings; the password goes in PGPASSWORD,
    never on the command line, where any user of the machine could read it."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} was not found on PATH. Install the PostgreSQL client programs "
            "(Debian: apt install postgresql-client), of the server's major version or newer."
        )
    params = database.params
    command = [executable, "--no-password"]  # never wait for a password at a prompt (cron)
    if params.get("HOST"):
        command.append(f"--host={params['HOST']}")
    if params.get("PORT"):
        command.append(f"--port={params['PORT']}")
    if params.get("USER"):
        command.append(f"--username={params['USER']}")
    if params.get("NAME"):
        command.append(f"--dbname={params['NAME']}")
    # The child needs PATH, HOME and the locale of this process as well as the connection.
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    for option, variable in LIBPQ_OPTIONS.items():
        value = (params.get("OPTIONS") or {}).get(option)
        if value:
            env[variable] = str(value)
    return command, env


def _run(command: list[str], env: dict[str, str], program: str) -> None:
    # A list of arguments, no shell: names from the settings cannot inject a command.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = result.stderr.strip() or result.stdout.strip() or "no message"
        raise BackupError(f"{program} failed (exit status {result.returncode}): {detail}")


# Reading an archive --------------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    """An archive whose manifest and checksums have been checked."""

    path: Path
    manifest: dict[str, Any]

    @property
    def engine(self) -> str:
        return str(self.manifest["database"]["engine"])

    @property
    def database_member(self) -> str:
        return str(self.manifest["database"]["member"])

    @property
    def media_included(self) -> bool:
        return bool(self.manifest["media"]["included"])

    @property
    def media_files(self) -> int:
        return int(self.manifest["media"]["files"])

    @property
    def created(self) -> str:
        """When the backup was made, in the site's time zone."""
        made = timezone.localtime(datetime.fromisoformat(self.manifest["created"]))
        return f"{made:%Y-%m-%d %H:%M:%S} ({made.tzname()})"

    @property
    def members(self) -> dict[str, dict[str, Any]]:
        return dict(self.manifest["members"])


def _open_tar(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:")
    except FileNotFoundError as exc:
        raise BackupError(f"{path} does not exist.") from exc
    except PermissionError as exc:
        raise BackupError(f"{path} cannot be read: permission denied.") from exc
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(
            f"{path} is not a backup archive: it cannot be read as a tar file."
        ) from exc


def inspect_archive(path: Path) -> Archive:
    """Check the manifest and the sha256 of every member; change nothing."""
    try:
        with _open_tar(path) as tar:
            return _inspect(path, tar)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{path} is damaged (cut short or corrupt): {exc}.") from exc


def _inspect(path: Path, tar: tarfile.TarFile) -> Archive:
    members: dict[str, tarfile.TarInfo] = {}
    for info in tar.getmembers():
        if info.name in members:
            raise BackupError(f"{path} holds {info.name} twice: it is not one of our backups.")
        members[info.name] = info
    if MANIFEST not in members:
        raise BackupError(
            f"{path} has no {MANIFEST}: it is not a Rights Monitor backup, or it was cut short."
        )
    archive = Archive(path, _manifest(path, _read(tar, members[MANIFEST])))
    listed = archive.members
    unlisted = sorted(set(members) - set(listed) - {MANIFEST})
    missing = sorted(set(listed) - set(members))
    if unlisted or missing:
        raise BackupError(
            f"{path} does not match its manifest (not listed: {', '.join(unlisted) or 'none'}; "
            f"missing: {', '.join(missing) or 'none'})."
        )
    for name, expected in listed.items():
        info = members[name]
        if not info.isfile():
            raise BackupError(f"{path}: {name} is not a regular file; refusing the archive.")
        with tar.extractfile(info) as data:  # type: ignore[union-attr]  # a file, checked above
            digest = _sha256(data)
        if digest != expected["sha256"] or info.size != expected["size"]:
            raise BackupError(
                f"{path} is damaged: {name} does not match the checksum in the manifest."
            )
    return archive


def _read(tar: tarfile.TarFile, info: tarfile.TarInfo) -> bytes:
    data = tar.extractfile(info) if info.isfile() else None
    if data is None:
        raise BackupError(f"{MANIFEST} is not a regular file.")
    with data:
        return data.read()


def _manifest(path: Path, raw: bytes) -> dict[str, Any]:
    """The parsed manifest, after checking that it is ours and says what a restore needs."""
    try:
        manifest = json.loads(raw)
    except ValueError as exc:
        raise BackupError(f"{path}: {MANIFEST} is not valid JSON.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Rights Monitor backup (its manifest is foreign).")
    if not isinstance(manifest.get("version"), int) or manifest["version"] > VERSION:
        raise BackupError(
            f"{path} was made by a newer version of Rights Monitor (archive format "
            f"{manifest.get('version')!r}); this one reads format {VERSION}."
        )
    try:
        engine = manifest["database"]["engine"]
        member = manifest["database"]["member"]
        members = manifest["members"]
        included = manifest["media"]["included"]
        files = manifest["media"]["files"]
        checks = [
            engine in DUMP_MEMBERS and member == DUMP_MEMBERS[engine],
            isinstance(manifest["created"], str) and _is_aware_time(manifest["created"]),
            isinstance(manifest["migrations"], dict),
            isinstance(included, bool) and isinstance(files, int),
            isinstance(members, dict) and member in members,
            all(
                isinstance(entry, dict)
                and isinstance(entry.get("sha256"), str)
                and isinstance(entry.get("size"), int)
                for entry in members.values()
            ),
        ]
    except (KeyError, TypeError) as exc:
        raise BackupError(f"{path}: {MANIFEST} lacks {exc}.") from exc
    if not all(checks):
        raise BackupError(f"{path}: {MANIFEST} is not valid.")
    media = [name for name in members if name != member]
    if any(not _is_media_name(name) for name in media):
        raise BackupError(f"{path} holds files outside {MEDIA}/; refusing the archive.")
    if len(media) != files or (media and not included):
        raise BackupError(f"{path}: the manifest's count of media files does not add up.")
    return manifest


def _is_aware_time(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def _is_media_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return len(parts) > 1 and parts[0] == MEDIA and ".." not in parts and not name.startswith("/")


def _sha256(data: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := data.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def migration_notes(archive: Archive) -> list[str]:
    """How the database in the archive stands against this code's migrations."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    latest: dict[str, str] = {}
    for app, name in graph.leaf_nodes():
        latest[app] = max(latest.get(app, name), name)
    saved: dict[str, str] = archive.manifest["migrations"]
    unknown = sorted(
        f"{app}.{name}" for app, name in saved.items() if (app, name) not in graph.nodes
    )
    behind = sorted(
        app for app, name in latest.items() if saved.get(app) != name and app not in unknown
    )
    notes = []
    if unknown:
        notes.append(
            "The backup was made by a newer version of the code (this code lacks the migrations "
            f"{', '.join(unknown)}): deploy that version before serving the restored site."
        )
    elif behind:
        notes.append(
            "The backup is older than this code's migrations (apps: "
            f"{', '.join(behind)}): run 'manage.py migrate' after the restore."
        )
    return notes


# Restore -------------------------------------------------------------------------------------


@dataclass
class RestoreSummary:
    database: str
    media_root: Path | None = None
    media_files: int = 0
    cache_error: str = ""  # the shared cache could not be emptied (Redis down?)


def check_restorable(archive: Archive, *, with_media: bool = True) -> list[str]:
    """Refuse what cannot be restored here; return warnings about what will not be."""
    database = configured_database()
    if archive.engine != database.vendor:
        raise BackupError(
            f"{archive.path} holds a {ENGINE_NAMES[archive.engine]} dump, but the configured "
            f"database is {ENGINE_NAMES[database.vendor]}. Point DATABASE_URL at a "
            f"{ENGINE_NAMES[archive.engine]} database to restore it; nothing was changed."
        )
    media = media_location()
    if not with_media or not archive.media_included:
        reason = "as asked" if not with_media else "the backup has none (object store)"
        return [f"Media files are left as they are ({reason})."]
    if media.root is None:
        return [
            f"The backup's {archive.media_files} media files are not restored: media are now "
            f"on an object store ({media.backend}). Copy them from the archive's {MEDIA}/ "
            "folder to the bucket if you need them."
        ]
    if media.root.is_dir() and os.path.ismount(media.root):
        raise BackupError(
            f"MEDIA_ROOT ({media.root}) is a mount point, so it cannot be swapped whole. Mount "
            "the volume one level up, or restore with --no-media and extract the archive's "
            f"{MEDIA}/ folder into it yourself; nothing was changed."
        )
    return []


def restore_backup(archive: Archive, *, with_media: bool = True) -> RestoreSummary:
    """Replace the database and the media files with those of a checked archive."""
    check_restorable(archive, with_media=with_media)
    database = configured_database()
    media = media_location()
    restore_media = with_media and archive.media_included and media.root is not None
    summary = RestoreSummary(database.description)
    staging: Path | None = None
    with tempfile.TemporaryDirectory(prefix=STAGING_PREFIX) as work:
        with _open_tar(archive.path) as tar:
            dump = _extract_database(tar, archive, Path(work))
            if restore_media:
                assert media.root is not None
                staging = _stage_media(tar, archive, media.root)
        try:
            # Our own connections would hold locks (PostgreSQL) or a stale view (SQLite).
            connections.close_all()
            restore_database(database, dump)
        except BaseException:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            raise
    if staging is not None and media.root is not None:
        try:
            _swap_in(staging / MEDIA, media.root)
        except OSError as exc:
            raise BackupError(
                f"The database was restored, but the media files could not be put in place "
                f"({exc}); {media.root} still holds the old ones. Run the restore again."
            ) from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        summary.media_root = media.root
        summary.media_files = archive.media_files
    # No page or count made from the old content may be served again.
    pagecache.forget_local()
    try:
        caches["default"].clear()
    except Exception as exc:  # the restore itself is done: say so, and what is left to do
        summary.cache_error = f"{type(exc).__name__}: {exc}"
    return summary


def _extract_database(tar: tarfile.TarFile, archive: Archive, work: Path) -> Path:
    name = archive.database_member
    target = work / name
    data = tar.extractfile(name)
    if data is None:
        raise BackupError(f"{archive.path}: {name} is not a regular file.")
    digest = hashlib.sha256()
    _create_private(target)
    with data, target.open("wb") as out:
        while chunk := data.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    # Checked again as it is copied: the archive could have changed since it was inspected.
    if digest.hexdigest() != archive.members[name]["sha256"]:
        raise BackupError(f"{archive.path} changed while it was being read; nothing was changed.")
    return target


def _stage_media(tar: tarfile.TarFile, archive: Archive, root: Path) -> Path:
    """Unpack the media beside MEDIA_ROOT (same filesystem, so the swap is a rename)."""
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root.parent))
    try:
        # Each member was checked to be a regular file under media/ with no ".." (inspect);
        # written one by one, not with extractall: tarfile's "data" filter is missing from
        # the Python 3.11.2 of Debian 12, and no link, device or mode bit is taken over.
        for name in archive.members:
            if not name.startswith(f"{MEDIA}/"):
                continue
            target = (staging / name).resolve()
            if not target.is_relative_to(staging.resolve()):
                raise BackupError(f"{archive.path}: {name} points outside the media folder.")
            target.parent.mkdir(parents=True, exist_ok=True)
            data = tar.extractfile(name)
            if data is None:
                raise BackupError(f"{archive.path}: {name} is not a file.")
            with data, target.open("xb") as out:
                shutil.copyfileobj(data, out, 1024 * 1024)
        new_root = staging / MEDIA
        new_root.mkdir(exist_ok=True)  # a backup without files still restores an empty folder
        if root.is_dir():
            new_root.chmod(root.stat().st_mode & 0o7777)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _swap_in(new: Path, root: Path) -> None:
    """Put the directory ``new`` where ``root`` is, by two renames; the old one is removed."""
    replaced = root.with_name(f"{REPLACED_PREFIX}{root.name}-{secrets.token_hex(4)}")
    existed = root.exists()
    if existed:
        root.rename(replaced)
    try:
        new.rename(root)
    except BaseException:
        if existed:
            replaced.rename(root)
        raise
    if existed:
        # The swap is done; a file that will not go (held open elsewhere) stays hidden here.
        shutil.rmtree(replaced, ignore_errors=True)


def restore_database(database: Database, dump: Path) -> None:
    if database.vendor == "sqlite":
        _restore_sqlite(database, dump)
    else:
        command, env = _pg_command("pg_restore", database)
        # One transaction: a dump that fails half-way leaves the database as it was.
        options = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run([*command, *options, str(dump)], env, "pg_restore")


def _restore_sqlite(database: Database, dump: Path) -> None:
    source = sqlite3.connect(dump)
    try:
        target = sqlite3.connect(str(database.params["NAME"]), uri=True, timeout=30)
        try:
            # In one step: other connections see the old database or the new, never a mixture.
            source.backup(target)
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise BackupError(f"The SQLite restore failed: {exc}.") from exc
    finally:
        source.close()


def size_text(size: int) -> str:
    value, unit = float(size), "bytes"
    for bigger in ("KB", "MB", "GB", "TB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
