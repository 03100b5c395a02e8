import { describe, expect, it } from 'vitest';
import {
  isOverdue,
  projectedMisses,
  REPORT_SLA_HOURS,
  REPORT_SLA_MS,
  reportDueAt,
  resolvedOnTime,
  urgency,
} from './reports.js';

const received = new Date('2021-11-05T08:00:00Z');
const due = reportDueAt(received);
const at = (h: number, m = 0, s = 0) => new Date(received.getTime() + ((h * 60 + m) * 60 + s) * 1000);

describe('the 48-hour clock', () => {
  it('is due exactly 48 hours after receipt', () => {
    expect(due.toISOString()).toBe('2021-11-07T08:00:00.000Z');
    expect(REPORT_SLA_HOURS).toBe(48);
    expect(REPORT_SLA_MS).toBe(REPORT_SLA_HOURS * 3_600_000);
    expect(due.getTime() - received.getTime()).toBe(REPORT_SLA_MS);
  });

  it('47:59 is not overdue, 48:00 is not, 48:00:01 is', () => {
    expect(isOverdue({ dueAt: due, resolvedAt: null }, at(47, 59))).toBe(false);
    expect(isOverdue({ dueAt: due, resolvedAt: null }, at(48))).toBe(false);
    expect(isOverdue({ dueAt: due, resolvedAt: null }, at(48, 0, 1))).toBe(true);
  });

  it('a resolved report is never overdue; resolved at 48:00 is on time, at 48:00:01 late', () => {
    expect(isOverdue({ dueAt: due, resolvedAt: at(50) }, at(60))).toBe(false);
    expect(resolvedOnTime({ dueAt: due, resolvedAt: at(48) })).toBe(true);
    expect(resolvedOnTime({ dueAt: due, resolvedAt: at(48, 0, 1) })).toBe(false);
  });

  it('colours the time left', () => {
    expect(urgency(due, at(1))).toBe('ok');
    expect(urgency(due, at(25))).toBe('soon');
    expect(urgency(due, at(41))).toBe('urgent');
    expect(urgency(due, at(49))).toBe('overdue');
  });
});

describe('campaign projection', () => {
  it('at 10 resolved per hour with 24 hours left, 300 open → 60 will miss', () => {
    expect(projectedMisses({ open: 300, resolved: 240, windowStart: at(0), now: at(24), deadline: at(48) })).toBe(60);
  });
  it('nobody misses when the pace suffices; everyone open misses after the deadline', () => {
    expect(projectedMisses({ open: 10, resolved: 240, windowStart: at(0), now: at(24), deadline: at(48) })).toBe(0);
    expect(projectedMisses({ open: 7, resolved: 240, windowStart: at(0), now: at(50), deadline: at(48) })).toBe(7);
  });
});
