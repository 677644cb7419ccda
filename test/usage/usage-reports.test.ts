import { NEVER, Subject, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import type { UsageEvent } from '../../src/usage/events.js';
import type { UsageState } from '../../src/usage/reducer.js';
import { usageReports } from '../../src/usage/usage-reports.js';
import { ev, reduceAll } from './helpers.js';

const AT = Date.UTC(2026, 4, 1, 12);
const calls = (state: UsageState) => state.reports['gemini_2026-05-01']?.totals.totalCalls ?? 0;

function newScheduler() {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('usageReports', () => {
  it('throttles snapshots (leading and trailing) and emits the exact final state at completion', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const values: Record<string, UsageEvent> = {};
      for (let i = 0; i < 8; i++)
        values[String.fromCharCode(97 + i)] = ev.dispatched({ at: AT + i });
      // events at 0,1,2 | 12 | 30,31 | 40,41 then complete at 42
      const source = cold('abc 9ms d 17ms ef 8ms gh|', values);
      const events = Object.values(values);
      const snap = (n: number) => reduceAll(events.slice(0, n), 'UTC');
      const throttled = source.pipe(usageReports({ timeZone: 'UTC', throttleMs: 10 }));
      // 0: leading (a); 10: trailing (a-c), window to 20; 20: trailing (d), window to 30;
      // 30: e arrives as the window ends, so the trailing snapshot has it; 40: likewise g;
      // 42: completion emits the exact final state (h) at once.
      expectObservable(throttled).toBe('a 9ms b 9ms c 9ms d 9ms e 1ms (f|)', {
        a: snap(1),
        b: snap(3),
        c: snap(4),
        d: snap(5),
        e: snap(7),
        f: snap(8),
      });
    });
  });

  it('emits the final state at once on completion even inside a throttle window', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const a = ev.dispatched({ at: AT });
      const b = ev.succeeded({ at: AT + 1 });
      const source = cold('ab|', { a, b });
      expectObservable(source.pipe(usageReports({ timeZone: 'UTC', throttleMs: 1000 }))).toBe(
        'a-(b|)',
        { a: reduceAll([a], 'UTC'), b: reduceAll([a, b], 'UTC') },
      );
    });
  });

  it('emits nothing for an empty source and never completes for a never source', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<UsageEvent>('|').pipe(usageReports({ timeZone: 'UTC' }))).toBe('|');
      expectObservable(NEVER.pipe(usageReports({ timeZone: 'UTC' }))).toBe('');
    });
  });

  it('emits the pending state, then the error, for an erroring source', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const a = ev.dispatched({ at: AT });
      const b = ev.dispatched({ at: AT + 1 });
      const source = cold('ab#', { a, b }, new Error('boom'));
      expectObservable(source.pipe(usageReports({ timeZone: 'UTC', throttleMs: 100 }))).toBe(
        'a-(b#)',
        { a: reduceAll([a], 'UTC'), b: reduceAll([a, b], 'UTC') },
        new Error('boom'),
      );
      expectObservable(
        throwError(() => new Error('x')).pipe(usageReports({ timeZone: 'UTC' })),
      ).toBe('#', undefined, new Error('x'));
    });
  });

  it('tears down its timer on unsubscribe', () => {
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const a = ev.dispatched({ at: AT });
      const b = ev.dispatched({ at: AT + 1 });
      const source = cold('ab 20ms a', { a, b });
      expectObservable(
        source.pipe(usageReports({ timeZone: 'UTC', throttleMs: 10 })),
        '^ 5ms !',
      ).toBe('a', {
        a: reduceAll([a], 'UTC'),
      });
      flush();
    });
    const subject = new Subject<UsageEvent>();
    const seen: number[] = [];
    const scheduler = newScheduler();
    const sub = subject
      .pipe(usageReports({ timeZone: 'UTC', throttleMs: 10, scheduler }))
      .subscribe((s) => seen.push(calls(s)));
    subject.next(ev.dispatched({ at: AT }));
    subject.next(ev.dispatched({ at: AT + 1 }));
    expect(scheduler.actions.length).toBe(1);
    sub.unsubscribe();
    expect(scheduler.actions.every((action) => action.closed)).toBe(true);
    scheduler.flush();
    expect(seen).toEqual([1]);
    expect(subject.observed).toBe(false);
  });

  it('validates its options', () => {
    expect(() => usageReports({ timeZone: 'Nowhere/Land' })).toThrow(InvalidOptionError);
    expect(() => usageReports({ timeZone: 'UTC', throttleMs: -1 })).toThrow(/throttleMs/);
  });
});
