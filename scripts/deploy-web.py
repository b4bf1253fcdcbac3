"""Publishes the web app after `sam deploy`: uploads web/dist to the stack's WebBucket, invalidates
WebDistribution, and sets the stack's WebOrigin to the distribution's origin (or --origin).

    .venv/bin/python scripts/deploy-web.py --stack STACK [--region REGION] [--origin https://app.example.com]
    .venv/bin/python scripts/deploy-web.py --stack STACK --dry-run      # reads the stack, changes nothing

WebOrigin cannot come from the template itself: the functions that write links in mail would depend on
the distribution, which depends on the API, which depends on the functions. So the stack starts with
the local default and this script updates that one parameter once the distribution's domain is known
(a parameter-only stack update: the previous template and every other parameter's previous value, no
image rebuilt). Run it after every `sam deploy`; it changes the origin only when it differs.

Files are uploaded with their Content-Type and a Cache-Control: the assets index.html names with a
content version (`/app.js?v=HASH`, scripts/web.sh) are immutable, index.html is `no-cache`, anything
else is kept 5 minutes, as the emulator's gateway does. index.html goes last, so a new page never
names an asset not yet there; files no longer in web/dist are deleted after it.

Without --stack, --bucket (and --distribution-id) name the targets directly; with --dry-run and no
--stack, nothing is called at all (make test runs it so). AWS_ENDPOINT_URL points boto3 at another
endpoint, such as the emulator's (docs/operations.md).
"""

import argparse
import mimetypes
import os
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
SHORT = "public, max-age=300"
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]


def content_type(key):
    """The Content-Type of a file of web/dist, by its extension (the gateway's table, and a few more)."""
    extension = os.path.splitext(key)[1].lower()
    return CONTENT_TYPES.get(extension) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def versioned_assets(index_html):
    """The files index.html names with a content version in the query (`/app.js?v=HASH`)."""
    return {m.group(1) for m in re.finditer(r'(?:src|href)="/([^"?#]+)\?v=[0-9A-Za-z]+"', index_html)}


def plan(dist):
    """The uploads for web/dist, in order: (key, path, Content-Type, Cache-Control), index.html last."""
    index = os.path.join(dist, "index.html")
    if not os.path.isfile(index):
        raise SystemExit(f"deploy-web: {index} is missing: build the web app first (scripts/web.sh build)")
    with open(index, encoding="utf-8") as f:
        versioned = versioned_assets(f.read())
    uploads = []
    for folder, _, files in os.walk(dist):
        for name in files:
            path = os.path.join(folder, name)
            key = os.path.relpath(path, dist).replace(os.sep, "/")
            if key.endswith(".html"):
                cache = REVALIDATE
            elif key in versioned:
                cache = IMMUTABLE
            else:
                cache = SHORT
            uploads.append((key, path, content_type(key), cache))
    missing = sorted(versioned - {u[0] for u in uploads})
    if missing:
        raise SystemExit(f"deploy-web: index.html names {', '.join(missing)}, which {dist} lacks")
    uploads.sort(key=lambda u: (u[0] == "index.html", u[0]))
    return uploads


def stack_targets(cloudformation, stack):
    """The stack's outputs and parameters (WebBucketName, WebDistributionId, WebUrl, WebOrigin …)."""
    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in described.get("Parameters", [])}
    for name in ("WebBucketName", "WebDistributionId", "WebUrl"):
        if name not in outputs:
            raise SystemExit(f"deploy-web: the stack {stack} has no output {name}: deploy template.yaml first (sam deploy)")
    return outputs, parameters


def origin_update(stack, parameters, origin):
    """UpdateStack's arguments setting WebOrigin to `origin` and keeping everything else as it is."""
    values = [{"ParameterKey": k, "UsePreviousValue": True} for k in sorted(parameters) if k != "WebOrigin"]
    values.append({"ParameterKey": "WebOrigin", "ParameterValue": origin})
    return {"StackName": stack, "UsePreviousTemplate": True, "Parameters": values, "Capabilities": CAPABILITIES}


