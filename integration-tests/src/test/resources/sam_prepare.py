"""What both SAM translator scripts need first: template.yaml as `sam package` leaves it (code and
definitions are S3 objects, which the translator requires), and a managed-policy loader that needs
no IAM (the template names no AWS managed policy)."""
from cfnlint.decode import decode


class NoManagedPolicies:
    def load(self):
        return {}


def packaged(path):
    template, _ = decode(path)
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        if "CodeUri" in props:
            props["CodeUri"] = "s3://bucket/functions.zip"
        if "DefinitionUri" in props:
            props["DefinitionUri"] = "s3://bucket/" + str(props["DefinitionUri"]).replace("/", "_")
    globals_function = template.get("Globals", {}).get("Function", {})
    if "CodeUri" in globals_function:
        globals_function["CodeUri"] = "s3://bucket/functions.zip"
    return template
