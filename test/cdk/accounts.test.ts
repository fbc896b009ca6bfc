// The account routes as deployed: the authorizer caches its answer for a minute and may read the JWT keys secret, and the
// export's integration streams (Lambda response streaming, API Gateway STREAM mode, the function's timeout).
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAME_TAG } from '#lib/aws/function';
import { RunningCoachStack } from '#lib/aws/stack';
import { functions } from '#lib/topology';
import { projectApp } from '#test/support/cdk';

let template: Template;

beforeAll(() => {
  const app = projectApp();
  template = Template.fromStack(new RunningCoachStack(app, 'RunningCoach', { topology: functions }));
});

function functionId(name: string): string {
  const found = Object.entries(
    template.findResources('AWS::Lambda::Function', { Properties: { Tags: Match.arrayWith([{ Key: FUNCTION_NAME_TAG, Value: name }]) } }),
  );
  expect(found, name).toHaveLength(1);
  return found[0]![0];
}

describe('the account routes in AWS', () => {
  it('run every user route behind one REQUEST authorizer whose cached answer lives a minute, well inside a 15-minute token', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 60,
    });
  });

  it('let the authorizer and the token issuers read the JWT keys secret, found through JWT_SECRET_ARN', () => {
    const secret = Object.keys(
      template.findResources('AWS::SecretsManager::Secret', { Properties: { GenerateSecretString: { GenerateStringKey: 'signingKey' } } }),
    );
    expect(secret).toHaveLength(1);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'signingKey', PasswordLength: 64 }),
    });
    for (const name of ['authorizer', 'register', 'login', 'refresh']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Tags: Match.arrayWith([{ Key: FUNCTION_NAME_TAG, Value: name }]),
        Environment: { Variables: Match.objectLike({ JWT_SECRET_ARN: { Ref: secret[0] } }) },
      });
    }
  });

  it('stream the export through Lambda response streaming for as long as the function may run', () => {
    const exportFn = functionId('exportMe');
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      Integration: Match.objectLike({
        Type: 'AWS_PROXY',
        ResponseTransferMode: 'STREAM',
        TimeoutInMillis: functions.exportMe.timeoutSeconds * 1000,
        Uri: {
          'Fn::Join': [
            '',
            Match.arrayWith([Match.stringLikeRegexp('2021-11-15/functions/'), { 'Fn::GetAtt': [exportFn, 'Arn'] }, '/response-streaming-invocations']),
          ],
        },
      }),
    });
  });

  it('buffer every other route', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as Array<{
      Properties: { Integration?: { ResponseTransferMode?: string } };
    }>;
    const streamed = methods.filter((m) => m.Properties.Integration?.ResponseTransferMode === 'STREAM');
    expect(streamed).toHaveLength(Object.values(functions).filter((f) => f.trigger.kind === 'http' && 'stream' in f.trigger && f.trigger.stream).length);
  });
});

describe('the research dataset in AWS', () => {
  it('goes to a private, TLS-only bucket encrypted with its own rotating KMS key, which only the exporter may write', () => {
    const keys = template.findResources('AWS::KMS::Key', { Properties: { Description: 'RunningCoach research dataset', EnableKeyRotation: true } });
    expect(Object.keys(keys)).toHaveLength(1);
    const keyId = Object.keys(keys)[0]!;
    const buckets = template.findResources('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } }),
          ],
        },
      },
    });
    expect(Object.keys(buckets)).toHaveLength(1);
    const bucketId = Object.keys(buckets)[0]!;
    expect(buckets[bucketId]!.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Tags: Match.arrayWith([{ Key: FUNCTION_NAME_TAG, Value: 'exportResearch' }]),
      Environment: { Variables: Match.objectLike({ RESEARCH_BUCKET: { Ref: bucketId } }) },
    });
    const readers = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p).includes(bucketId));
    expect(readers).toHaveLength(1);
    expect(JSON.stringify(readers[0])).not.toContain('s3:GetObject');
    expect(functionId('exportResearch')).toBeTruthy();
  });
});
