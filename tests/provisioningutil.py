"""The three provisioning fakes (Cloudflare, Stape, GTM) served together and wired like the sandbox:
Stape's DNS check asks the Cloudflare fake what public DNS would answer. Clients come pointed at them
with fast retries and an unthrottled GTM limiter."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import cloudflare
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from fakes.base import ServerHandle, serve
from fakes.cloudflare import CloudflareFake
from fakes.gtm import GtmFake
from fakes.stape import StapeFake
from jobs.providers import cloudflare as cf_provider
from jobs.providers.gtm import GtmClient
from jobs.providers.stape import StapeClient

ZONE = "customer.com"
HOST = "track.customer.com"
CF_TOKEN = "cf-token-customer"
STAPE_KEY = "stape-key-trackai"
GTM_ACCOUNT = "6000000001"
SA_TOKEN = "ya29.service-account-token"
PIXEL_ID = "123456789012345"
COLLECTOR_URL = "https://api.trackai.example/collect"
SERVER_URL = f"https://{HOST}"
FAST_QPS = 1000.0


@dataclass
class Providers:
    cf: CloudflareFake
    stape: StapeFake
    gtm: GtmFake
    zone_id: str
    servers: dict[str, ServerHandle]

    def cloudflare(self, token: str = CF_TOKEN, **kwargs: Any) -> cloudflare.AsyncCloudflare:
        return cf_provider.make_client(token, base_url=self.servers["cf"].url + "/client/v4",
                                       **{"max_retries": 0, **kwargs})

    def stape_client(self, key: str = STAPE_KEY, **kwargs: Any) -> StapeClient:
        return StapeClient(key, self.servers["stape"].url + "/api/v2", **{"backoff_s": 0.01, **kwargs})

    def gtm_service(self, token: str = SA_TOKEN) -> Any:
        """A raw googleapiclient service on the fake, to change things behind the client's back."""
        return build("tagmanager", "v2", credentials=Credentials(token), static_discovery=True,
                     cache_discovery=False, client_options={"api_endpoint": self.servers["gtm"].url + "/"})

    def gtm_client(self, token: str = SA_TOKEN, account_id: str = GTM_ACCOUNT, **kwargs: Any) -> GtmClient:
        return GtmClient(Credentials(token), account_id, api_url=self.servers["gtm"].url,
                         **{"qps": FAST_QPS, "backoff_s": 0.01, **kwargs})


@contextlib.contextmanager
def running(deploy_delay_s: float = 0.2) -> Iterator[Providers]:
    cf = CloudflareFake()
    zone_id = cf.add_zone(ZONE, CF_TOKEN)
    stape = StapeFake(dns_lookup=cf.cname_targets, deploy_delay_s=deploy_delay_s)
    stape.add_api_key(STAPE_KEY)
    gtm = GtmFake()
    gtm.add_account(GTM_ACCOUNT)
    gtm.add_token(SA_TOKEN, GTM_ACCOUNT)
    with serve(cf.app) as cf_server, serve(stape.app) as stape_server, serve(gtm.app) as gtm_server:
        yield Providers(cf, stape, gtm, zone_id, {"cf": cf_server, "stape": stape_server, "gtm": gtm_server})
