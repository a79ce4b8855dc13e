/**
 * The playground's web worker: the policy engine, the simulated world and the shell run here, off
 * the page's main thread. The page talks to it through comlink (see `client.ts`).
 */
import { expose } from 'comlink';
import { Playground } from './playground.ts';

expose(new Playground());
