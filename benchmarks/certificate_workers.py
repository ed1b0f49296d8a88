"""A session of 1,000 signed certificates issued by two background workers, as in production
(``make bench-workers``).

On the throwaway PostgreSQL database of ``make load`` (``POSTGRES_LOAD_URL``; recreated), with
the load test's production settings: a Lisbon academy with its PKCS#12 signing key, 1,000
completed officers; then two ``manage.py db_worker`` processes are started and, once they
wait for work, the session's batch is asked for, as a coordinator does. Measured: the time
from the batch's request to its end (its own ``requested_at`` and ``finished_at``: what the
coordinator waits; the workers' start-up is not in it, as a worker runs all day), each
worker's CPU time and peak memory (resident, sampled every 0.1 s), how many parts each ran,
and that the result is right (1,000 certificates, serials unique, the last PDF's signature
valid).

Writes ``benchmarks/results/certificate_workers.{json,md}``. Figures, not assertions.
"""

import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest import run as load  # noqa: E402 - the load test's database and environment

RESULTS = ROOT / "benchmarks" / "results"
SESSION_SIZE = int(os.environ.get("BENCH_SESSION_SIZE", "1000"))
WORKERS = int(os.environ.get("BENCH_TASK_WORKERS", "2"))
KEY_DIR = tempfile.mkdtemp(prefix="bench-workers-pki-")
ENVIRONMENT = {
    **load.ENVIRONMENT,
    "CERTIFICATE_SIGNING_KEY_DIR": KEY_DIR,
    "CERTIFICATE_SIGNING_PASSPHRASE": "bench passphrase",
    "CERTIFICATE_KEY_DIR": tempfile.mkdtemp(prefix="bench-workers-issuer-keys-"),
}


def in_django(code):
    """Run ``code`` (a function of this module named by its name) under the load settings."""
    command = [sys.executable, __file__, code]
    subprocess.run(command, cwd=ROOT, env=ENVIRONMENT, check=True)  # noqa: S603 - this file


def manage(*arguments):
    command = [sys.executable, "manage.py", *arguments]
    subprocess.run(command, cwd=ROOT, env=ENVIRONMENT, check=True)  # noqa: S603 - manage.py


# Inside Django (a subprocess with the load settings)


def setup():
    """The academy, its keys and 1,000 completed officers."""
    from django.conf import settings
    from django.utils import timezone

    from academy.services import onboard_city
    from certificates.pki import make_academy_identity
    from courses.models import Enrolment
    from home.demo.content import read
    from home.demo.loader import load_certificate_templates
    from tests.academy.sessions import make_session
    from tests.factories import UserFactory

    lisbon = onboard_city(
        city="Lisbon", country="PT", code="LIS", academy_name="Lisbon Municipal Police"
    )
    load_certificate_templates(read(), {"LIS": lisbon.academy})
    signing = settings.CERTIFICATE_SIGNING
    make_academy_identity(
        signing["KEY_DIR"], code="LIS", name=lisbon.academy.title, passphrase=signing["PASSPHRASE"]
    )
    session = make_session(
        lisbon.academy,
        capacity=SESSION_SIZE,
        certificates_on_completion=False,
        title="Exchange Day Lisbon: community policing in practice",
    )
    # A cheap hasher for the officers' passwords, in this setup only: hashing 1,000 passwords
    # at production cost is not what is measured.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    officers = UserFactory.create_batch(SESSION_SIZE, preferred_language="pt")
    Enrolment.objects.bulk_create(
        Enrolment(
            officer=o, session=session, state=Enrolment.State.COMPLETED, completed_at=timezone.now()
        )
        for o in officers
    )


def request_batch():
    """The session's certificates asked for: the batch, planned into parts by a worker."""
    from certificates.models import CertificateBatch
    from certificates.services import issue_session_certificates
    from courses.models import Session

    batch = CertificateBatch.objects.create(session=Session.objects.get())
    issue_session_certificates.enqueue(batch.pk)


def check():
    """What the workers made, as JSON on standard output."""
    from django_tasks_db.models import DBTaskResult

    from certificates.models import Certificate, CertificateBatch
    from certificates.pdf_signing import verify_pdf

    batch = CertificateBatch.objects.get()
    parts_by_worker = {}
    for result in DBTaskResult.objects.filter(task_path__endswith="issue_batch_part"):
        for worker in result.worker_ids:
            parts_by_worker[worker] = parts_by_worker.get(worker, 0) + 1
    print(
        json.dumps(
            {
                "issued": batch.issued,
                "failed": batch.failed,
                "finished": batch.finished_at is not None,
                "parts": batch.parts,
                "parts_by_worker": sorted(parts_by_worker.values(), reverse=True),
                "serials_unique": Certificate.objects.values("serial").distinct().count()
                == Certificate.objects.count(),
                "last_signed": verify_pdf(Certificate.objects.last().pdf.read()).is_authentic,
            }
        )
    )


