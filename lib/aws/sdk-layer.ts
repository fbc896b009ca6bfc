// The AWS SDK clients, shipped once for every function (lib/aws/bundling.ts says why a layer): built at synth by
// esbuild from lib/aws/sdk-clients/ with the versions package-lock.json installs, minified and split per client.
// Lambda mounts it at /opt, so the files are at SDK_LAYER_PATH, where the function bundles import them from.
import path from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { SDK_LAYER_CLIENTS, SDK_LAYER_PATH, SDK_LAYER_SOURCES, sdkLayerOptions } from './bundling';
import { PROJECT_ROOT } from './function';

export class AwsSdkLayer extends LayerVersion {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      description: `AWS SDK ${SDK_LAYER_CLIENTS.join(', ')} as pinned by package-lock.json, minified, at ${SDK_LAYER_PATH}`,
      compatibleRuntimes: [Runtime.NODEJS_24_X],
      compatibleArchitectures: [Architecture.ARM_64],
      code: Code.fromAsset(path.join(PROJECT_ROOT, SDK_LAYER_SOURCES), {
        // The hash of what is built, so a new SDK version (package-lock.json) is a new layer version.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: local bundling below always succeeds (esbuild is a dependency of the build).
          image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
          local: {
            tryBundle(outputDir: string): boolean {
              buildSync(sdkLayerOptions(path.join(outputDir, path.basename(SDK_LAYER_PATH))));
              return true;
            },
          },
        },
      }),
    });
  }
}
