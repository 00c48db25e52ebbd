"""Shopify's OAuth endpoints for the emulated shop, signed the way Shopify signs them.

GET /admin/oauth/authorize approves at once and redirects to redirect_uri with code, hmac, host, shop,
state and timestamp (hex HMAC-SHA256 over the sorted query, keyed with the app secret).
POST /admin/oauth/access_token takes the authorization-code, token-exchange and refresh-token grants;
`expiring=1` (and every refresh) gives a token that expires, with a refresh token that rotates on use.
Each issued access token becomes the one the emulator's GraphQL endpoint accepts.
"""
from __future__ import annotations

from adapters.shopify.scopes import scope_param

import base64
import hashlib
import hmac
import secrets
import time
from urllib.parse import urlencode

import jwt
from flask import jsonify, redirect, request

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"


def sign_query(params: dict, secret: str) -> str:
    """Shopify's OAuth HMAC: the sorted k=v pairs (hmac left out) joined with &, HMAC-SHA256 hex."""
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "hmac")
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class ShopifyOAuth:
    def __init__(self, emulator, api_key: str = "rk-test-client-id", secret: str = "shpss_" + "5e" * 16,
                 shop: str = "kaolate-demo.myshopify.com", access_ttl: int = 3600, refresh_ttl: int = 90 * 86400):
        self.emulator, self.api_key, self.secret, self.shop = emulator, api_key, secret, shop
        self.access_ttl, self.refresh_ttl = access_ttl, refresh_ttl
        self.scope = scope_param()   # granted by managed install: what the app's toml asks for
        self.codes: dict[str, dict] = {}
        self.refresh_tokens: dict[str, float] = {}     # refresh token → when it expires
        self.grants: list[str] = []                    # grant types served, in order
        app = emulator.app
        app.add_url_rule("/admin/oauth/authorize", "oauth_authorize", self.authorize)
        app.add_url_rule("/admin/oauth/access_token", "oauth_access_token", self.access_token, methods=["POST"])

    def authorize(self):
        """The merchant approves at once; back to the app with a signed query."""
        args = request.args
        if args.get("client_id") != self.api_key or not args.get("redirect_uri"):
            return "Oauth error invalid_request: The client_id or redirect_uri is not valid", 400
        code = secrets.token_hex(16)
        self.codes[code] = {"scope": args.get("scope", ""), "used": False}
        host = base64.urlsafe_b64encode(f"{self.shop}/admin".encode()).decode().rstrip("=")
        query = {"code": code, "host": host, "shop": self.shop, "state": args.get("state", ""),
                 "timestamp": str(int(time.time()))}
        query["hmac"] = sign_query(query, self.secret)
        return redirect(f"{args['redirect_uri']}?{urlencode(query)}")

    def access_token(self):
        """Issue an access token for one of the three grants."""
        body = request.get_json(silent=True) or request.form.to_dict()
        if body.get("client_id") != self.api_key or body.get("client_secret") != self.secret:
            return jsonify(error="invalid_client", error_description="Client credentials are invalid"), 401
        grant = body.get("grant_type") or "authorization_code"
        handler = {"authorization_code": self._code, TOKEN_EXCHANGE: self._exchange,
                   "refresh_token": self._refresh}.get(grant)
        if handler is None:
            return jsonify(error="unsupported_grant_type"), 400
        return handler(body)

    def _issue(self, grant: str, scope: str, expiring: bool):
        self.grants.append(grant)
        token = "shpat_" + secrets.token_hex(16)
        self.emulator.token = token
        answer = {"access_token": token, "scope": scope}
        if expiring:
            refresh = "shprt_" + secrets.token_hex(16)
            self.refresh_tokens[refresh] = time.time() + self.refresh_ttl
            answer |= {"expires_in": self.access_ttl, "refresh_token": refresh,
                       "refresh_token_expires_in": self.refresh_ttl}
        return jsonify(answer)

    def _code(self, body):
        entry = self.codes.get(body.get("code") or "")
        if entry is None or entry["used"]:
            return jsonify(error="invalid_request", error_description="The authorization code was not found or was "
                                                                      "already used"), 400
        entry["used"] = True
        return self._issue("authorization_code", entry["scope"], str(body.get("expiring")) == "1")

    def _exchange(self, body):
        try:
            claims = jwt.decode(body.get("subject_token", ""), self.secret, algorithms=["HS256"], audience=self.api_key)
        except jwt.PyJWTError:
            return jsonify(error="invalid_subject_token"), 400
        if claims.get("dest") != f"https://{self.shop}":
            return jsonify(error="invalid_subject_token"), 400
        return self._issue("token_exchange", self.scope, str(body.get("expiring")) == "1")

    def _refresh(self, body):
        expires = self.refresh_tokens.pop(body.get("refresh_token") or "", None)
        if expires is None or expires < time.time():
            return jsonify(error="invalid_grant", error_description="The refresh token is invalid"), 400
        return self._issue("refresh_token", self.scope, True)
