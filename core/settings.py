"""Every setting in one place, read from the environment (12-factor).

Provider base URLs are settings so the same client code talks to the real
services or to the local fakes.
"""

from __future__ import annotations

import base64
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# the local cluster's port; another one only for a second, throwaway cluster (`make test-clock-ahead`)
LOCAL_PORT = int(os.environ.get("TRACKAI_LOCAL_PORT", "54322"))
LOCAL_DB = "postgres"
# the local cluster's bootstrap superuser: only the local stack's own setup uses it (hosted: Supabase's)
ADMIN_ROLE = "supabase_admin"


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    local_dir: Path
    api_host: str
    api_port: int
    meta_graph_url: str
    meta_api_version: str
    meta_timeout_s: float
    mercadopago_api_url: str
    secret_key: str | None
    # delivery (issue 4): HS256 secret of Supabase Auth JWTs; how long a dispatcher holds a read batch
    supabase_jwt_secret: str | None = None
    # Supabase Auth (issue 14): the project URL, whose JWKS (asymmetric signing keys) and issuer verify
    # user tokens; the two overrides default to <url>/auth/v1/.well-known/jwks.json and <url>/auth/v1
    supabase_url: str | None = None
    supabase_jwks_url: str | None = None
    supabase_jwt_issuer: str | None = None
    dispatch_vt_s: int = 60
    ingest_vt_s: int = 10
    # WhatsApp Cloud API (issue 7): ONE Meta app, so one app secret (X-Hub-Signature-256) and one
    # webhook verify token for the callback URL /webhooks/whatsapp; tenants are told apart by WABA /
    # phone number id inside the payload
    whatsapp_app_secret: str | None = None
    whatsapp_verify_token: str | None = None
    # observability (issue 6): alert channels, Sentry, the /metrics token
    slack_webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str | None = None
    alert_email_to: tuple[str, ...] = ()
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    notify_timeout_s: float = 5.0
    sentry_dsn: str | None = None
    sentry_environment: str = "local"
    # the operator's bearer token for /metrics and /health's details; required when the database is hosted
    metrics_token: str | None = None
    # the reverse proxies (IPs / CIDRs) whose X-Forwarded-For names the client; none by default
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    public_url: str = "http://127.0.0.1:8000"
    setup_allow_private_urls: bool = False
    setup_vt_s: int = 300
    setup_concurrency: int = 8
    cloudflare_api_url: str | None = None
    stape_api_url: str = "https://api.app.stape.io/api/v2"
    stape_api_key: str | None = None
    stape_zone: str = "sa"
    gtm_api_url: str | None = None
    gtm_service_account_json: str | None = None
    gtm_account_id: str | None = None
    gtm_access_token: str | None = None
    gtm_qps: float = 0.25
    provision_poll_timeout_s: float = 600.0
    provision_poll_interval_s: float = 5.0

    @property
    def is_local(self) -> bool:
        """True when the project runs its own cluster (no DATABASE_URL)."""
        return not self.database_url

    @property
    def is_hosted(self) -> bool:
        """True against a database on another machine (a DATABASE_URL not on 127.0.0.1 / localhost)."""
        return not on_this_machine(self.database_url)

    @property
    def dsn(self) -> str:
        return self.database_url or local_dsn(LOCAL_DB)


def on_this_machine(database_url: str | None) -> bool:
    return not database_url or "@127.0.0.1:" in database_url or "@localhost:" in database_url


def proxy_networks(spec: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """TRUSTED_PROXIES: comma-separated IPs or CIDRs (a bad entry stops the start-up, named)."""
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip())
    except ValueError as exc:
        raise ValueError(f"TRUSTED_PROXIES: {exc}; give IP addresses or CIDRs, comma-separated") from None


def local_dsn(dbname: str) -> str:
    """The app's role on the local cluster (`postgres`, not a superuser, as on hosted Supabase)."""
    return f"postgresql://postgres@127.0.0.1:{LOCAL_PORT}/{dbname}"


def local_admin_dsn(dbname: str) -> str:
    """The local cluster's superuser: for what hosted Supabase sets up itself (shim, extensions)."""
    return f"postgresql://{ADMIN_ROLE}@127.0.0.1:{LOCAL_PORT}/{dbname}"


