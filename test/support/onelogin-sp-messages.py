"""The SP side of SP-initiated login and Single Logout, for interop tests: Debian's python3-onelogin-saml2
(run with /usr/bin/python3). Produces the AuthnRequests and LogoutRequests a OneLogin SP sends, and
validates the LogoutRequests/LogoutResponses our IdP sends back, with OneLogin's own code paths.

Reads one JSON object on stdin:
  op        one of the operations below
  sp        {entity_id, acs_url, sls_url, private_key, certificate}
  idp       {entity_id, sso_url, slo_url, certificate}
  security  OneLogin security settings (authnRequestsSigned, logoutRequestSigned, logoutResponseSigned,
            wantMessagesSigned, signatureAlgorithm, digestAlgorithm, ...)
Operations:
  authn_request_redirect  {relay_state, force_authn, is_passive}   -> {url, request_id, xml}
  authn_request_post      {force_authn, is_passive, sign}          -> {saml_request, request_id, xml}
  logout_request_redirect {relay_state, name_id, session_index}    -> {url, request_id, xml}
  logout_request_post     {name_id, session_index, sign}           -> {saml_request, request_id, xml}
  process_slo             {url, from_qs, request_id}  (our Redirect message, as received at the SP's SLS)
                          -> {errors, error_reason, redirect, last_message_id}
  validate_post           {kind: LogoutResponse|LogoutRequest, message (base64), url, request_id}
                          -> {valid, error, signature_valid, signature_error, status}
Writes one JSON object on stdout.
"""

import json
import sys
from urllib.parse import parse_qsl, urlsplit

from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.authn_request import OneLogin_Saml2_Authn_Request
from onelogin.saml2.logout_request import OneLogin_Saml2_Logout_Request
from onelogin.saml2.logout_response import OneLogin_Saml2_Logout_Response
from onelogin.saml2.settings import OneLogin_Saml2_Settings
from onelogin.saml2.utils import OneLogin_Saml2_Utils


def settings_dict(data):
    sp = data["sp"]
    idp = data["idp"]
    return {
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": sp["entity_id"],
            "assertionConsumerService": {"url": sp["acs_url"], "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"},
            "singleLogoutService": {"url": sp["sls_url"], "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"},
            "NameIDFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
            "x509cert": sp.get("certificate", ""),
            "privateKey": sp.get("private_key", ""),
        },
        "idp": {
            "entityId": idp["entity_id"],
            "singleSignOnService": {"url": idp["sso_url"], "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"},
            "singleLogoutService": {"url": idp["slo_url"], "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"},
            "x509cert": idp["certificate"],
        },
        "security": data.get("security", {}),
    }


def sp_request_data(data, url=None, from_qs=False):
    """The request as the SP's web framework would describe it."""
    target = urlsplit(url or data["sp"]["sls_url"])
    get_data = dict(parse_qsl(target.query, keep_blank_values=True))
    return {
        "https": "on" if target.scheme == "https" else "off",
        "http_host": target.netloc,
        "script_name": target.path,
        "get_data": get_data,
        "post_data": {},
        "query_string": target.query,
        "validate_signature_from_qs": bool(from_qs),
    }


def signed(data, settings, xml):
    security = data.get("security", {})
    sp = data["sp"]
    return OneLogin_Saml2_Utils.add_sign(
        xml,
        sp["private_key"],
        sp["certificate"],
        sign_algorithm=security.get("signatureAlgorithm", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"),
        digest_algorithm=security.get("digestAlgorithm", "http://www.w3.org/2001/04/xmlenc#sha256"),
    )


def to_text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def main() -> None:
    data = json.load(sys.stdin)
    op = data["op"]
    out = {}
    if op == "authn_request_redirect":
        auth = OneLogin_Saml2_Auth(sp_request_data(data, data["sp"]["acs_url"]), settings_dict(data))
        out["url"] = auth.login(return_to=data.get("relay_state"), force_authn=bool(data.get("force_authn")), is_passive=bool(data.get("is_passive")))
        out["request_id"] = auth.get_last_request_id()
        out["xml"] = to_text(auth.get_last_request_xml())
    elif op == "authn_request_post":
        settings = OneLogin_Saml2_Settings(settings_dict(data))
        request = OneLogin_Saml2_Authn_Request(settings, bool(data.get("force_authn")), bool(data.get("is_passive")))
        xml = request.get_xml()
        if data.get("sign"):
            xml = signed(data, settings, xml)
        out["saml_request"] = OneLogin_Saml2_Utils.b64encode(xml)
        out["request_id"] = request.get_id()
        out["xml"] = to_text(xml)
    elif op == "logout_request_redirect":
        auth = OneLogin_Saml2_Auth(sp_request_data(data), settings_dict(data))
        out["url"] = auth.logout(return_to=data.get("relay_state"), name_id=data.get("name_id"), session_index=data.get("session_index"))
        out["request_id"] = auth.get_last_request_id()
        out["xml"] = to_text(auth.get_last_request_xml())
    elif op == "logout_request_post":
        settings = OneLogin_Saml2_Settings(settings_dict(data))
        request = OneLogin_Saml2_Logout_Request(settings, name_id=data.get("name_id"), session_index=data.get("session_index"))
        xml = request.get_xml()
        if data.get("sign"):
            xml = signed(data, settings, xml)
        out["saml_request"] = OneLogin_Saml2_Utils.b64encode(xml)
        out["request_id"] = request.id
        out["xml"] = to_text(xml)
    elif op == "process_slo":
        auth = OneLogin_Saml2_Auth(sp_request_data(data, data["url"], data.get("from_qs")), settings_dict(data))
        out["redirect"] = auth.process_slo(keep_local_session=True, request_id=data.get("request_id"))
        out["errors"] = auth.get_errors()
        out["error_reason"] = auth.get_last_error_reason()
        out["last_message_id"] = auth.get_last_message_id()
    elif op == "validate_post":
        settings = OneLogin_Saml2_Settings(settings_dict(data))
        request_data = sp_request_data(data, data["url"])
        kind = data["kind"]
        if kind == "LogoutResponse":
            message = OneLogin_Saml2_Logout_Response(settings, data["message"])
            out["valid"] = bool(message.is_valid(request_data, data.get("request_id")))
            out["status"] = message.get_status()
        else:
            message = OneLogin_Saml2_Logout_Request(settings, data["message"])
            out["valid"] = bool(message.is_valid(request_data))
        out["error"] = message.get_error()
        xml = OneLogin_Saml2_Utils.b64decode(data["message"])
        try:
            out["signature_valid"] = bool(
                OneLogin_Saml2_Utils.validate_sign(xml, cert=data["idp"]["certificate"], xpath="/samlp:%s/ds:Signature" % kind, raise_exceptions=True)
            )
            out["signature_error"] = None
        except Exception as err:  # noqa: BLE001 - reported to the test
            out["signature_valid"] = False
            out["signature_error"] = str(err)
    else:
        raise SystemExit("unknown op %r" % op)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
