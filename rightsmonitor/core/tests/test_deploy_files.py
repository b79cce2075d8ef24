"""The files an operator installs (``deploy/``), checked without a container engine.

- ``deploy/compose.yaml``: the services, the shared media volume, the health checks;
- ``deploy/Dockerfile``: what it copies exists (and is not left out of the build context), the
  build's throwaway keys satisfy production settings, it runs as a user and checks its health;
- ``deploy/systemd``: the units read as INI and start commands that exist, sandboxed
  (``systemd-analyze verify`` too, where it is installed);
- ``deploy/nginx``: the body limit is at least ``MAX_REQUEST_BYTES`` (``nginx -t`` too, where
  nginx is installed);
- every environment variable that ``settings.py`` and ``gunicorn.conf.py`` read is in the
  README's "Deploying" table and in ``deploy/systemd/env.example``, and that file, filled in,
  passes ``check --deploy``.

The last test builds the image, starts the compose stack and reads ``/healthz``; it is skipped
where no Docker daemon answers (this project's machines and CI have the client only).
"""

from __future__ import annotations

import base64
import configparser
import fnmatch
import importlib.util
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
SYSTEMD = DEPLOY / "systemd"
APP_DIR = "/srv/rightsmonitor"  # where the units and the manage wrapper expect the code
ENV_FILE = "/etc/rightsmonitor/env"

# envstr("NAME", ...), envbool(...), envint(...), envlist(...), os.environ.get("NAME", ...),
# os.environ["NAME"], os.getenv("NAME"): the name as a string literal.
ENV_READ = re.compile(
    r"""(?:\benv(?:str|bool|int|list)\(|os\.environ\.get\(|os\.environ\[|os\.getenv\()\s*"""
    r"""["']([A-Z][A-Z0-9_]*)["']"""
)
# Read by libraries rather than by our settings: boto3 takes the bucket's keys itself.
READ_BY_LIBRARIES = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"})
# scripts/serve.sh (`make serve`) reads these as ${NAME:-default}.
SHELL_DEFAULT = re.compile(r"\$\{([A-Z][A-Z0-9_]*):-")
# compose.yaml interpolates ${NAME}, ${NAME:-default}, ${NAME:?message}.
COMPOSE_VARIABLE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")


def environment_variables_read() -> set[str]:
    names: set[str] = set()
    for source in (ROOT / "rightsmonitor" / "settings.py", ROOT / "gunicorn.conf.py"):
        names |= set(ENV_READ.findall(source.read_text(encoding="utf-8")))
    return names | READ_BY_LIBRARIES


def readme_deploying_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "\n## Deploying\n" in text, "README.md has no Deploying section"
    section = text.split("\n## Deploying\n", 1)[1]
    return section.split("\n## ", 1)[0]


def readme_table_variables() -> set[str]:
    """The names in the first column of the Deploying section's tables."""
    names: set[str] = set()
    for line in readme_deploying_section().splitlines():
        if line.startswith("|"):
            first_cell = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def env_example() -> str:
    return (SYSTEMD / "env.example").read_text(encoding="utf-8")


def env_example_variables() -> set[str]:
    """Every NAME=value line, set or commented out (left at its default)."""
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", env_example(), re.MULTILINE))


def env_example_values() -> dict[str, str]:
    values = {}
    for name, value in re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", env_example(), re.MULTILINE):
        values[name] = value[1:-1] if value.startswith('"') else value
    return values


def fernet_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


# --- environment variables ------------------------------------------------------------------


