"""``servicehall serve [ADDRESS]`` — the production server (gunicorn with servicehall/gunicorn_conf.py) and the
worker, started together and stopped together (issue 14).

Ctrl-C, SIGTERM or SIGHUP stops both; if either ends by itself, the other is stopped and the command exits with
its status. On Linux both children also get SIGTERM if this process is killed outright, so none is left behind.
On a server, systemd runs the two as separate units instead (deploy/systemd/).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: the signal handlers below still stop the children


class Command(BaseCommand):
    help = "Serve the system with the production server (gunicorn) and run the worker beside it; both stop together."

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="",
                            help="host:port to listen on (default SERVICEHALL_BIND or 127.0.0.1:8000)")
        parser.add_argument("--no-worker", action="store_true", help="serve only (the worker runs elsewhere)")

    def handle(self, *args, **opts):
        env = dict(os.environ)
        if opts["address"]:
            env["SERVICEHALL_BIND"] = opts["address"]
        web = [sys.executable, "-m", "gunicorn", "--config", "python:servicehall.gunicorn_conf"]
        worker = [sys.executable, "-m", "servicehall.cli", "worker"]
        children: dict[str, subprocess.Popen] = {}
        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            stopping = True

        old = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        try:
            children["web"] = subprocess.Popen(web, env=env, preexec_fn=_die_with_parent)
            if not opts["no_worker"]:
                children["worker"] = subprocess.Popen(worker, env=env, preexec_fn=_die_with_parent)
            self.stdout.write(f"serving on http://{env.get('SERVICEHALL_BIND', '127.0.0.1:8000')}/ "
                              f"(web pid {children['web'].pid}"
                              + (f", worker pid {children['worker'].pid}" if "worker" in children else "")
                              + ")")
            status = 0
            while not stopping:
                ended = [(name, p.returncode) for name, p in children.items() if p.poll() is not None]
                if ended:
                    name, status = ended[0]
                    self.stderr.write(f"the {name} process ended with status {status}; stopping the rest")
                    break
                time.sleep(0.2)
        finally:
            self._stop_all(children)
            for s, handler in old.items():
                signal.signal(s, handler)
        if status:
            raise CommandError(f"stopped: a process ended with status {status}", returncode=1)

    @staticmethod
    def _stop_all(children: dict[str, subprocess.Popen], grace: float = 30.0) -> None:
        for p in children.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for p in children.values():
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