# The run


def batch_seconds(connection):
    """From the batch's request to its end, once it has ended (else None). Asked straight of
    PostgreSQL: a Django process started every poll would take a core from the workers."""
    row = connection.execute(
        "SELECT EXTRACT(EPOCH FROM finished_at - requested_at) FROM certificates_certificatebatch"
        " WHERE finished_at IS NOT NULL"
    ).fetchone()
    return float(row[0]) if row else None


def wait_until_idle(workers, seconds=60):
    """Until every worker has started and waits for work: no CPU spent for half a second."""
    deadline = time.perf_counter() + seconds
    spent = [0.0] * len(workers)
    while time.perf_counter() < deadline:
        time.sleep(0.5)
        now = [cpu_seconds(worker) for worker in workers]
        if all(0 < after - before < 0.05 for before, after in zip(spent, now, strict=True)):
            return
        spent = now


def cpu_seconds(process):
    """User and system CPU time of a worker and its children so far."""
    import psutil

    try:
        main = psutil.Process(process.pid)
        times = [p.cpu_times() for p in [main, *main.children(recursive=True)]]
        return sum(t.user + t.system for t in times)
    except psutil.NoSuchProcess:
        return 0.0


def rss_mb(process):
    """Resident memory of a worker and its children, in MB."""
    import psutil

    try:
        main = psutil.Process(process.pid)
        return sum(p.memory_info().rss for p in [main, *main.children(recursive=True)]) / 2**20
    except psutil.NoSuchProcess:
        return 0.0


def run():
    load.recreate_database()
    manage("migrate", "--noinput", "-v", "0")
    manage("createcachetable", "-v", "0")
    in_django("setup")
    workers = [
        subprocess.Popen(  # noqa: S603 - manage.py
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "-v",
                "0",
            ],
            cwd=ROOT,
            env=ENVIRONMENT,
        )
        for _ in range(WORKERS)
    ]
    import psycopg

    peaks, seconds = [0.0] * WORKERS, None
    try:
        wait_until_idle(workers)
        idle = [cpu_seconds(worker) for worker in workers]
        in_django("request_batch")
        started = time.perf_counter()
        cpu = list(idle)
        with psycopg.connect(load.DATABASE_URL, autocommit=True) as connection:
            while seconds is None and time.perf_counter() - started < 900:
                peaks = [max(peak, rss_mb(w)) for peak, w in zip(peaks, workers, strict=True)]
                cpu = [cpu_seconds(w) or spent for w, spent in zip(workers, cpu, strict=True)]
                seconds = batch_seconds(connection)
                time.sleep(0.1)
        cpu = [spent - before for spent, before in zip(cpu, idle, strict=True)]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    outcome = json.loads(
        subprocess.run(  # noqa: S603 - this file
            [sys.executable, __file__, "check"],
            cwd=ROOT,
            env=ENVIRONMENT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()[-1]
    )
    return {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "load_average_before": os.getloadavg(),
        "workers": WORKERS,
        "certificates": SESSION_SIZE,
        "finished": seconds is not None,
        "seconds": seconds,
        "peak_memory_mb": peaks,
        "cpu_seconds": cpu,
        **outcome,
    }


def markdown(results):
    peaks = ", ".join(f"{peak:.0f} MB" for peak in results["peak_memory_mb"])
    return "\n".join(
        [
            f"# Certificates by {results['workers']} background workers "
            f"({results['date']}, {results['machine']})",
            "",
            "| a session of signed certificates | |",
            "|---|---:|",
            f"| certificates issued | {results['issued']} of {results['certificates']} "
            f"(failed: {results['failed']}) |",
            "| from the batch's request to its end (workers already running) | "
            + (f"{results['seconds']:.1f} s |" if results["finished"] else "did not end |"),
            f"| peak memory of each worker | {peaks} |",
            "| CPU time of each worker meanwhile | "
            + ", ".join(f"{spent:.1f} s" for spent in results.get("cpu_seconds", []))
            + " |",
            f"| parts run by each worker (of {results['parts']}) | "
            f"{', '.join(map(str, results['parts_by_worker']))} |",
            f"| serials unique | {results['serials_unique']} |",
            f"| the last certificate's signature valid | {results['last_signed']} |",
            "",
        ]
    )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        import django

        django.setup()
        {"setup": setup, "request_batch": request_batch, "check": check}[sys.argv[1]]()
    else:
        results = run()
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "certificate_workers.json").write_text(json.dumps(results, indent=2) + "\n")
        (RESULTS / "certificate_workers.md").write_text(markdown(results))
        print(markdown(results))
