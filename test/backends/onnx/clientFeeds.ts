// The client-side encoding lives in the data stage (`bird predict ARTIFACT` uses it); tests keep their name for it.
export { signatureFeeds as clientFeeds, type ClientRow } from '../../../src/data/signatureFeeds.js';
