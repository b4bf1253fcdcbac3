"""What the deployment is made of, read from the repository: the SAM template (with CloudFormation's
short-form tags), the function products of Package.swift, and the Dockerfile's stages. Shared by
scripts/check-template.py and scripts/package_manifest.py.
"""

import json
import os
import re
import shlex
import subprocess

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATE = os.path.join(ROOT, "template.yaml")
DOCKERFILE = os.path.join(ROOT, "Dockerfile")
FUNCTIONS_DIR = os.path.join(ROOT, "Sources", "Functions")


class TemplateLoader(yaml.SafeLoader):
    """PyYAML with `!Ref`, `!Sub`, `!GetAtt` … read as their long forms (`{"Fn::Sub": …}`)."""


def _intrinsic(loader, suffix, node):
    name = {"Ref": "Ref", "Condition": "Condition"}.get(suffix, "Fn::" + suffix)
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if name == "Fn::GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {name: value}


TemplateLoader.add_multi_constructor("!", _intrinsic)


def load_template(path=TEMPLATE):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=TemplateLoader)


def resources_of_type(template, type_name):
    return {k: v for k, v in template.get("Resources", {}).items() if v.get("Type") == type_name}


def functions(template):
    """{logical ID: properties with Globals.Function merged in (environment variables merged too)}."""
    globals_ = template.get("Globals", {}).get("Function", {})
    merged = {}
    for name, resource in resources_of_type(template, "AWS::Serverless::Function").items():
        properties = dict(globals_)
        properties.update(resource.get("Properties", {}))
        variables = dict(globals_.get("Environment", {}).get("Variables", {}))
        variables.update(resource.get("Properties", {}).get("Environment", {}).get("Variables", {}))
        properties["Environment"] = {"Variables": variables}
        properties["_Metadata"] = resource.get("Metadata", {})
        merged[name] = properties
    return merged


def command(properties):
    return (properties.get("ImageConfig", {}).get("Command") or [None])[0]


def function_product_dirs():
    """The folders under Sources/Functions: one executable product each."""
    return sorted(d for d in os.listdir(FUNCTIONS_DIR) if os.path.isdir(os.path.join(FUNCTIONS_DIR, d)))


def package_function_products():
    """{executable product: target} of Package.swift whose target lives under Sources/Functions,
    read from `swift package dump-package` (the manifest as SwiftPM evaluates it)."""
    scratch = ["--scratch-path", os.environ["SCRATCH_PATH"]] if os.environ.get("SCRATCH_PATH") else []
    dump = json.loads(
        subprocess.run(
            ["swift", "package", *scratch, "dump-package"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
    )
    paths = {t["name"]: t.get("path") or "" for t in dump["targets"]}
    products = {}
    for product in dump["products"]:
        if "executable" not in product["type"]:
            continue
        for target in product["targets"]:
            if paths.get(target, "").startswith("Sources/Functions/"):
                products[product["name"]] = target
    return products


def package_function_products_from_source():
    """The same without running SwiftPM (for the fast checks): the `("Target", "executable")`
    tuples of Package.swift's function lists."""
    with open(os.path.join(ROOT, "Package.swift"), encoding="utf-8") as f:
        text = f.read()
    pairs = re.findall(r'\(\s*"([A-Z]\w*)"\s*,\s*"([a-z][a-z0-9-]*)"', text)
    return {executable: target for target, executable in pairs}


class Stage:
    def __init__(self, name, base):
        self.name, self.base = name, base
        self.packages, self.env, self.copies, self.args = [], {}, [], {}


def dockerfile_stages(path=DOCKERFILE):
    """{stage name: Stage} with each stage's apt packages, ENV and COPY lines, its own only."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().replace("\\\n", " ").splitlines()
    stages, current = {}, None
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        word = word.upper()
        if word == "FROM":
            m = re.match(r"(\S+)(?:\s+AS\s+(\S+))?", rest, re.I)
            current = Stage(m.group(2) or m.group(1), m.group(1))
            stages[current.name] = current
        elif word == "RUN" and "apt-get install" in rest:
            for command in re.split(r"&&|;|\|\|", rest):
                if "apt-get install" in command:
                    words = shlex.split(command.split("apt-get install", 1)[1])
                    current.packages += [w for w in words if not w.startswith("-")]
        elif word == "ENV":
            for item in shlex.split(rest):
                key, _, value = item.partition("=")
                current.env[key] = value
        elif word == "ARG" and current is not None:  # a global ARG (before any FROM) belongs to no stage
            key, _, value = rest.partition("=")
            current.args[key.strip()] = value.strip()
        elif word == "COPY":
            current.copies.append(rest)
    return stages


def stage_chain(stages, name):
    """The stage and the stages it is built FROM, nearest first."""
    chain = []
    while name in stages:
        chain.append(stages[name])
        name = stages[name].base
    return chain


def stage_packages(stages, name):
    return [p for stage in reversed(stage_chain(stages, name)) for p in stage.packages]


def stage_env(stages, name):
    env = {}
    for stage in reversed(stage_chain(stages, name)):
        env.update(stage.env)
    return env


def base_image(stages, name):
    chain = stage_chain(stages, name)
    return chain[-1].base if chain else None
