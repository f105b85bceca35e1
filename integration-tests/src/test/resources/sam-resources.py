"""Runs SAM's own translator (samtranslator, installed with cfn-lint) on template.yaml with its
default parameters and prints, as JSON, every resource of the result: {logical id: type}.

usage: python3 sam-resources.py TEMPLATE
"""
import json
import sys

from cfnlint.decode import decode
from samtranslator.translator.transform import transform


class NoManagedPolicies:
    """The template names no AWS managed policy, so the translator needs no IAM lookup."""
    def load(self):
        return {}


def main():
    template, _ = decode(sys.argv[1])
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        if "CodeUri" in props:
            props["CodeUri"] = "s3://bucket/functions.zip"
        if "DefinitionUri" in props:
            props["DefinitionUri"] = "s3://bucket/" + str(props["DefinitionUri"]).replace("/", "_")
    globals_function = template.get("Globals", {}).get("Function", {})
    if "CodeUri" in globals_function:
        globals_function["CodeUri"] = "s3://bucket/functions.zip"
    out = transform(template, {}, NoManagedPolicies())
    print(json.dumps({logical_id: r["Type"] for logical_id, r in out["Resources"].items()}))


if __name__ == "__main__":
    main()
