"""A rough index of the Swift sources, for scripts/check-template.py: which AWS calls and which
environment variables each function's code can reach.

It is not a Swift parser. It finds every `func`/`init` body and every type body, links calls by
name (over-approximating: a call `x.item(` reaches every function named `item`), and knows the
code's conventions for AWS calls: DynamoDB through `db.`/`dynamodb.`, S3 through `s3.`, SQS
through `sqs()`, SES through `ses()` or a stored `ses`. A call to one of the clients' operations through any other
receiver is reported, so a new convention is taught here instead of being missed.
"""

import os
import re

# The operations of the Cloud clients, and the IAM actions each needs. `objectExists`/`headObject`
# need s3:ListBucket too: without it S3 answers a missing key with 403, not 404, and the code
# reads only 404 as "absent".
DYNAMODB_OPERATIONS = {
    "getItem": ["GetItem"],
    "putItem": ["PutItem"],
    "updateItem": ["UpdateItem"],
    "deleteItem": ["DeleteItem"],
    "query": ["Query"],
    "scan": ["Scan"],
    "batchGetItem": ["BatchGetItem"],
    "batchWriteItem": ["BatchWriteItem"],
    "transactWriteItems": [],  # the actions of the writes in it (see TRANSACT_WRITES)
    "transactGetItems": ["GetItem"],
}
TRANSACT_WRITES = {"put": "PutItem", "update": "UpdateItem", "delete": "DeleteItem", "conditionCheck": "ConditionCheckItem"}
S3_OPERATIONS = {
    "getObject": ["GetObject"],
    "putObject": ["PutObject"],
    "copyObject": ["GetObject", "PutObject"],
    "deleteObject": ["DeleteObject"],
    "deleteObjects": ["DeleteObject"],
    "deletePrefix": ["ListBucket", "DeleteObject"],
    "listObjects": ["ListBucket"],
    "listAllObjects": ["ListBucket"],
    "headObject": ["GetObject", "ListBucket"],
    "objectExists": ["GetObject", "ListBucket"],
    "objectListed": ["ListBucket"],
    "presignedPutURL": ["PutObject"],
    "presignedGetURL": ["GetObject"],
}
SQS_OPERATIONS = {
    "sendMessage": ["SendMessage"], "sendMessageBatch": ["SendMessage"],
    "changeMessageVisibility": ["ChangeMessageVisibility"],
}
# Which queue an SQS call names, by the setting its queueURL argument comes from.
SQS_QUEUES = {"transcribeQueueURL": "TranscribeQueue", "fetchQueueURL": "FetchQueue", "diarizeQueueURL": "DiarizeQueue"}
SES_OPERATIONS = {"sendEmail": ["SendEmail"]}
LAMBDA_OPERATIONS = {"invokeAsynchronously": ["InvokeFunction"]}
SECRETS_OPERATIONS = {"getSecretValue": ["GetSecretValue"]}

# Names that dispatch through a protocol (every route has `respond`, every handler `handle`):
# linking them by name would make every function reach every other. Entry points are the types.
PROTOCOL_DISPATCH = {"respond", "handle", "init"}

ENV_READ = re.compile(
    r'\b(Environment\.(?:get|text|integer|flag|require)|required|number|program)\(\s*"([A-Z][A-Z0-9_]+)"'
)
STRING_START = re.compile(r'(#*)("""|")')
KEYWORDS = {
    "if", "guard", "for", "while", "switch", "return", "catch", "try", "throw", "throws", "case", "let", "var",
    "func", "init", "self", "Self", "super", "in", "as", "is", "where", "repeat", "defer", "do", "else", "await",
}


