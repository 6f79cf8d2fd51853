"""Prints the CloudFormation the SAM translator makes of a SAM template (stdin -> stdout, JSON).
Used by test/iac/sam-translator.test.ts to check lambda-audit's Globals merge against SAM's own."""
import json
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    def load(self):
        return {}


template = yaml_parse(sys.stdin.read())
print(json.dumps(transform(template, {"AWS::Region": "eu-west-1"}, NoManagedPolicies())))
