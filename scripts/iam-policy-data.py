"""Regenerates the offline IAM data under policies/ from the Python packages that carry it:

- policies/aws-managed-policies.json: AWS managed policy documents (default version), from moto's
  copy of AWS's documents (moto/iam/aws_managed_policies.py), for the policies execution roles use.
- policies/sam-policy-templates.json: SAM's policy templates, from aws-sam-translator.

    python3 scripts/iam-policy-data.py 2026-12-01

The date argument is the day the data was taken; it is written into both files.
"""
import json
import sys
from importlib.metadata import version
from pathlib import Path

from moto.iam.aws_managed_policies import aws_managed_policies_data
import samtranslator

ROOT = Path(__file__).resolve().parent.parent
DATE = sys.argv[1]

# The AWS managed policies that matter to execution roles: admin and power, the services' full
# access (data reach), the Lambda execution roles SAM and the console attach, and X-Ray.
NAMES = [
    "AdministratorAccess",
    "PowerUserAccess",
    "IAMFullAccess",
    "AWSLambda_FullAccess",
    "AWSLambda_ReadOnlyAccess",
    "AWSLambdaRole",
    "AWSLambdaExecute",
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaBasicDurableExecutionRolePolicy",
    "AWSLambdaVPCAccessExecutionRole",
    "AWSLambdaKinesisExecutionRole",
    "AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaSQSQueueExecutionRole",
    "AWSLambdaMSKExecutionRole",
    "AWSLambdaInvocation-DynamoDB",
    "AWSXRayDaemonWriteAccess",
    "AWSXrayWriteOnlyAccess",
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "AmazonSQSFullAccess",
    "AmazonSNSFullAccess",
    "AmazonKinesisFullAccess",
    "AmazonKinesisReadOnlyAccess",
    "SecretsManagerReadWrite",
    "CloudWatchLogsFullAccess",
    "AmazonSSMFullAccess",
    "AmazonSSMReadOnlyAccess",
    "AWSKeyManagementServicePowerUser",
    "AmazonEC2FullAccess",
    "AWSCloudFormationFullAccess",
    "AWSStepFunctionsFullAccess",
    "AmazonEventBridgeFullAccess",
    "AmazonAPIGatewayAdministrator",
]

data = json.loads(aws_managed_policies_data)
policies = {}
for name in NAMES:
    p = data[name]
    arn = f"arn:aws:iam::aws:policy{p['Path']}{name}"
    policies[arn] = {
        "name": name,
        "version": p["DefaultVersionId"],
        "updated": p["UpdateDate"][:10],
        "document": p["Document"],
    }
managed = {
    "source": f"moto {version('moto')} (moto/iam/aws_managed_policies.py: AWS's managed policy documents, default versions)",
    "taken": DATE,
    "note": "Dated data: AWS changes these documents (each entry names its version and update date). A managed policy not listed here is unknown to the IaC reader, not empty. Regenerate with scripts/iam-policy-data.py.",
    "policies": policies,
}
(ROOT / "policies/aws-managed-policies.json").write_text(json.dumps(managed, indent=1) + "\n")

templates = json.loads(
    (Path(samtranslator.__file__).parent / "policy_templates_data/policy_templates.json").read_text()
)
sam = {
    "source": f"aws-sam-translator {version('aws-sam-translator')} (samtranslator/policy_templates_data/policy_templates.json)",
    "taken": DATE,
    **templates,
}
(ROOT / "policies/sam-policy-templates.json").write_text(json.dumps(sam, indent=1) + "\n")
