// phiguard's CDK test app (JavaScript). scripts/synth-cdk synthesizes it into
// a cloud assembly (cdk.out) without the CDK command-line tool;
// scripts/test-cdk lints that assembly. Each construct below is a finding the
// test expects, at the line that creates it. Keep app.py the same app.
'use strict';
const cdk = require('aws-cdk-lib');
const s3 = require('aws-cdk-lib/aws-s3');
const iam = require('aws-cdk-lib/aws-iam');
const opensearch = require('aws-cdk-lib/aws-opensearchservice');

class PhiStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);

    // Public: a bucket policy granting s3:GetObject to everyone, and a public
    // access block that only blocks ACLs. Its CDK metadata suppresses one rule.
    const publicBucket = new s3.Bucket(this, 'PublicBucket', {
      publicReadAccess: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
    });
    publicBucket.node.addMetadata('phiguard', {
      ignore: [{ id: 's3-versioning-disabled', reason: 'test' }],
    }, { stackTrace: true });

    // Unencrypted: an L1 bucket with no BucketEncryption (the L2 Bucket now
    // always renders S3-managed encryption).
    new s3.CfnBucket(this, 'PlainBucket', {});

    // Open search domain: no VPC, no fine-grained access control, HTTP
    // allowed, no node-to-node or at-rest encryption, and an access policy
    // open to every principal. The policy is set on the L1 domain: the L2's
    // accessPolicies prop would put it in a custom resource instead.
    const domain = new opensearch.Domain(this, 'OpenDomain', {
      version: opensearch.EngineVersion.OPENSEARCH_2_11,
      domainName: 'phi-search',
      enforceHttps: false,
      nodeToNodeEncryption: false,
      encryptionAtRest: { enabled: false },
    });
    domain.node.defaultChild.accessPolicies = new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: ['es:*'],
        resources: [cdk.Fn.sub('arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/phi-search/*')],
      })],
    });
  }
}

// A stack in a stage: the stage is a nested cloud assembly.
class ExportStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    new s3.CfnBucket(this, 'ExportBucket', {}); // unencrypted too
  }
}

// No CDK CLI: the app sets what `cdk synth` would pass. aws:cdk:path in each
// resource's template Metadata, construct creation stack traces
// (aws:cdk:creationStack) in the stack's metadata file, and the
// AWS::CDK::Metadata resource (computed offline). postCliContext wins over a
// CDK_CONTEXT_JSON inherited from the environment.
const app = new cdk.App({
  outdir: process.env.CDK_OUTDIR || 'cdk.out',
  analyticsReporting: true,
  stackTraces: true,
  postCliContext: {
    'aws:cdk:enable-path-metadata': true,
    'aws:cdk:enable-asset-metadata': true,
    'aws:cdk:disable-creation-stack-traces': false,
  },
});
new PhiStack(app, 'PhiStack');
const prod = new cdk.Stage(app, 'Prod');
new ExportStack(prod, 'ExportStack');
app.synth();
