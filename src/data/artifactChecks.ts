import type { HashFunctions } from '../artifact/hashFunctionSpec.js';
import type { OpenOptions } from '../artifact/openArtifact.js';
import { birdHashSeed, hashBucket } from './hashBucket.js';
import { murmur3x86_32 } from '../ops/murmur3.js';
import { signatureFeeds } from './signatureFeeds.js';

/** The feature hash as the data stage computes it, for the manifest's `hash` and its check. */
export const birdHashFunctions: HashFunctions = { seed: birdHashSeed, murmur3: murmur3x86_32, bucket: hashBucket };

/**
 * What loading an artifact checks that the data stage knows (the artifact stage comes
 * first, so it is passed in): the manifest's hash is this feature hash, and the golden
 * rows encode, as a client encodes them, to the golden inputs. Callers that load an
 * artifact for predictions or serving pass these to `openArtifact`.
 */
export const artifactChecks: Required<Pick<OpenOptions, 'hash' | 'encode'>> = { hash: birdHashFunctions, encode: signatureFeeds };
