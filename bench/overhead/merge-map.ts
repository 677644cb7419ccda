import { from, lastValueFrom, mergeMap, scan } from 'rxjs';
import { lazySource } from '../support/lazy-source.js';
import { noopCall, type OverheadContender } from './config.js';

/**
 * RxJS as a user would write it: `from(source).pipe(mergeMap(call, concurrency))`.
 * Note: `from(AsyncIterable)` does not wait for mergeMap, so mergeMap buffers
 * whatever the source produces faster than it is served.
 */
export const mergeMapContender: OverheadContender = ({ requests, concurrency }) =>
  lastValueFrom(
    from(lazySource(requests)).pipe(
      mergeMap(() => noopCall(), concurrency),
      scan((count) => count + 1, 0),
    ),
    { defaultValue: 0 },
  );
