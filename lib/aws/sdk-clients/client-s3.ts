// What the functions use of @aws-sdk/client-s3 (claim checks, the research sink), the layer's entry
// (lib/aws/sdk-layer.ts). A name a function imports that is missing here fails test/cdk/bundles.test.ts.
export { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