def mask(text):
    """The text with comments and the insides of string literals replaced by spaces (interpolations
    kept), so braces and calls can be found by position; same length as the input."""
    out = list(text)
    i, n = 0, len(text)
    # A stack of contexts: ("code", paren depth in an interpolation) or ("string", delimiter, hashes).
    stack = [("code", 0)]

    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        top = stack[-1]
        c = text[i]
        if top[0] == "code":
            if text.startswith("//", i):
                end = text.find("\n", i)
                end = n if end < 0 else end
                blank(i, end)
                i = end
                continue
            if text.startswith("/*", i):
                depth, j = 1, i + 2
                while j < n and depth:
                    if text.startswith("/*", j):
                        depth, j = depth + 1, j + 2
                    elif text.startswith("*/", j):
                        depth, j = depth - 1, j + 2
                    else:
                        j += 1
                blank(i, j)
                i = j
                continue
            if c in '#"':
                m = STRING_START.match(text, i)
                if m:
                    stack.append(("string", m.group(2), m.group(1)))
                    i = m.end()
                    continue
            if c == "(" and len(stack) > 1:
                stack[-1] = ("code", top[1] + 1)
            elif c == ")" and len(stack) > 1:
                if top[1] == 0:
                    stack.pop()  # the end of an interpolation
                    i += 1
                    continue
                stack[-1] = ("code", top[1] - 1)
            i += 1
        else:
            _, delimiter, hashes = top
            if text.startswith("\\" + hashes + "(", i):
                blank(i, i + len(hashes) + 1)
                stack.append(("code", 0))
                i += len(hashes) + 2
                continue
            if text.startswith("\\" + hashes, i):
                # An escape (`\n`, `\"`, or `\#n` in a raw string): it and the character after it.
                blank(i, min(n, i + 2 + len(hashes)))
                i += 2 + len(hashes)
                continue
            if text.startswith(delimiter + hashes, i):
                stack.pop()
                i += len(delimiter) + len(hashes)
                continue
            if c != "\n":
                out[i] = " "
            i += 1
    return "".join(out)


def matching(masked, start, open_char="{", close_char="}"):
    """The index just past the bracket that closes the one at `start`."""
    depth = 0
    for j in range(start, len(masked)):
        if masked[j] == open_char:
            depth += 1
        elif masked[j] == close_char:
            depth -= 1
            if depth == 0:
                return j + 1
    return len(masked)


class Body:
    """A function's (or a type's) body, with where it is and the type it belongs to."""

    def __init__(self, path, name, text, masked, start, owner=None, static=False, signature=""):
        self.path, self.name, self.text, self.masked = path, name, text, masked
        self.start, self.owner, self.static, self.signature = start, owner, static, signature


