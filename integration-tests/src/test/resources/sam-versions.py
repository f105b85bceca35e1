"""Runs SAM's own translator (samtranslator, installed with cfn-lint) on template.yaml once per
parameter set and prints, as JSON, each function's published-version logical id per set.

A version's logical id is SAM's hash of what it thinks the version depends on: a changed id means
a deploy publishes a new version and moves the function's AutoPublishAlias to it; an unchanged id
means the alias keeps running the old version.

usage: python3 sam-versions.py TEMPLATE '[{"Param":"value"}, ...]'
"""
import copy
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
    parameter_sets = json.loads(sys.argv[2])
    # As `sam package` leaves it: code and definitions are S3 objects (the translator requires it).
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        if "CodeUri" in props:
            props["CodeUri"] = "s3://bucket/functions.zip"
        if "DefinitionUri" in props:
            props["DefinitionUri"] = "s3://bucket/" + str(props["DefinitionUri"]).replace("/", "_")
    globals_function = template.get("Globals", {}).get("Function", {})
    if "CodeUri" in globals_function:
        globals_function["CodeUri"] = "s3://bucket/functions.zip"

    results = []
    for parameters in parameter_sets:
        out = transform(copy.deepcopy(template), parameters, NoManagedPolicies())
        versions = {}
        for logical_id, resource in out["Resources"].items():
            if resource["Type"] == "AWS::Lambda::Version":
                versions[resource["Properties"]["FunctionName"]["Ref"]] = logical_id
        results.append(versions)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
