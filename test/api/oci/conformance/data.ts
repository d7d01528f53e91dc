/**
 * The conformance suite's test data (setup.go), regenerated in TypeScript: the same documents, with
 * the same shapes, field order and indentation as Go's json.MarshalIndent(v, "", "\t") produces,
 * including the descriptor field the image-spec does not define (`newUnspecifiedField`) and the
 * inline `data` of config descriptors. Random content differs from run to run, as upstream.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sha256 } from '../../../support/digest.js';
import { OCI_CONFIG, OCI_EMPTY, OCI_INDEX, OCI_LAYER, OCI_MANIFEST } from '../../../support/media-types.js';

export interface TestBlob {
  content: Buffer;
  contentLength: string;
  digest: string;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  data?: string;
  artifactType?: string;
  // Go marshals a nil []byte without omitempty as null.
  newUnspecifiedField: string | null;
}

// pull = 1<<0 … contentManagement = 1<<3, so numWorkflows = 1<<4: upstream really makes 16.
const NUM_WORKFLOWS = 16;

// A gzipped tarball holding test.txt (setup.go's layerBase64String).
const LAYER_BASE64 =
  'H4sIAAAAAAAAA+3OQQrCMBCF4a49xXgBSUnaHMCTRBptQRNpp6i3t0UEV7oqIv7fYgbmzeJpHHSjVy0' +
  'WZCa1c/MufWVe94N3RWlrZ72x3k/30nhbFWKWLPU0Dhp6keJ8im//PuU/6pZH2WVtYx8b0Sz7LjWSR5VLG6YRBumSzOlGtjkd+qD' +
  'jMWiX07Befbs7AAAAAAAAAAAAAAAAAPyzO34MnqoAKAAA';

const RANDOM_LETTERS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-';

function marshalIndent(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, null, '\t'));
}

function testBlob(content: Buffer): TestBlob {
  return { content, contentLength: String(content.length), digest: sha256(content) };
}

function randomString(n: number): string {
  return Array.from(randomBytes(n), (b) => RANDOM_LETTERS[b % RANDOM_LETTERS.length]).join('');
}

function descriptor(mediaType: string, content: Buffer, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType, digest: sha256(content), size: content.length, ...extra, newUnspecifiedField: extra.newUnspecifiedField ?? null };
}

function artifactManifest(fields: {
  artifactType?: string;
  config: Descriptor;
  subject: TestBlob;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}): Buffer {
  return marshalIndent({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    ...(fields.artifactType !== undefined && { artifactType: fields.artifactType }),
    config: fields.config,
    layers: fields.layers,
    subject: descriptor(OCI_MANIFEST, fields.subject.content),
    ...(fields.annotations && { annotations: fields.annotations }),
  });
}

/** setupChunkedBlob: a random blob and its two chunks (the first one byte longer than half). */
export function chunkedBlob(size: number) {
  const blob = randomBytes(size);
  const chunk1Length = Math.floor(size / 2) + 1;
  return {
    testBlobB: testBlob(blob),
    testBlobBChunk1: blob.subarray(0, chunk1Length),
    testBlobBChunk2: blob.subarray(chunk1Length),
    testBlobBChunk1Range: `0-${chunk1Length - 1}`,
    testBlobBChunk2Range: `${chunk1Length}-${size - 1}`,
  };
}