class SourceIndex:
    """Function and type bodies of the Swift files under `roots`.

    Calls are resolved by their form: `Type.f(` to `f` of that type; `x.f(` to every instance
    method `f`; `f(` to `f` of the same type, or a global one; `Type(` to the type's initializers;
    `.f(` (an implicit member) to the static `f` of the type the context expects (an argument's
    parameter type, an assigned property's type), else to every static `f`.
    """

    def __init__(self, roots):
        self.functions = {}  # name -> [Body]
        self.types = {}  # type name -> [Body] (its declaration and its extensions)
        self.files = []
        self.parameter_types = {}  # (callee, label) -> {type name}
        for root in roots:
            for folder, _, names in os.walk(root):
                for name in sorted(names):
                    if name.endswith(".swift"):
                        self._read(os.path.join(folder, name))

    def _read(self, path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        masked = mask(text)
        self.files.append((path, text, masked))
        ranges = []
        for m in re.finditer(r"\b(?:struct|class|enum|extension|actor|protocol)\s+([A-Z]\w*)[^{;]*?\{", masked):
            start = m.end() - 1
            end = matching(masked, start)
            ranges.append((start, end, m.group(1)))
            self.types.setdefault(m.group(1), []).append(
                Body(path, m.group(1), text[start:end], masked[start:end], start, owner=m.group(1)))

        def owner(position):
            inside = [r for r in ranges if r[0] < position < r[1]]
            return min(inside, key=lambda r: r[1] - r[0])[2] if inside else None

        pattern = r"\b(static\s+|class\s+)?(?:func\s+(\w+)|(?<![.\w])(init)[?!]?)\s*(<[^>]*>)?\s*\("
        for m in re.finditer(pattern, masked):
            name = m.group(2) or m.group(3)
            params_end = matching(masked, m.end() - 1, "(", ")")
            type_name = owner(m.start())
            callee = type_name if name == "init" else name
            for label, annotation in re.findall(r"(?:^|[(,])\s*(\w+)(?:\s+\w+)?\s*:\s*([A-Z][\w.]*)",
                                                text[m.end() - 1: params_end]):
                self.parameter_types.setdefault((callee, label), set()).add(annotation.split(".")[-1])
            brace = masked.find("{", params_end)
            if brace < 0:
                continue
            between = masked[params_end:brace]
            if re.search(r"\b(func|var|let|init|case)\b|}", between):
                continue  # a requirement of a protocol: no body
            end = matching(masked, brace)
            self.functions.setdefault(name, []).append(
                Body(path, name, text[brace:end], masked[brace:end], brace, owner=type_name,
                     static=bool(m.group(1)), signature=masked[m.start():brace]))

    def _in_type(self, name, type_name, **flags):
        return [b for b in self.functions.get(name, []) if b.owner == type_name
                and all(getattr(b, k) == v for k, v in flags.items())]

    def _expected_type(self, body, position, callee_types):
        """The type an implicit member `.f(` at `position` must have, from its context."""
        masked = body.masked
        depth, q = 0, position - 1
        while q >= 0:
            c = masked[q]
            if c in ")]}":
                depth += 1
            elif c in "([{":
                if depth == 0:
                    break
                depth -= 1
            q -= 1
        if q >= 0 and masked[q] == "(":
            label = re.search(r"(\w+)\s*:\s*(?:try[?!]?\s+)?$", masked[q + 1: position])
            callee = re.search(r"([A-Za-z_]\w*)\s*$", masked[:q])
            if label and callee:
                return self.parameter_types.get((callee.group(1), label.group(1)), set())
        assigned = re.search(r"\b(\w+)\s*=\s*(?:try[?!]?\s+)?$", masked[:position])
        if assigned:
            found = set()
            for type_body in callee_types:
                found |= set(re.findall(
                    r"\b(?:let|var)\s+" + assigned.group(1) + r"\s*:\s*([A-Z]\w*)", type_body.masked))
            return found
        return set()

    @staticmethod
    def _declared_type(body, variable, owner_types):
        """The type `variable` is declared with in the body, its signature or its type, if plain."""
        v = re.escape(variable)
        for text in (body.masked, body.signature):
            m = re.search(r"\b(?:let|var)\s+" + v + r"\s*(?::\s*([A-Z]\w*)\b(?![.<])|=\s*(?:try[?!]?\s+)?([A-Z]\w*)\()",
                          text) or re.search(r"(?:^|[(,])\s*(?:\w+\s+)?" + v + r"\s*:\s*([A-Z]\w*)\b(?![.<])", text)
            if m:
                return next(g for g in m.groups() if g)
        for type_body in owner_types:
            m = re.search(r"\b(?:let|var)\s+" + v + r"\s*(?::\s*([A-Z]\w*)\b(?![.<])|=\s*([A-Z]\w*)\()",
                          type_body.masked)
            if m:
                return next(g for g in m.groups() if g)
        return None

    def calls(self, body):
        """The bodies a body calls."""
        owner_types = self.types.get(body.owner, [])
        for m in re.finditer(r"(?:([A-Za-z_]\w*|[)\]?!])\s*)?(\.)?\b([A-Za-z_]\w*)\s*(?:<[^<>()]*>)?\(",
                             body.masked):
            receiver, dot, name = m.group(1), m.group(2), m.group(3)
            if name in KEYWORDS or name in PROTOCOL_DISPATCH:
                continue
            if not dot:
                receiver = None
            elif receiver == "?" and body.masked[m.start(1) - 1: m.start(1)].isspace():
                receiver = None  # `cond ? .a(…) : .b(…)`: a ternary, not optional chaining
            line = body.masked[body.masked.rfind("\n", 0, m.start(2)) + 1: m.start(2)] if dot else ""
            if dot and re.search(r"\bcase\b[^:=]*$", line):
                continue  # `case .url(let url)`: a pattern, not a call
            if name[0].isupper() and not dot:
                for type_body in self.types.get(name, []):
                    yield from (b for b in self.functions.get("init", [])
                                if b.path == type_body.path and type_body.start < b.start < type_body.start + len(type_body.text))
                continue
            if dot and (receiver is None or receiver in KEYWORDS):
                expected = self._expected_type(body, m.start(2), owner_types)
                if expected:  # a type outside the index (AWSConfiguration, say) has nothing to reach
                    yield from (b for t in expected for b in self._in_type(name, t, static=True))
                else:
                    yield from (b for b in self.functions.get(name, []) if b.static)
            elif receiver == "self":
                yield from self._in_type(name, body.owner)
            elif receiver and receiver[0].isupper():
                yield from self._in_type(name, receiver)
            elif receiver:
                declared = self._declared_type(body, receiver, owner_types) if receiver[0].isalpha() else None
                if declared:  # a variable, parameter or property of a known type: that type's methods
                    yield from self._in_type(name, declared, static=False)
                else:
                    yield from (b for b in self.functions.get(name, []) if not b.static)
            else:
                yield from self._in_type(name, body.owner) + self._in_type(name, None)

    def reach(self, roots):
        """Every body reachable from `roots` by calls, roots included."""
        seen, queue = set(), list(roots)
        while queue:
            body = queue.pop()
            if id(body) in seen:
                continue
            seen.add(id(body))
            yield body
            queue.extend(self.calls(body))

    # What a body does.

    @staticmethod
    def aws_calls(body):
        """(service, action, detail) for every AWS operation in the body; detail is the index for an
        index query. Raises ValueError for a client operation called through an unknown receiver."""
        found = []
        masked, text = body.masked, body.text
        for m in re.finditer(r"\b(db|dynamodb)\s*\.\s*(\w+)\s*\(", masked):
            op = m.group(2)
            if op not in DYNAMODB_OPERATIONS:
                continue
            args = text[m.end() - 1: matching(masked, m.end() - 1, "(", ")")]
            if op == "transactWriteItems":
                for case in re.finditer(r"\.(put|update|delete|conditionCheck)\(\s*table:", masked):
                    found.append(("dynamodb", TRANSACT_WRITES[case.group(1)], None))
            index = re.search(r'\bindex:\s*"([^"]+)"', args)
            for action in DYNAMODB_OPERATIONS[op]:
                found.append(("dynamodb", action, index.group(1) if index and action == "Query" else None))
        for service, receiver, operations in (
            ("s3", r"\bs3\s*\.", S3_OPERATIONS),
            ("sqs", r"\bsqs\(\)\s*\.", SQS_OPERATIONS),
            ("ses", r"\bses(?:\(\))?\s*\.", SES_OPERATIONS),
            ("lambda", r"\blambda\s*\.", LAMBDA_OPERATIONS),
            ("secretsmanager", r"\bsecrets\s*\.", SECRETS_OPERATIONS),
        ):
            for m in re.finditer(receiver + r"\s*(\w+)\s*\(", masked):
                detail = None
                if service == "sqs":
                    args = text[m.end() - 1: matching(masked, m.end() - 1, "(", ")")]
                    named = re.search(r"\bqueueURL:\s*(\w+)", args)
                    if not named or named.group(1) not in SQS_QUEUES:
                        raise ValueError(f"{body.path}: in {body.name}: an SQS call's queueURL must be one of "
                                         f"{sorted(SQS_QUEUES)} (a variable of that name), so the checker knows the queue")
                    detail = SQS_QUEUES[named.group(1)]
                if service == "secretsmanager":
                    # The secret is the one whose ARN the same body reads from a *_SECRET_ARN variable.
                    named = {m.group(2) for m in ENV_READ.finditer(text) if m.group(2).endswith("_SECRET_ARN")}
                    if len(named) != 1:
                        raise ValueError(f"{body.path}: in {body.name}: a getSecretValue call must be in the body that "
                                         "reads its ARN from one *_SECRET_ARN variable, so the checker knows the secret")
                    detail = named.pop()
                for action in operations.get(m.group(1), []):
                    found.append((service, action, detail))
        known = re.compile(r"\b(db|dynamodb|s3|lambda|secrets|ses)\s*\.\s*$|\b(sqs|ses)\(\)\s*\.\s*$")
        every = (
            set(DYNAMODB_OPERATIONS) | set(S3_OPERATIONS) | set(SQS_OPERATIONS) | set(SES_OPERATIONS)
            | set(LAMBDA_OPERATIONS) | set(SECRETS_OPERATIONS)
        )
        every -= {"query"}  # APIRequest.query(_:) reads the query string
        for m in re.finditer(r"\.\s*(\w+)\s*\(", masked):
            if m.group(1) in every and not known.search(masked[: m.start() + 1]):
                line = body.text[: m.start()].count("\n")
                raise ValueError(
                    f"{body.path}: in {body.name} (+{line} lines): {m.group(1)}() is called through a receiver "
                    "the template checker does not know; teach scripts/swift_source_index.py")
        return found

    @staticmethod
    def environment_reads(body):
        """(name, required) for every environment variable the body reads."""
        return [(m.group(2), m.group(1) in ("required", "Environment.require")) for m in ENV_READ.finditer(body.text)]