def test_the_parser_finds_the_settings_read() -> None:
    """The regular expression must see each kind of read, or the checks below prove nothing."""
    found = environment_variables_read()
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "MAX_REQUEST_BYTES", "FEEDBACK_KEYS"} <= found
    assert {"GUNICORN_BIND", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"} <= found  # os.environ
    assert {"LOG_FORMAT", "SENTRY_DSN", "MEDIA_S3_BUCKET", "WORKER_LOST_AFTER"} <= found


def test_every_setting_is_in_the_readme_deploying_table() -> None:
    missing = environment_variables_read() - readme_table_variables()
    assert not missing, f"add to README.md, Deploying, Every setting: {sorted(missing)}"


def test_every_setting_is_in_env_example() -> None:
    missing = environment_variables_read() - env_example_variables()
    assert not missing, f"add to deploy/systemd/env.example: {sorted(missing)}"


def test_make_serve_and_compose_variables_are_in_the_readme() -> None:
    serve = set(SHELL_DEFAULT.findall((ROOT / "scripts" / "serve.sh").read_text()))
    compose = set(COMPOSE_VARIABLE.findall((DEPLOY / "compose.yaml").read_text()))
    assert {"HOST", "PORT", "RUN"} <= serve
    missing = (serve | compose) - readme_table_variables()
    assert not missing, f"add to README.md, Deploying, Every setting: {sorted(missing)}"


def test_nothing_documented_that_nobody_reads() -> None:
    """A renamed or removed setting must leave the README's table and env.example too."""
    compose = set(COMPOSE_VARIABLE.findall((DEPLOY / "compose.yaml").read_text()))
    serve = set(SHELL_DEFAULT.findall((ROOT / "scripts" / "serve.sh").read_text()))
    known = environment_variables_read() | compose | serve
    assert readme_table_variables() - known == set()
    assert env_example_variables() - known == set()


def test_env_example_reads_the_same_in_systemd_compose_and_a_shell() -> None:
    """NAME=value lines only: no comment after a value (systemd would keep it in the value), no
    $ (Compose would expand it), quotes around spaces (a shell would split the value)."""
    for number, line in enumerate(env_example().splitlines(), start=1):
        if not line or line.startswith("#"):
            continue
        assert re.fullmatch(r'[A-Z][A-Z0-9_]*=("[^"$]*"|[^"\s$#]*)', line), (number, line)


def test_env_example_filled_in_passes_check_deploy() -> None:
    """The example's values, with the two secrets made as its comments say, are a valid
    production configuration (the database and Redis are not reached by the checks)."""
    values = env_example_values()
    assert values["DEBUG"] == "false"
    assert values["SECRET_KEY"] == "" and values["FEEDBACK_KEYS"] == ""
    values |= {"SECRET_KEY": secrets.token_urlsafe(64), "FEEDBACK_KEYS": fernet_key()}
    # Not what an operator has: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process.
    ours = environment_variables_read() | {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **values},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout


# --- compose.yaml ---------------------------------------------------------------------------


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def volume_sources(service: dict) -> set[str]:
    sources = set()
    for volume in service.get("volumes", []):
        sources.add(volume.split(":", 1)[0] if isinstance(volume, str) else volume["source"])
    return sources


def test_compose_has_the_services_and_a_shared_media_volume() -> None:
    spec = compose()
    services = spec["services"]
    assert {"postgres", "redis", "migrate", "web", "worker"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert "media" in spec["volumes"]
    assert "media" in volume_sources(services["web"])
    assert "media" in volume_sources(services["worker"])
    assert "pgdata" in spec["volumes"] and "pgdata" in volume_sources(services["postgres"])
    # MEDIA_ROOT and the progress cache are inside the shared volume, not beside it.
    mount = next(v for v in services["web"]["volumes"] if v.startswith("media:")).split(":")[1]
    environment = services["web"]["environment"]
    assert environment["MEDIA_ROOT"].startswith(mount + "/")
    assert environment["PROGRESS_CACHE_DIR"].startswith(mount + "/")


def test_compose_commands_dependencies_and_health_checks() -> None:
    services = compose()["services"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"] == ["python", "manage.py", "worker"]
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["env_file"], name
    for name in ("postgres", "redis", "web"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["web"]["environment"]["GUNICORN_BIND"] == "0.0.0.0:8000"
    assert services["worker"]["stop_signal"] == "SIGTERM"


def test_compose_runs_commands_that_exist() -> None:
    commands = get_commands()
    for name in ("migrate", "worker"):
        argv = compose()["services"][name]["command"]
        assert argv[:2] == ["python", "manage.py"] and argv[2] in commands, argv


# --- Dockerfile -----------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments left out."""
    lines = [
        line
        for line in (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def dockerignore_patterns() -> list[str]:
    text = (ROOT / ".dockerignore").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def ignored(path: str, patterns: list[str]) -> bool:
    return any(
        fnmatch.fnmatch(path, pattern) or path.startswith(pattern.rstrip("/") + "/")
        for pattern in patterns
    )


def test_dockerfile_copies_sources_that_exist_and_are_in_the_context() -> None:
    patterns = dockerignore_patterns()
    assert {".venv", "var", "node_modules", ".git"} <= set(patterns)
    copied = []
    for keyword, arguments in dockerfile_instructions():
        if keyword in {"COPY", "ADD"} and "--from=" not in arguments:
            words = [word for word in shlex.split(arguments) if not word.startswith("--")]
            copied += words[:-1]
    assert {"uv.lock", "pyproject.toml", "manage.py", "gunicorn.conf.py", "rightsmonitor"} <= set(
        copied
    )
    for source in copied:
        assert (ROOT / source).exists(), source
        assert not ignored(source, patterns), f"{source} is left out by .dockerignore"


def test_dockerfile_base_dependencies_user_health_and_command() -> None:
    instructions = dockerfile_instructions()
    text = "\n".join(f"{keyword} {arguments}" for keyword, arguments in instructions)
    assert "ARG PYTHON_IMAGE=python:3.11-slim-bookworm" in text
    assert "uv sync --frozen --no-dev" in text
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "postgresql-client"):
        assert package in text, package
    assert "collectstatic" in text
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert [arguments for keyword, arguments in instructions if keyword == "EXPOSE"] == ["8000"]
    healthchecks = [arguments for keyword, arguments in instructions if keyword == "HEALTHCHECK"]
    assert len(healthchecks) == 1 and "/healthz" in healthchecks[0]
    command = [arguments for keyword, arguments in instructions if keyword == "CMD"][-1]
    assert json.loads(command) == ["gunicorn", "-c", "gunicorn.conf.py", "rightsmonitor.wsgi"]


def test_the_build_time_keys_satisfy_production_settings() -> None:
    """collectstatic runs at build time with DEBUG off: its throwaway keys must pass."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    secret_key = re.search(r"SECRET_KEY=(\S+)", text)
    feedback_keys = re.search(r"FEEDBACK_KEYS=(\S+)", text)
    assert secret_key and feedback_keys
    clean = {k: v for k, v in os.environ.items() if k not in environment_variables_read()}
    result = subprocess.run(
        [sys.executable, "-c", "import rightsmonitor.settings"],
        env={
            **clean,
            "DEBUG": "false",
            "SECRET_KEY": secret_key[1],
            "FEEDBACK_KEYS": feedback_keys[1],
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- systemd --------------------------------------------------------------------------------


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string((SYSTEMD / name).read_text(encoding="utf-8"))
    return parser


def exec_starts(name: str) -> list[list[str]]:
    """Every ExecStart= line (configparser keeps only the last of repeated keys)."""
    text = (SYSTEMD / name).read_text(encoding="utf-8")
    return [shlex.split(line) for line in re.findall(r"^ExecStart=(.+)$", text, re.MULTILINE)]


SERVICES = sorted(path.name for path in SYSTEMD.glob("*.service"))


def test_the_expected_units_are_there() -> None:
    assert {"rightsmonitor-web.service", "rightsmonitor-worker.service"} <= set(SERVICES)
    for timer in SYSTEMD.glob("*.timer"):
        assert (SYSTEMD / timer.name.replace(".timer", ".service")).exists(), timer.name
        assert unit(timer.name)["Timer"]["OnCalendar"]


@pytest.mark.parametrize("name", SERVICES)
def test_unit_runs_an_existing_command_sandboxed(name: str) -> None:
    service = unit(name)["Service"]
    assert service["WorkingDirectory"] == APP_DIR
    assert service["EnvironmentFile"] == ENV_FILE
    assert service["User"] not in {"root", "0"}
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"
    assert f"{APP_DIR}/var" in service["ReadWritePaths"].split()
    commands = get_commands()
    for argv in exec_starts(name):
        executable = Path(argv[0])
        assert executable.parent == Path(APP_DIR) / ".venv" / "bin", argv
        # The same program exists in this checkout's virtual environment.
        assert (Path(sys.executable).parent / executable.name).exists(), argv
        if executable.name == "gunicorn":
            assert argv[1:3] == ["-c", "gunicorn.conf.py"] and (ROOT / argv[2]).exists()
            assert importlib.util.find_spec(argv[3]) is not None, argv
        else:
            assert argv[1] == "manage.py" and argv[2] in commands, argv


def seconds(value: str) -> int:
    match = re.fullmatch(r"(\d+)\s*(min|s)?", value)
    assert match, value
    return int(match[1]) * (60 if match[2] == "min" else 1)


def test_web_and_worker_restart_and_stop_gracefully() -> None:
    web = unit("rightsmonitor-web.service")["Service"]
    worker = unit("rightsmonitor-worker.service")["Service"]
    assert web["Restart"] == worker["Restart"] == "always"
    assert web["Type"] == "notify"  # gunicorn's arbiter says READY=1
    assert exec_starts("rightsmonitor-worker.service")[0][1:] == ["manage.py", "worker"]
    assert worker["KillSignal"] == "SIGTERM"
    # Long enough for the longest task (an import of the whole UN index) to finish.
    assert seconds(worker["TimeoutStopSec"]) >= 10 * 60
    # Longer than gunicorn's own graceful timeout (gunicorn.conf.py, default 30 s).
    assert seconds(web["TimeoutStopSec"]) > 30


def test_manage_wrapper_uses_the_units_paths() -> None:
    script = DEPLOY / "rightsmonitor-manage"
    text = script.read_text(encoding="utf-8")
    assert APP_DIR in text and ENV_FILE in text and "manage.py" in text
    assert os.access(script, os.X_OK)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verify(tmp_path: Path) -> None:
    """The units as systemd reads them, with the app folder pointed at this checkout."""
    if not (ROOT / ".venv" / "bin" / "gunicorn").exists():
        pytest.skip("no .venv in this checkout for the units' commands")
    names = [path.name for path in SYSTEMD.iterdir() if path.suffix in {".service", ".timer"}]
    for name in names:
        text = (SYSTEMD / name).read_text(encoding="utf-8").replace(APP_DIR, str(ROOT))
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(tmp_path / name) for name in names)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


# --- nginx ----------------------------------------------------------------------------------

NGINX = DEPLOY / "nginx" / "rightsmonitor.conf"
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def test_nginx_takes_the_largest_request_the_application_takes() -> None:
    text = NGINX.read_text(encoding="utf-8")
    sizes = re.findall(r"^\s*client_max_body_size\s+(\d+)([kKmMgG]?)\s*;", text, re.MULTILINE)
    assert sizes, "no client_max_body_size"
    for number, unit_letter in sizes:
        assert int(number) * UNITS[unit_letter.lower()] >= settings.MAX_REQUEST_BYTES


def test_nginx_proxies_to_gunicorn_with_the_forwarded_headers() -> None:
    text = NGINX.read_text(encoding="utf-8")
    bind = re.search(r'"GUNICORN_BIND",\s*"([^"]+)"', (ROOT / "gunicorn.conf.py").read_text())
    assert bind and f"server {bind[1]};" in text
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text
    assert "proxy_request_buffering off;" in text
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in text
    assert "return 301 https://$host$request_uri;" in text
    assert "location = /healthz" in text
    static_root = Path(settings.STATIC_ROOT).relative_to(ROOT)
    assert f"alias {APP_DIR}/{static_root}/;" in text


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed here")
def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    """nginx -t on the site, with a self-signed certificate in place of Let's Encrypt's."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed here")
    certificate = ["-subj", "/CN=rights.example.org", "-days", "1", "-nodes"]
    certificate += ["-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", *certificate],
        capture_output=True,
        check=True,
    )
    site = NGINX.read_text(encoding="utf-8")
    site = re.sub(r"/etc/letsencrypt/live/[^;]*/fullchain\.pem", str(tmp_path / "cert.pem"), site)
    site = re.sub(r"/etc/letsencrypt/live/[^;]*/privkey\.pem", str(tmp_path / "key.pem"), site)
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    temp = " ".join(
        f"{kind}_temp_path {tmp_path / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'}; error_log {tmp_path / 'error.log'};\n"
        f"events {{}}\nhttp {{ access_log off; {temp} include {tmp_path / 'site.conf'}; }}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- the real thing, where a container engine runs ------------------------------------------


def docker_unavailable() -> str | None:
    """Why the image cannot be built and run here, or None."""
    if shutil.which("docker") is None:
        return "no docker client"
    for argv in (["docker", "info"], ["docker", "compose", "version"]):
        try:
            result = subprocess.run(argv, capture_output=True, timeout=30, check=False)
        except subprocess.TimeoutExpired:
            return f"`{' '.join(argv)}` did not answer"
        if result.returncode != 0:
            return f"`{' '.join(argv)}` failed: no container engine runs here"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_image_builds_and_the_compose_stack_answers_healthz(tmp_path: Path) -> None:
    reason = docker_unavailable()
    if reason:
        pytest.skip(f"{reason}; deploy/Dockerfile and deploy/compose.yaml are not run")
    tag = f"rightsmonitor:test-{secrets.token_hex(4)}"
    project = f"rmtest{secrets.token_hex(4)}"
    port = free_port()
    env_file = tmp_path / "env"
    env_file.write_text(
        "\n".join(
            [
                "DEBUG=false",
                f"SECRET_KEY={secrets.token_urlsafe(64)}",
                f"FEEDBACK_KEYS={fernet_key()}",
                "ALLOWED_HOSTS=localhost",
                "SITE_URL=http://localhost",
                "SECURE_SSL_REDIRECT=false",
                f"POSTGRES_PASSWORD={secrets.token_hex(16)}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    environment = {
        **os.environ,
        "RIGHTSMONITOR_IMAGE": tag,
        "RIGHTSMONITOR_ENV_FILE": str(env_file),
        "RIGHTSMONITOR_PUBLISH": f"127.0.0.1:{port}",
    }
    compose_command = ["docker", "compose", "-f", str(DEPLOY / "compose.yaml"), "-p", project]
    compose_command += ["--env-file", str(env_file)]
    subprocess.run(
        ["docker", "build", "-f", str(DEPLOY / "Dockerfile"), "-t", tag, "."],
        cwd=ROOT,
        check=True,
        timeout=1800,
    )
    try:
        subprocess.run([*compose_command, "up", "-d"], env=environment, check=True, timeout=600)
        deadline = time.monotonic() + 240
        status, body = None, b""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    status, body = r.status, r.read()
                    break
            except urllib.error.HTTPError as error:  # 503 while the worker has not beaten yet
                status, body = error.code, error.read()
            except OSError:
                pass
            time.sleep(3)
        assert status == 200, body.decode(errors="replace")
        answer = json.loads(body)
        assert answer["status"] == "ok"
        assert {"database", "cache", "migrations", "worker"} <= set(answer["checks"])
        assert answer["checks"]["database"]["engine"] == "postgresql"
    finally:
        subprocess.run(
            [*compose_command, "down", "-v", "--remove-orphans"],
            env=environment,
            check=False,
            timeout=600,
        )
        subprocess.run(["docker", "image", "rm", "-f", tag], check=False, timeout=120)
