# phiguard's CDK test app (Python; jsii runs aws-cdk-lib in Node underneath).
# scripts/synth-cdk synthesizes it into a cloud assembly (cdk.out) without the
# CDK command-line tool; scripts/test-cdk lints that assembly. Each
# construct below is a finding the test expects, at the line that creates it.
# Keep app.js the same app.
import os

# Send this file's Python frames to aws-cdk-lib, which appends them to each
# aws:cdk:creationStack (without it the traces hold no frame of this file).
os.environ["JSII_HOST_STACK_TRACES"] = "1"

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_s3 as s3
from constructs import Construct


class PhiStack(cdk.Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)

        # Public: a bucket policy granting s3:GetObject to everyone, and a public
        # access block that only blocks ACLs. Its CDK metadata suppresses one rule.
        public_bucket = s3.Bucket(
            self,
            "PublicBucket",
            public_read_access=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
        )
        public_bucket.node.add_metadata(
            "phiguard",
            {"ignore": [{"id": "s3-versioning-disabled", "reason": "test"}]},
            stack_trace=True,
        )

        # Unencrypted: an L1 bucket with no BucketEncryption (the L2 Bucket now
        # always renders S3-managed encryption).
        s3.CfnBucket(self, "PlainBucket")

        # Open search domain: no VPC, no fine-grained access control, HTTP
        # allowed, no node-to-node or at-rest encryption, and an access policy
        # open to every principal. The policy is set on the L1 domain: the L2's
        # access_policies prop would put it in a custom resource instead.
        domain = opensearch.Domain(
            self,
            "OpenDomain",
            version=opensearch.EngineVersion.OPENSEARCH_2_11,
            domain_name="phi-search",
            enforce_https=False,
            node_to_node_encryption=False,
            encryption_at_rest=opensearch.EncryptionAtRestOptions(enabled=False),
        )
        domain.node.default_child.access_policies = iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    principals=[iam.AnyPrincipal()],
                    actions=["es:*"],
                    resources=[cdk.Fn.sub("arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/phi-search/*")],
                )
            ]
        )


# A stack in a stage: the stage is a nested cloud assembly.
class ExportStack(cdk.Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        s3.CfnBucket(self, "ExportBucket")  # unencrypted too


# No CDK CLI: the app sets what `cdk synth` would pass. aws:cdk:path in each
# resource's template Metadata, construct creation stack traces
# (aws:cdk:creationStack) in the stack's metadata file, and the
# AWS::CDK::Metadata resource (computed offline). post_cli_context wins over a
# CDK_CONTEXT_JSON inherited from the environment.
app = cdk.App(
    outdir=os.environ.get("CDK_OUTDIR", "cdk.out"),
    analytics_reporting=True,
    stack_traces=True,
    post_cli_context={
        "aws:cdk:enable-path-metadata": True,
        "aws:cdk:enable-asset-metadata": True,
        "aws:cdk:disable-creation-stack-traces": False,
    },
)
PhiStack(app, "PhiStack")
prod = cdk.Stage(app, "Prod")
ExportStack(prod, "ExportStack")
app.synth()