export function makeConformanceData() {
  const configs: TestBlob[] = [];
  for (let i = 0; i < NUM_WORKFLOWS; i++) {
    // A random author makes every workflow's config (and so its manifest) unique.
    const config = { author: randomString(16), architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } };
    configs.push(testBlob(marshalIndent(config)));
  }

  const layerBlobData = Buffer.from(LAYER_BASE64, 'base64');
  const layerBlobDigest = sha256(layerBlobData);
  const layers = [descriptor(OCI_LAYER, layerBlobData)];

  const configDescriptor = (config: TestBlob): Descriptor =>
    descriptor(OCI_CONFIG, config.content, {
      data: config.content.toString('base64'), // must be the config content
      newUnspecifiedField: Buffer.from('hello world').toString('base64'), // content does not matter
    });

  const manifests: TestBlob[] = configs.map((config) =>
    testBlob(marshalIndent({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: configDescriptor(config), layers })),
  );

  // Used in the push test: no mediaType field and no layers.
  const emptyLayerManifestContent = marshalIndent({ schemaVersion: 2, config: configDescriptor(configs[1]!), layers: [] });

  const testBlobA = randomBytes(42);

  // Referrers test data: artifacts whose subject is manifests[4] (and one whose subject, manifests[3], is never pushed there).
  const emptyJSONBlob = Buffer.from('{}');
  const emptyJSONDescriptor = descriptor(OCI_EMPTY, emptyJSONBlob);
  const testRefBlobA = Buffer.from('NHL Peanut Butter on my NHL bagel');
  const testRefBlobB = Buffer.from('NBA Strawberry Jam on my NBA croissant');
  const testRefArtifactTypeA = 'application/vnd.nhl.peanut.butter.bagel';
  const testRefArtifactTypeB = 'application/vnd.nba.strawberry.jam.croissant';
  const testRefArtifactTypeIndex = 'application/vnd.food.stand';
  const testAnnotationKey = 'org.opencontainers.conformance.test';
  const annotate = (value: string) => ({ [testAnnotationKey]: value });
  const subject = manifests[4]!;

  const refsManifestAConfigArtifact = testBlob(
    artifactManifest({
      config: descriptor(testRefArtifactTypeA, testRefBlobA),
      subject,
      layers: [emptyJSONDescriptor],
      annotations: annotate('test config a'),
    }),
  );
  const refsManifestBConfigArtifact = testBlob(
    artifactManifest({
      config: descriptor(testRefArtifactTypeB, testRefBlobB),
      subject,
      layers: [emptyJSONDescriptor],
      annotations: annotate('test config b'),
    }),
  );
  const refsManifestALayerArtifact = testBlob(
    artifactManifest({
      artifactType: testRefArtifactTypeA,
      config: emptyJSONDescriptor,
      subject,
      layers: [descriptor(testRefArtifactTypeA, testRefBlobA)],
      annotations: annotate('test layer a'),
    }),
  );
  const refsManifestBLayerArtifact = testBlob(
    artifactManifest({
      artifactType: testRefArtifactTypeB,
      config: emptyJSONDescriptor,
      subject,
      layers: [descriptor(testRefArtifactTypeB, testRefBlobB)],
      annotations: annotate('test layer b'),
    }),
  );
  // Same as B, but about a subject that has not been pushed.
  const refsManifestCLayerArtifact = testBlob(
    artifactManifest({
      artifactType: testRefArtifactTypeB,
      config: emptyJSONDescriptor,
      subject: manifests[3]!,
      layers: [descriptor(testRefArtifactTypeB, testRefBlobB)],
    }),
  );
  const refsIndexArtifact = testBlob(
    marshalIndent({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      artifactType: testRefArtifactTypeIndex,
      manifests: [
        descriptor(OCI_MANIFEST, refsManifestAConfigArtifact.content),
        descriptor(OCI_MANIFEST, refsManifestALayerArtifact.content),
      ],
      subject: descriptor(OCI_MANIFEST, subject.content),
      annotations: annotate('test index'),
    }),
  );

  const testAnnotationValues: Record<string, string> = {
    [refsManifestAConfigArtifact.digest]: 'test config a',
    [refsManifestBConfigArtifact.digest]: 'test config b',
    [refsManifestALayerArtifact.digest]: 'test layer a',
    [refsManifestBLayerArtifact.digest]: 'test layer b',
    [refsIndexArtifact.digest]: 'test index',
  };

  return {
    configs,
    manifests,
    layerBlobData,
    layerBlobDigest,
    layerBlobContentLength: String(layerBlobData.length),
    emptyLayerManifestContent,
    emptyLayerManifestDigest: sha256(emptyLayerManifestContent),
    emptyLayerTestTag: 'emptylayer',
    testTagName: 'tagtest0',
    nonexistentManifest: '.INVALID_MANIFEST_NAME',
    invalidManifestContent: Buffer.from('blablabla'),
    dummyDigest: sha256('hello world'),
    testBlobA: testBlob(testBlobA),
    ...chunkedBlob(42),
    emptyJSONBlob,
    emptyJSONDescriptor,
    testRefBlobA: testBlob(testRefBlobA),
    testRefBlobB: testBlob(testRefBlobB),
    testRefArtifactTypeA,
    testRefArtifactTypeB,
    testAnnotationKey,
    testAnnotationValues,
    refsManifestAConfigArtifact,
    refsManifestBConfigArtifact,
    refsManifestALayerArtifact,
    refsManifestBLayerArtifact,
    refsManifestCLayerArtifact,
    refsIndexArtifact,
    crossmountNamespace: `conformance-${randomUUID()}`,
    errorCodes: [
      'BLOB_UNKNOWN',
      'BLOB_UPLOAD_INVALID',
      'BLOB_UPLOAD_UNKNOWN',
      'DIGEST_INVALID',
      'MANIFEST_BLOB_UNKNOWN',
      'MANIFEST_INVALID',
      'MANIFEST_UNKNOWN',
      'MANIFEST_UNVERIFIED',
      'NAME_INVALID',
      'NAME_UNKNOWN',
      'SIZE_INVALID',
      'TAG_INVALID',
      'UNAUTHORIZED',
      'DENIED',
      'UNSUPPORTED',
    ],
  };
}

export type ConformanceData = ReturnType<typeof makeConformanceData>;
