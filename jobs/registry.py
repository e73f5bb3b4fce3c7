"""Every worker, in one table: `trackai work <name>` runs one, `trackai work --list` shows them.

Each declares its queue, how many messages it takes at once, how long it holds them (pgmq's visibility
timeout) and its handler (built from the Settings; tests inject an httpx transport). A number a setting
overrides is a `Setting` naming the Settings field, whose default is the default. All of them run on the
loop of jobs/base.py: the sync form, or the asyncio one (`concurrent`) for setup's long provider steps.
"""

from __future__ import annotations

from jobs import audiences, dispatch, ingest, insights, mercadopago, notify, setup
from jobs.base import Setting, WorkerSpec

SPECS = (
    WorkerSpec("audiences", queue=audiences.QUEUE, batch=1, vt_s=300,
               handler=lambda settings, transport: audiences.AudienceUploader(settings, transport).handle),
    WorkerSpec("dispatch", queue=dispatch.QUEUE, batch=dispatch.MAX_EVENTS, vt_s=Setting("dispatch_vt_s"),
               handler=lambda settings, transport: dispatch.Dispatcher(settings, transport).handle),
    WorkerSpec("ingest", queue=ingest.QUEUE, batch=200, vt_s=Setting("ingest_vt_s"),
               handler=lambda settings, transport: ingest.handle, application_name="worker-ingest"),
    WorkerSpec("insights", queue=insights.QUEUE, batch=10, vt_s=300,
               handler=lambda settings, transport: insights.InsightsImporter(settings, transport).handle),
    WorkerSpec("mercadopago", queue=mercadopago.QUEUE, batch=20, vt_s=30,
               handler=lambda settings, transport: mercadopago.MercadoPagoFetcher(settings, transport).handle,
               application_name="worker-mercadopago"),
    WorkerSpec("notify", queue=notify.QUEUE, batch=20, vt_s=60,
               handler=lambda settings, transport: notify.Notifier(settings, transport).handle),
    WorkerSpec("setup", queue=setup.QUEUE, batch=Setting("setup_concurrency"), vt_s=Setting("setup_vt_s"),
               handler=lambda settings, transport: setup.StepRunner(settings, transport).handle, concurrent=True),
)

WORKERS: dict[str, WorkerSpec] = {spec.name: spec for spec in SPECS}
