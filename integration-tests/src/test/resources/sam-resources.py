"""Runs SAM's own translator (samtranslator, installed with cfn-lint) on template.yaml with its
default parameters and prints, as JSON, every resource of the result: {logical id: type}.

usage: python3 sam-resources.py TEMPLATE
"""
import json
import sys

from samtranslator.translator.transform import transform

from sam_prepare import NoManagedPolicies, packaged


def main():
    template = packaged(sys.argv[1])
    out = transform(template, {}, NoManagedPolicies())
    print(json.dumps({logical_id: r["Type"] for logical_id, r in out["Resources"].items()}))


if __name__ == "__main__":
    main()
