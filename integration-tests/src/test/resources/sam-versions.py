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

from samtranslator.translator.transform import transform

from sam_prepare import NoManagedPolicies, packaged


def main():
    template = packaged(sys.argv[1])
    parameter_sets = json.loads(sys.argv[2])

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