def _local_secret_key(local_dir: Path) -> str:
    """Local stack only: a key made once per checkout in .local/secret.key (hosted: set the variable)."""
    path = local_dir / "secret.key"
    if not path.exists():
        local_dir.mkdir(parents=True, exist_ok=True)
        path.write_text("local:" + base64.b64encode(os.urandom(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


def load() -> Settings:
    env = os.environ
    local_dir = Path(env.get("TRACKAI_LOCAL_DIR", REPO_ROOT / ".local"))
    database_url = env.get("DATABASE_URL") or None
    local = on_this_machine(database_url)
    secret_key = env.get("TRACKAI_SECRET_KEY") or (_local_secret_key(local_dir) if local else None)
    return Settings(
        database_url=database_url,
        local_dir=local_dir,
        api_host=env.get("TRACKAI_API_HOST", "127.0.0.1"),
        api_port=int(env.get("TRACKAI_API_PORT", "8000")),
        meta_graph_url=env.get("META_GRAPH_URL", "https://graph.facebook.com").rstrip("/"),
        meta_api_version=env.get("META_API_VERSION", "v24.0"),
        meta_timeout_s=float(env.get("META_TIMEOUT_S", "1.5")),
        mercadopago_api_url=env.get("MERCADOPAGO_API_URL", "https://api.mercadopago.com").rstrip("/"),
        secret_key=secret_key,
        supabase_jwt_secret=env.get("SUPABASE_JWT_SECRET") or None,
        supabase_url=(env.get("SUPABASE_URL") or "").rstrip("/") or None,
        supabase_jwks_url=env.get("SUPABASE_JWKS_URL") or None,
        supabase_jwt_issuer=env.get("SUPABASE_JWT_ISSUER") or None,
        dispatch_vt_s=int(env.get("DISPATCH_VT_S", "60")),
        # a batch held by an ingest worker that died comes back after this; processing twice is harmless
        ingest_vt_s=int(env.get("INGEST_VT_S", "10")),
        whatsapp_app_secret=env.get("WHATSAPP_APP_SECRET") or None,
        whatsapp_verify_token=env.get("WHATSAPP_VERIFY_TOKEN") or None,
        slack_webhook_url=env.get("SLACK_WEBHOOK_URL") or None,
        smtp_host=env.get("SMTP_HOST") or None,
        smtp_port=int(env.get("SMTP_PORT", "25")),
        smtp_from=env.get("SMTP_FROM") or None,
        alert_email_to=tuple(a.strip() for a in env.get("ALERT_EMAIL_TO", "").split(",") if a.strip()),
        smtp_username=env.get("SMTP_USERNAME") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        smtp_starttls=env.get("SMTP_STARTTLS", "1" if env.get("SMTP_PORT") == "587" else "0") == "1",
        notify_timeout_s=float(env.get("NOTIFY_TIMEOUT_S", "5")),
        sentry_dsn=env.get("SENTRY_DSN") or None,
        sentry_environment=env.get("SENTRY_ENVIRONMENT", "local" if local else "production"),
        metrics_token=env.get("METRICS_TOKEN") or None,
        trusted_proxies=proxy_networks(env.get("TRUSTED_PROXIES", "")),
        # how gateways and landing pages reach this API (webhook and collector URLs are built on it)
        public_url=env.get("TRACKAI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        # sandbox and tests only: landing pages on 127.0.0.1 may be fetched
        setup_allow_private_urls=env.get("SETUP_ALLOW_PRIVATE_URLS") == "1",
        setup_vt_s=int(env.get("SETUP_VT_S", "300")),
        setup_concurrency=int(env.get("SETUP_CONCURRENCY", "8")),
        # provisioning: Cloudflare access comes from each customer; Stape and GTM are Track AI's own accounts
        cloudflare_api_url=env.get("CLOUDFLARE_API_URL") or None,
        stape_api_url=env.get("STAPE_API_URL", "https://api.app.stape.io/api/v2").rstrip("/"),
        stape_api_key=env.get("STAPE_API_KEY") or None,
        stape_zone=env.get("STAPE_ZONE", "sa"),
        gtm_api_url=env.get("GTM_API_URL") or None,
        gtm_service_account_json=env.get("GTM_SERVICE_ACCOUNT_JSON") or None,
        gtm_account_id=env.get("GTM_ACCOUNT_ID") or None,
        # instead of a service account: a ready OAuth access token (the sandbox's GTM fake takes one)
        gtm_access_token=env.get("GTM_ACCESS_TOKEN") or None,
        gtm_qps=float(env.get("GTM_QPS", "0.25")),
        # how long a step waits for Stape (container running, domain ready) before it retries later
        provision_poll_timeout_s=float(env.get("PROVISION_POLL_TIMEOUT_S", "600")),
        provision_poll_interval_s=float(env.get("PROVISION_POLL_INTERVAL_S", "5")),
    )
