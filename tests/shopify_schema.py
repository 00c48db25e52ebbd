"""Shopify's real Admin GraphQL schema, from the pinned npm package @shopify/dev-mcp (fetched once, cached)."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from functools import cache
from pathlib import Path

import graphql

PACKAGE, VERSION, API = "@shopify/dev-mcp", "1.16.0", "2026-10"
CACHE = Path(os.environ.get("RETURNKIT_CACHE", Path.home() / ".cache" / "returnkit")) / f"dev-mcp-{VERSION}"


def schema_file() -> Path:
    """admin_<API>.json.gz from the package, downloaded with npm on first use."""
    target = CACHE / f"admin_{API}.json.gz"
    if target.exists():
        return target
    if shutil.which("npm") is None:
        raise RuntimeError("npm is needed once to fetch Shopify's Admin schema (apt-get install npm)")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=tmp, check=True,
                       capture_output=True, timeout=300)
        [archive] = Path(tmp).glob("*.tgz")
        with tarfile.open(archive) as tar:
            member = tar.getmember(f"package/dist/data/admin_{API}.json.gz")
            CACHE.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as source, open(target.with_suffix(".part"), "wb") as out:
                shutil.copyfileobj(source, out)
        target.with_suffix(".part").rename(target)
    return target


@cache
def admin_schema() -> graphql.GraphQLSchema:
    """The Admin API schema as graphql-core sees it."""
    data = json.loads(gzip.decompress(schema_file().read_bytes()))
    schema = graphql.build_client_schema(data["data"])
    # graphql-core's own self-check rejects some deprecation quirks of Shopify's schema; documents are
    # still fully validated against it.
    schema._validation_errors = []
    return schema


def validate(document: str, variables: dict | None = None) -> list[str]:
    """Errors in a document (and, given variables, in their values); empty when Shopify would accept it."""
    schema = admin_schema()
    ast = graphql.parse(document)
    errors = [str(e).splitlines()[0] for e in graphql.validate(schema, ast)]
    if not errors and variables is not None:
        operation = graphql.get_operation_ast(ast)
        coerced = graphql.execution.values.get_variable_values(schema, operation.variable_definitions, variables)
        errors = [str(e).splitlines()[0] for e in coerced] if isinstance(coerced, list) else []
    return errors


def deprecated_uses(document: str) -> list[str]:
    """Fields and arguments a document uses that the schema marks deprecated ("Use X instead")."""
    schema, found = admin_schema(), []
    info = graphql.TypeInfo(schema)

    class Visitor(graphql.Visitor):
        def enter_field(self, node, *_):
            field = info.get_field_def()
            if field is not None and field.deprecation_reason:
                found.append(f"{node.name.value}: {field.deprecation_reason}")

        def enter_argument(self, node, *_):
            argument = info.get_argument()
            if argument is not None and argument.deprecation_reason:
                found.append(f"{node.name.value}: {argument.deprecation_reason}")

    graphql.visit(graphql.parse(document), graphql.TypeInfoVisitor(info, Visitor()))
    return found
