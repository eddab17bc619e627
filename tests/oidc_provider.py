"""A real OpenID Connect provider for the tests: npm's certified `oidc-provider` run by
node (tests/oidc/provider.mjs) on a free port of 127.0.0.1, standing in for the
council's Microsoft Entra ID. Tests say who its accounts are (with their groups, and
whether the directory has disabled them) and can make it misbehave: sign its ID tokens
for another audience, or issue them already expired."""

import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
CLIENT_ID = "complaints-portal"
CLIENT_SECRET = "a-client-secret-of-the-test-provider-0123456789"


@dataclass
class Account:
    email: str
    name: str
    groups: list[str] = field(default_factory=list)
    email_verified: bool = False
    disabled: bool = False


class OpenIDProvider:
    """`with OpenIDProvider(redirect_uri) as provider:` the provider runs, its issuer is
    `provider.issuer`, and `redirect_uri` is the one its client may return to."""

    def __init__(self, redirect_uri: str) -> None:
        self.redirect_uri = redirect_uri
        self.issuer = ""
        self._process: subprocess.Popen[str] | None = None
        self._folder = tempfile.TemporaryDirectory()

    def __enter__(self) -> "OpenIDProvider":
        config = Path(self._folder.name) / "provider.json"
        client = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [self.redirect_uri],
        }
        config.write_text(json.dumps({"clients": [client], "accounts": {}}))
        self._process = subprocess.Popen(
            ["node", str(SCRIPT), str(config)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        assert line, "the OpenID provider did not start (is `npm ci` done?)"
        self.issuer = json.loads(line)["issuer"]
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
        self._folder.cleanup()

    def has_accounts(self, **accounts: Account) -> None:
        """The directory holds these people (by their username at the provider)."""
        body = {name: vars(account) for name, account in accounts.items()}
        self._put("accounts", body)

    def misbehaves(self, **how: Any) -> None:
        """id_token_audience="..." or clock_offset_seconds=-7200; nothing: behaves."""
        self._put("misbehave", how)

    def _put(self, what: str, body: dict[str, Any]) -> None:
        response = requests.put(f"{self.issuer}/__test/{what}", json=body, timeout=5)
        assert response.status_code == 204

    def settings(self) -> dict[str, str]:
        """The portal's configuration for this provider."""
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        }
