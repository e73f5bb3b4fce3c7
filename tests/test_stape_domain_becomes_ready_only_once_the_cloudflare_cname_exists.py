"""DNS order matters: Stape verifies a custom domain only when public DNS answers a CNAME from its name to
Stape's target. Before the Cloudflare record exists, while it points elsewhere, and while it is proxied
(DNS then answers Cloudflare's addresses, no CNAME), revalidating leaves the domain Pending and waiting
ends in stape.domain_not_ready; once ensure_cname wrote the DNS-only CNAME, the next wait ends Ready."""

from __future__ import annotations

import pytest

from jobs.providers import cloudflare
from jobs.providers.errors import ProviderError
from tests import provisioningutil as pu

CONFIG = "aWQ9R1RNLUFCQ0RFRkcmZW52PTEmYXV0aD1zZXJ2ZXJjb250YWluZXJhdXRodG9rZW4xMjM0NTY3OA=="


async def test_the_domain_is_ready_only_after_the_cname():
    with pu.running(deploy_delay_s=0.05) as p:
        stape, cf = p.stape_client(), p.cloudflare()
        container = await stape.ensure_container("trackai-t1", CONFIG, "eu")
        await stape.wait_running(container["identifier"], timeout_s=5, interval_s=0.05)
        domain = await stape.ensure_domain(container["identifier"], pu.HOST)
        ident, target = domain["identifier"], domain["cname_target"]
        assert domain["status"] == "pending" and target == container["stape_domain"]

        async def not_ready() -> None:
            with pytest.raises(ProviderError) as caught:
                await stape.wait_domain_ready(container["identifier"], ident, timeout_s=0.2, interval_s=0.05)
            assert caught.value.code == "stape.domain_not_ready"
            assert (await stape.get_domain(container["identifier"], ident))["status"] == "pending"

        await not_ready()  # no record yet
        wrong = p.cf.add_record(p.zone_id, "CNAME", pu.HOST, "elsewhere.example.net")
        await not_ready()
        p.cf.reset()
        p.cf.add_record(p.zone_id, "CNAME", pu.HOST, target, proxied=True)
        await not_ready()
        p.cf.reset()
        assert wrong["id"] not in {r["id"] for r in p.cf.records(p.zone_id)}

        made = await cloudflare.ensure_cname(cf, p.zone_id, domain["cname_host"], target)
        assert made["created"] and p.cf.cname_targets(pu.HOST) == [target]
        ready = await stape.wait_domain_ready(container["identifier"], ident, timeout_s=2, interval_s=0.05)
        assert ready["status"] == "ready"
        revalidations = [r for r in p.stape.requests() if r["path"].endswith("/revalidate")]
        assert len(revalidations) >= 4  # one per wait at least: Stape only looks when asked
