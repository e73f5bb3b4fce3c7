"""The real credential path works end to end against the GTM fake: GTM_SERVICE_ACCOUNT_JSON (the key
JSON, or the path of the key file) becomes service-account credentials that google-auth exchanges at
the key's `token_uri` (a JWT signed with the key, verified by the fake) for a token limited to the
scopes asked for; the client provisions with it. A key Google does not know, a wrong signature, or a
token without the publish scope end in gtm.unauthorized, and no message carries the private key."""

from __future__ import annotations

import dataclasses
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from core import settings as core_settings
from jobs.providers import gtm
from jobs.providers.errors import ProviderError
from tests import provisioningutil as pu

EMAIL = "trackai-provisioner@trackai-prod.iam.gserviceaccount.com"


def new_key() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def key_file(private_pem: str, token_uri: str, email: str = EMAIL) -> str:
    return json.dumps({"type": "service_account", "project_id": "trackai-prod", "private_key_id": "k1",
                       "private_key": private_pem, "client_email": email, "client_id": "1",
                       "token_uri": token_uri})


def client(p: pu.Providers, service_account_json: str) -> gtm.GtmClient:
    settings = dataclasses.replace(core_settings.load(), gtm_service_account_json=service_account_json,
                                   gtm_access_token=None, gtm_account_id=pu.GTM_ACCOUNT,
                                   gtm_api_url=p.servers["gtm"].url, gtm_qps=pu.FAST_QPS)
    made = gtm.client_from_settings(settings)
    assert made is not None
    made.backoff_s = 0.01
    return made


async def test_the_service_account_key_provisions_through_a_scoped_token(tmp_path):
    private, public = new_key()
    with pu.running() as p:
        token_uri = p.servers["gtm"].url + "/token"
        p.gtm.add_service_account(EMAIL, public, pu.GTM_ACCOUNT)
        path = tmp_path / "sa.json"
        path.write_text(key_file(private, token_uri))
        made = await client(p, str(path)).ensure_server_container("sa server", pu.SERVER_URL)
        assert made["created"] and made["version_id"]
        assert p.gtm.created["token"] == 1 and p.gtm.created["publish"] == 1  # one token, reused

        async def refused(key_json: str, call: str = "check_access") -> ProviderError:
            with pytest.raises(ProviderError) as caught:
                await getattr(client(p, key_json), call)()
            assert caught.value.code == "gtm.unauthorized"
            assert "PRIVATE KEY" not in caught.value.message and private not in str(caught.value)
            return caught.value

        other_private, _ = new_key()
        assert "Invalid JWT Signature" in (await refused(key_file(other_private, token_uri))).message
        assert "account not found" in (await refused(key_file(private, token_uri, "nobody@x.iam.gserviceaccount.com"))
                                       ).message
        assert p.gtm.created["token"] == 1

        read_only = client(p, key_file(private, token_uri))
        read_only._credentials = read_only._credentials.with_scopes(
            ["https://www.googleapis.com/auth/tagmanager.readonly"])
        assert (await read_only.check_access())["account_id"] == pu.GTM_ACCOUNT
        with pytest.raises(ProviderError) as caught:
            await read_only.ensure_web_container("sa web", pu.PIXEL_ID, pu.COLLECTOR_URL, pu.SERVER_URL)
        assert caught.value.code == "gtm.unauthorized" and "insufficient authentication scopes" in caught.value.message
