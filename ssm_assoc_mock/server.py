"""Server mode: moto's server with association support, a seed file and HTTP controls.

``ssm-assoc-mock serve [--host 127.0.0.1] [--port 5000] [--seed FILE]`` installs the
association handlers, loads the seed (a bad one stops it before it serves), then runs
moto's own WSGI application (every moto service, ``/moto-api/`` included) on a threaded
werkzeug server, with these controls beside it:

- ``GET /ssm-assoc-mock/health``: ``{"status": "ok", ...}`` once the server serves.
- ``POST /ssm-assoc-mock/managed-instances``: register a managed node. Body:
  ``{"InstanceId": ..., "Tags": {...}, "PlatformType": "Linux", "AccountId": ..., "Region": ...}``;
  the account defaults to the ``x-moto-account-id`` header, then moto's default account;
  the region to ``us-east-1``.
- ``GET /ssm-assoc-mock/managed-instances?Region=...``: the registered nodes.
- ``POST /ssm-assoc-mock/simulate-run``: ``ssm_assoc_mock.simulate_run`` with
  ``{"AssociationId": ..., "Status": "Success", "InstanceStatuses": ..., "DetailedStatus": ...,
  "Output": ..., "ErrorOutput": ...}``.
- ``POST /ssm-assoc-mock/seed``: load a seed given as the JSON body; an empty body reloads
  the server's seed file (after ``POST /moto-api/reset``, say).
- ``POST /ssm-assoc-mock/clock``: ``ssm_assoc_mock.advance_clock`` with ``{"AdvanceSeconds": N}``;
  answers ``{"Now": ..., "Executions": [...]}`` (the runs started, oldest first).
- ``GET /ssm-assoc-mock/clock``: ``{"Now": ...}``, State Manager's time (epoch seconds).
- ``POST /ssm-assoc-mock/run-outcome``: ``ssm_assoc_mock.set_run_outcome`` with
  ``{"AssociationId": ..., "Status": "Success", "InstanceStatuses": {...}, "Output": ..., "ErrorOutput": ...}``.

Errors are JSON ``{"error": <code>, "message": <text>}`` with a 4xx status (501 for an
action this version does not have). SIGINT and SIGTERM stop the server cleanly.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from datetime import datetime, timedelta, timezone
from types import FrameType, TracebackType
from typing import Any, Callable, Iterable, Mapping, Sequence

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from . import seed as seed_module
from .exceptions import SSMAssociationError
from .hook import install
from .models import RunOutcome, advance_clock, association_backends, default_account_id, reported_now
from .targets import serving_http

CONTROL_PREFIX = "/ssm-assoc-mock"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
MAX_PORT = 65535
LISTEN_BACKLOG = 128  # werkzeug's own
DEFAULT_REGION = "us-east-1"
ACCOUNT_HEADER = "x-moto-account-id"
# The stdout / stderr texts a run writes to its S3 OutputLocation (simulate-run, run-outcome).
OUTPUT_MEMBERS = ("Output", "ErrorOutput")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
READY_PREFIX = "ssm-assoc-mock: serving on "

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def moto_application() -> WSGIApp:
    """moto's server application: every service plus ``/moto-api/``, as ``moto_server`` runs it."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    app: WSGIApp = DomainDispatcherApplication(create_backend_app)
    return app


def _moto_request_handler() -> Any:
    """moto's request handler (keeps header spellings) where this moto has one."""
    from moto.moto_server import werkzeug_app

    return getattr(werkzeug_app, "MotoRequestHandler", None)


# --- HTTP controls -----------------------------------------------------------------------