def samconfig_origin(path):
    """The WebOrigin that samconfig.toml's `sam deploy` overrides give, if any (it would undo this script's)."""
    if not os.path.isfile(path):
        return None
    import tomllib

    with open(path, "rb") as f:
        config = tomllib.load(f)
    for environment in config.values():
        if not isinstance(environment, dict):
            continue
        overrides = environment.get("deploy", {}).get("parameters", {}).get("parameter_overrides", "")
        text = " ".join(overrides) if isinstance(overrides, list) else str(overrides)
        m = re.search(r'(?:^|\s)"?WebOrigin=\\?"?([^"\s\\]*)', text)
        if m:
            return m.group(1)
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", help="the stack `sam deploy` made (reads its outputs)")
    parser.add_argument("--region", help="the stack's region (else the AWS configuration's)")
    parser.add_argument("--dist", default=os.path.join(ROOT, "web", "dist"), help="the built web app (web/dist)")
    parser.add_argument("--origin", help="the public origin, if not the distribution's (a custom domain)")
    parser.add_argument("--bucket", help="upload here instead of the stack's WebBucketName")
    parser.add_argument("--distribution-id", help="invalidate this distribution instead of the stack's")
    parser.add_argument("--dry-run", action="store_true", help="print what would be done; change nothing")
    args = parser.parse_args(argv)
    if not args.stack and not args.bucket:
        parser.error("give --stack (or --bucket)")
    if args.origin and not re.fullmatch(r"https?://[^/?#\s]+", args.origin):
        parser.error(f"--origin is scheme://host[:port] with no path, not {args.origin}")

    uploads = plan(args.dist)
    session = None
    if args.stack or not args.dry_run:
        import boto3

        session = boto3.session.Session(region_name=args.region)
    outputs, parameters = {}, {}
    if args.stack:
        outputs, parameters = stack_targets(session.client("cloudformation"), args.stack)
    bucket = args.bucket or outputs.get("WebBucketName")
    distribution = args.distribution_id or outputs.get("WebDistributionId")
    origin = args.origin or outputs.get("WebUrl")
    dry = "(dry run) " if args.dry_run else ""

    s3 = None if args.dry_run else session.client("s3")
    for key, path, ctype, cache in uploads:
        print(f"{dry}upload {key} to s3://{bucket}/{key} ({ctype}; {cache})")
        if s3:
            with open(path, "rb") as body:
                s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=ctype, CacheControl=cache)
    wanted = {u[0] for u in uploads}
    stale = []
    if s3:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            stale += [o["Key"] for o in page.get("Contents", []) if o["Key"] not in wanted]
    for i in range(0, len(stale), 1000):
        print(f"delete {len(stale[i:i + 1000])} files no longer in {args.dist}: {', '.join(stale[i:i + 1000][:5])} …")
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in stale[i:i + 1000]], "Quiet": True})

    if distribution:
        print(f"{dry}invalidate /* of the distribution {distribution}")
        if not args.dry_run:
            answer = session.client("cloudfront").create_invalidation(
                DistributionId=distribution,
                InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": f"deploy-web-{time.time_ns()}"},
            )
            print(f"invalidation {answer['Invalidation']['Id']} is under way (a few minutes)")
    else:
        print("no distribution to invalidate")

    if not args.stack:
        print(f"no stack given: WebOrigin is left as it is{f' (wanted {origin})' if origin else ''}")
        return 0
    current = parameters.get("WebOrigin")
    if current == origin:
        print(f"WebOrigin is {origin} already")
    else:
        print(f"{dry}set the stack's WebOrigin from {current} to {origin} (a parameter-only update of {args.stack})")
        if not args.dry_run:
            cloudformation = session.client("cloudformation")
            cloudformation.update_stack(**origin_update(args.stack, parameters, origin))
            print("waiting for the update (the functions' environment and the media bucket's CORS rule) …")
            cloudformation.get_waiter("stack_update_complete").wait(
                StackName=args.stack, WaiterConfig={"Delay": 15, "MaxAttempts": 120})
            print(f"WebOrigin is {origin}")
    saved = samconfig_origin(os.path.join(ROOT, "samconfig.toml"))
    if saved is not None and saved != origin:
        print(f"warning: samconfig.toml's parameter_overrides set WebOrigin={saved}: the next `sam deploy` puts it back; "
              f"write WebOrigin={origin} there (or run this script after every deploy)")
    print(f"the web app: {origin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
