#!/usr/bin/env python3
"""botocore's own serializer and parsers, as an oracle for Tessera's wire codec.

Reads {"cases": [...]} as JSON on stdin, answers {"results": [...]} on stdout, one result per case
in order. Cases:
  {"kind": "serialize", "service", "operation", "params"} -> {"body": <form body botocore sends>}
  {"kind": "parse", "service", "operation", "xml"}          -> {"parsed": ..., "requestId": ...}
  {"kind": "error", "service", "xml", "status"}             -> {"error": {Code, Message, Type?}, "requestId"}
Values that JSON cannot carry travel tagged: {"$date": ISO-8601}, {"$blob": base64}; a policy
document botocore JSON-decoded (handlers.json_decode_policies, what the AWS CLI prints) comes back
as {"$json": value}. A case that fails answers {"exception": "..."} instead.
"""

import base64
import datetime
import json
import sys

import botocore.handlers
import botocore.parsers
import botocore.serialize
import botocore.session
from botocore.awsrequest import AWSRequest

session = botocore.session.get_session()
models = {}


def model(service):
    if service not in models:
        models[service] = session.get_service_model(service)
    return models[service]


def untag(value):
    if isinstance(value, dict):
        if set(value) == {"$date"}:
            return datetime.datetime.fromisoformat(value["$date"].replace("Z", "+00:00"))
        if set(value) == {"$blob"}:
            return base64.b64decode(value["$blob"])
        return {k: untag(v) for k, v in value.items()}
    if isinstance(value, list):
        return [untag(v) for v in value]
    return value


def tag(value, shape):
    """Tags parsed output by its shape, so dates, blobs and decoded policies survive JSON."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        utc = value.astimezone(datetime.timezone.utc)
        return {"$date": utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"}
    if isinstance(value, (bytes, bytearray)):
        return {"$blob": base64.b64encode(value).decode("ascii")}
    if shape is not None and shape.type_name == "string" and not isinstance(value, str):
        return {"$json": value}
    if isinstance(value, dict):
        if shape is not None and shape.type_name == "structure":
            return {k: tag(v, shape.members.get(k)) for k, v in value.items()}
        if shape is not None and shape.type_name == "map":
            return {k: tag(v, shape.value) for k, v in value.items()}
        return {k: tag(v, None) for k, v in value.items()}
    if isinstance(value, list):
        member = shape.member if shape is not None and shape.type_name == "list" else None
        return [tag(v, member) for v in value]
    return value


def serialize(case):
    m = model(case["service"])
    op = m.operation_model(case["operation"])
    serializer = botocore.serialize.create_serializer(m.metadata["protocol"])
    request = serializer.serialize_to_request(untag(case["params"]), op)
    # AWSRequest form-encodes the dict exactly as it goes on the wire.
    prepared = AWSRequest(method="POST", url="https://example.invalid/", data=request["body"]).prepare()
    body = prepared.body
    return {"body": body.decode("utf-8") if isinstance(body, bytes) else body}


def parse(case):
    m = model(case["service"])
    op = m.operation_model(case["operation"])
    parser = botocore.parsers.create_parser(m.metadata["protocol"])
    parsed = parser.parse(
        {"body": case["xml"].encode("utf-8"), "status_code": 200, "headers": {}}, op.output_shape
    )
    metadata = parsed.pop("ResponseMetadata", {})
    if case["service"] == "iam":
        botocore.handlers.json_decode_policies(parsed, op)
    return {"parsed": tag(parsed, op.output_shape), "requestId": metadata.get("RequestId")}


def error(case):
    m = model(case["service"])
    parser = botocore.parsers.create_parser(m.metadata["protocol"])
    parsed = parser.parse(
        {"body": case["xml"].encode("utf-8"), "status_code": case["status"], "headers": {}}, None
    )
    return {"error": parsed.get("Error"), "requestId": parsed.get("ResponseMetadata", {}).get("RequestId")}


HANDLERS = {"serialize": serialize, "parse": parse, "error": error}


def main():
    cases = json.load(sys.stdin)["cases"]
    results = []
    for case in cases:
        try:
            results.append(HANDLERS[case["kind"]](case))
        except Exception as e:  # one broken case must not hide the others' answers
            results.append({"exception": f"{type(e).__name__}: {e}"})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
