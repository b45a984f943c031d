"""An independent SAML SP for interop tests: Debian's python3-onelogin-saml2 (run with /usr/bin/python3).

Reads one JSON object on stdin:
  metadata        IdP metadata XML (ours), parsed by OneLogin_Saml2_IdPMetadataParser
  response        the base64 SAMLResponse exactly as a browser would post it
  sp_entity_id    the SP entityID (= the audience the response must name)
  acs_url         the URL the response is "received at" (Destination and Recipient are checked against it)
  request_id      optional AuthnRequest ID (InResponseTo must match when given)
  want_assertions_signed, want_messages_signed, want_assertions_encrypted   optional booleans
  sp_private_key, sp_certificate   optional PEM, to decrypt an EncryptedAssertion
Writes one JSON object on stdout: valid, error, nameid, nameid_format, attributes, session_index.
Strict mode: schema validation, destination, recipient, audience, issuer, time, signature.
"""

import json
import sys
from urllib.parse import urlsplit

from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.response import OneLogin_Saml2_Response
from onelogin.saml2.settings import OneLogin_Saml2_Settings


def main() -> None:
    data = json.load(sys.stdin)
    idp = OneLogin_Saml2_IdPMetadataParser.parse(data["metadata"])["idp"]
    sp = {
        "entityId": data["sp_entity_id"],
        "assertionConsumerService": {
            "url": data["acs_url"],
            "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
        },
        "NameIDFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    }
    if data.get("sp_private_key"):
        sp["privateKey"] = data["sp_private_key"]
        sp["x509cert"] = data.get("sp_certificate", "")
    settings = OneLogin_Saml2_Settings(
        {
            "strict": True,
            "debug": False,
            "sp": sp,
            "idp": idp,
            "security": {
                "wantAssertionsSigned": bool(data.get("want_assertions_signed", False)),
                "wantMessagesSigned": bool(data.get("want_messages_signed", False)),
                "wantAssertionsEncrypted": bool(data.get("want_assertions_encrypted", False)),
                "wantNameId": True,
                "wantAttributeStatement": True,
            },
        },
        sp_validation_only=True,
    )
    url = urlsplit(data["acs_url"])
    request_data = {
        "https": "on" if url.scheme == "https" else "off",
        "http_host": url.netloc,
        "script_name": url.path,
        "get_data": {},
        "post_data": {"SAMLResponse": data["response"]},
    }
    response = OneLogin_Saml2_Response(settings, data["response"])
    valid = response.is_valid(request_data, data.get("request_id"))
    out = {"valid": bool(valid), "error": response.get_error()}
    if valid:
        out.update(
            nameid=response.get_nameid(),
            nameid_format=response.get_nameid_format(),
            attributes=response.get_attributes(),
            session_index=response.get_session_index(),
        )
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