class ControlError(Exception):
    """A control request that cannot be served: a JSON error with an HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return round(moment.timestamp(), 3)
    if hasattr(value, "__dict__"):
        return {key: item for key, item in vars(value).items() if not key.startswith("_")}
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, default=_json_default), status=status, mimetype="application/json")


class Controls:
    """The ``/ssm-assoc-mock/`` endpoints, in front of moto's application."""

    def __init__(self, app: WSGIApp, seed_file: str | os.PathLike[str] | None = None) -> None:
        self.app = app
        self.seed_file = seed_file
        self.routes: dict[tuple[str, str], Callable[[Request], Response]] = {
            ("GET", "/health"): self.health,
            ("POST", "/managed-instances"): self.register_managed_instance,
            ("GET", "/managed-instances"): self.list_managed_instances,
            ("POST", "/simulate-run"): self.simulate_run,
            ("POST", "/seed"): self.load_seed,
            ("GET", "/clock"): self.read_clock,
            ("POST", "/clock"): self.advance_clock,
            ("POST", "/run-outcome"): self.set_run_outcome,
        }

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path != CONTROL_PREFIX and not path.startswith(CONTROL_PREFIX + "/"):
            advice = serving_http.set(True)  # errors point to the HTTP controls, not to Python functions
            try:
                return self.app(environ, start_response)
            finally:
                serving_http.reset(advice)
        response = self.handle(Request(environ))
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        route = request.path[len(CONTROL_PREFIX) :].rstrip("/") or "/"
        handler = self.routes.get((request.method, route))
        try:
            if handler is None:
                methods = sorted(method for method, path in self.routes if path == route)
                if methods:
                    raise ControlError(405, "MethodNotAllowed", f"{route} accepts {', '.join(methods)}.")
                known = ", ".join(sorted({f"{m} {CONTROL_PREFIX}{p}" for m, p in self.routes}))
                raise ControlError(404, "NotFound", f"No control at {request.path}. Controls: {known}.")
            return handler(request)
        except ControlError as error:
            return json_response({"error": error.code, "message": error.message}, error.status)
        except SSMAssociationError as error:
            return json_response({"error": error.code, "message": error.message}, 400)
        except seed_module.SeedError as error:
            return json_response({"error": "InvalidSeed", "message": str(error)}, 400)
        except (ValueError, TypeError) as error:
            return json_response({"error": "BadRequest", "message": str(error)}, 400)

    # --- request helpers ---

    @staticmethod
    def body(request: Request, *, allow_empty: bool = False) -> dict[str, Any]:
        raw = request.get_data(as_text=True)
        if not raw.strip():
            if allow_empty:
                return {}
            raise ControlError(400, "BadRequest", "The request needs a JSON object body.")
        try:
            data = json.loads(raw)
        except ValueError as error:
            raise ControlError(400, "BadRequest", f"The body is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise ControlError(400, "BadRequest", "The body must be a JSON object.")
        return data

    @staticmethod
    def account(request: Request, body: Mapping[str, Any]) -> str:
        account = body.get("AccountId") or request.headers.get(ACCOUNT_HEADER)
        account = account or default_account_id()
        if not isinstance(account, str) or not (len(account) == 12 and account.isdigit()):
            raise ControlError(400, "BadRequest", f"AccountId must be 12 digits, not {account!r}.")
        return account

    @staticmethod
    def region(body: Mapping[str, Any], default: str | None = DEFAULT_REGION) -> str:
        region = body.get("Region") or default
        if not isinstance(region, str) or not region:
            raise ControlError(400, "BadRequest", f"Region must be a region name such as us-east-1, not {region!r}.")
        return region

    @staticmethod
    def only(body: Mapping[str, Any], allowed: Sequence[str]) -> None:
        unknown = sorted(set(body) - set(allowed))
        if unknown:
            raise ControlError(
                400, "BadRequest", f"Unknown member(s) {', '.join(unknown)}; this control takes {', '.join(allowed)}."
            )

    # --- the controls ---

    def health(self, request: Request) -> Response:
        from . import hook

        return json_response({"status": "ok", "associations": hook.is_installed(), "seed": _str(self.seed_file)})

    def register_managed_instance(self, request: Request) -> Response:
        body = self.body(request)
        self.only(body, (*seed_module.MANAGED_INSTANCE_KEYS, "AccountId", "Region"))
        account, region = self.account(request, body), self.region(body)
        entry = {key: value for key, value in body.items() if key in seed_module.MANAGED_INSTANCE_KEYS}
        instance = association_backends[account][region].register_managed_instance(seed_module.managed_instance(entry))
        return json_response(_instance_json(instance, account, region), 201)

    def list_managed_instances(self, request: Request) -> Response:
        query = {key: value for key, value in request.args.items()}
        account, region = self.account(request, query), self.region(query)
        backend = association_backends[account][region]
        with backend.lock:
            instances = list(backend.managed_instances.values())
        return json_response({"ManagedInstances": [_instance_json(item, account, region) for item in instances]})

    def simulate_run(self, request: Request) -> Response:
        import ssm_assoc_mock

        body = self.body(request)
        self.only(
            body,
            ("AssociationId", "Status", "InstanceStatuses", "DetailedStatus", *OUTPUT_MEMBERS, "AccountId", "Region"),
        )
        association_id = body.get("AssociationId")
        if not isinstance(association_id, str) or not association_id:
            raise ControlError(400, "BadRequest", "AssociationId is required.")
        result = ssm_assoc_mock.simulate_run(
            association_id,
            status=body.get("Status", "Success"),
            instance_statuses=body.get("InstanceStatuses"),
            detailed_status=body.get("DetailedStatus"),
            output=_output_member(body, "Output"),
            error_output=_output_member(body, "ErrorOutput"),
            account_id=self.account(request, body),
            region_name=self.region(body),
        )
        return json_response(result)

    def read_clock(self, request: Request) -> Response:
        return json_response({"Now": reported_now()})

    def advance_clock(self, request: Request) -> Response:
        body = self.body(request)
        self.only(body, ("AdvanceSeconds",))
        seconds = body.get("AdvanceSeconds")
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not 0 <= seconds < float("inf"):
            raise ControlError(
                400,
                "BadRequest",
                f"AdvanceSeconds must be a number of seconds, 0 or more (0 runs what is due now), not {seconds!r}.",
            )
        now, executions = advance_clock(timedelta(seconds=seconds))
        return json_response({"Now": now, "Executions": executions})

    def set_run_outcome(self, request: Request) -> Response:
        body = self.body(request)
        self.only(body, ("AssociationId", "Status", "InstanceStatuses", *OUTPUT_MEMBERS, "AccountId", "Region"))
        association_id = body.get("AssociationId")
        if not isinstance(association_id, str) or not association_id:
            raise ControlError(400, "BadRequest", "AssociationId is required.")
        status = body.get("Status", "Success")
        statuses = body.get("InstanceStatuses") or {}
        if (
            not isinstance(status, str)
            or not isinstance(statuses, dict)
            or not all(isinstance(key, str) and isinstance(value, str) for key, value in statuses.items())
        ):
            raise ControlError(
                400, "BadRequest", "Status must be a string and InstanceStatuses an object of instance ids to statuses."
            )
        backend = association_backends[self.account(request, body)][self.region(body)]
        outputs = {member: _output_member(body, member) for member in OUTPUT_MEMBERS}
        backend.set_run_outcome(association_id, RunOutcome(status, statuses, outputs["Output"], outputs["ErrorOutput"]))
        chosen = {member: text for member, text in outputs.items() if text is not None}
        return json_response(
            {"AssociationId": association_id, "Status": status, "InstanceStatuses": statuses, **chosen}
        )

    def load_seed(self, request: Request) -> Response:
        body = self.body(request, allow_empty=True)
        if body:
            report = seed_module.load_seed(body, source="request body")
        elif self.seed_file is not None:
            report = seed_module.load_seed_file(self.seed_file)
        else:
            raise ControlError(400, "BadRequest", "The server has no seed file: post a seed as the JSON body.")
        return json_response(report.as_dict(), 201)


def _output_member(body: Mapping[str, Any], member: str) -> Any:
    """``Output`` / ``ErrorOutput``: a text for every node, or an object of instance ids to texts."""
    value = body.get(member)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict) and all(isinstance(text, str) for text in value.values()):
        return value
    raise ControlError(400, "BadRequest", f"{member} must be a string or an object of instance ids to strings.")


def _instance_json(instance: Any, account: str, region: str) -> dict[str, Any]:
    return {
        "InstanceId": instance.instance_id,
        "PlatformType": instance.platform_type,
        "PlatformName": instance.platform_name,
        "PlatformVersion": instance.platform_version,
        "ComputerName": instance.computer_name,
        "Tags": dict(instance.tags),
        "ResourceType": instance.resource_type,
        "AccountId": account,
        "Region": region,
    }


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


# --- the server --------------------------------------------------------------------------


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port``; ``OSError`` if the port is taken or the host does not resolve."""
    from werkzeug.serving import select_address_family

    if not 0 <= port <= MAX_PORT:
        raise ValueError(f"port {port} is not a port number: use 0 to {MAX_PORT} (0 picks a free one)")
    listener = socket.socket(select_address_family(host, port), socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as werkzeug's own servers do
        listener.bind((host, port))
        listener.listen(LISTEN_BACKLOG)
    except BaseException:
        listener.close()
        raise
    return listener


def listen_error_message(host: str, port: int, error: OSError) -> str:
    """One line saying why the server cannot listen, without errno noise."""
    reason = error.strerror or str(error)
    if error.errno == errno.EADDRINUSE:
        reason += ": another program has this port; stop it or pick another with --port (0 picks a free one)"
    elif isinstance(error, socket.gaierror):
        reason = f"{host!r} is not a host name or address this machine resolves ({reason})"
    return f"cannot listen on {host}:{port}: {reason}"


class AssociationServer:
    """moto's server with association support, in a background thread.

    ``port=0`` picks a free port; ``url`` tells which. ``seed`` is a seed file path or an
    already decoded seed; it is loaded by ``start`` before the socket opens, so a bad seed
    raises ``SeedError`` and nothing serves.
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        seed: str | os.PathLike[str] | Mapping[str, Any] | None = None,
        *,
        quiet: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.seed = seed
        self.quiet = quiet
        self.seed_report: seed_module.SeedReport | None = None
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> AssociationServer:
        install()
        seed_file: str | os.PathLike[str] | None = None
        if isinstance(self.seed, Mapping):
            self.seed_report = seed_module.load_seed(self.seed, source="seed")
        elif self.seed is not None:
            seed_file = self.seed
            self.seed_report = seed_module.load_seed_file(seed_file)
        if self.quiet:
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
        app = Controls(moto_application(), seed_file)
        handler = _moto_request_handler()
        options: dict[str, Any] = {"threaded": True}
        if handler is not None:
            options["request_handler"] = handler
        with listening_socket(self.host, self.port) as listener:
            # werkzeug binds a socket of its own only when given none; it then prints its own text and exits.
            self._server = make_server(self.host, self.port, app, fd=listener.fileno(), **options)
        self._thread = threading.Thread(target=self._server.serve_forever, name="ssm-assoc-mock-server", daemon=True)
        self._thread.start()
        return self

    @property
    def address(self) -> tuple[str, int]:
        if self._server is None:
            raise RuntimeError("The server is not running: call start() first.")
        return self.host, int(self._server.port)

    @property
    def url(self) -> str:
        host, port = self.address
        shown = f"[{host}]" if ":" in host else ("127.0.0.1" if host in ("", "0.0.0.0") else host)
        return f"http://{shown}:{port}"

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> AssociationServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    seed_file: str | None = None,
    *,
    quiet: bool = False,
    out: Any = None,
    err: Any = None,
) -> int:
    """Run the server until SIGINT or SIGTERM; the exit status: 0, 2 for a bad seed, 1 if it cannot bind."""
    out = out or sys.stdout
    err = err or sys.stderr
    server = AssociationServer(host, port, seed_file, quiet=quiet)
    try:
        server.start()
    except seed_module.SeedError as error:
        print(f"ssm-assoc-mock: bad seed file, not serving: {error}", file=err, flush=True)
        return 2
    except OSError as error:
        print(f"ssm-assoc-mock: {listen_error_message(host, port, error)}", file=err, flush=True)
        return 1
    stopping = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {number: signal.signal(number, request_stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        if server.seed_report is not None:
            print(f"ssm-assoc-mock: seeded {server.seed_report.summary()} from {seed_file}", file=err, flush=True)
        if host not in LOOPBACK_HOSTS:
            print(f"ssm-assoc-mock: warning: listening on {host}, not only on loopback", file=err, flush=True)
        print(f"{READY_PREFIX}{server.url}", file=out, flush=True)
        while not stopping.wait(0.2):
            pass
    finally:
        server.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)
    print("ssm-assoc-mock: stopped", file=err, flush=True)
    return 0


# --- a server in a child process ---------------------------------------------------------


class ServerProcess:
    """``python -m ssm_assoc_mock serve`` in a child process, for tests and the demo.

    ``start`` waits until the child prints its URL (``port=0``: a free port) and raises
    ``RuntimeError`` with the child's own message if it exits first.
    """

    def __init__(
        self,
        seed_file: str | os.PathLike[str] | None = None,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        quiet: bool = True,
        env: Mapping[str, str] | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.arguments = [sys.executable, "-m", "ssm_assoc_mock", "serve", "--host", host, "--port", str(port)]
        if seed_file is not None:
            self.arguments += ["--seed", str(seed_file)]
        if quiet:
            self.arguments.append("--quiet")
        self.env = dict(env) if env is not None else None
        self.timeout = timeout
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        self._stderr = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in __exit__

    def start(self) -> ServerProcess:
        self.process = subprocess.Popen(
            self.arguments,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            stdin=subprocess.DEVNULL,
            text=True,
            env=self.env,
        )
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=self.timeout)
        except queue.Empty:
            self.stop()
            raise RuntimeError(f"the server did not start within {self.timeout:.0f} s: {self.stderr}") from None
        if not line.startswith(READY_PREFIX):
            self.process.wait(timeout=self.timeout)
            raise RuntimeError(f"the server exited with status {self.process.returncode}: {self.stderr.strip()}")
        self.url = line[len(READY_PREFIX) :].strip()
        return self

    @property
    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Signal the child to stop and return its exit status."""
        process = self.process
        if process is None:
            return 0
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()
        return int(process.returncode)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
        self._stderr.close()
