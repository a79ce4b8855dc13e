/**
 * Kafka rules (brief §50).
 *
 * | rule                    | request                     | allowed |
 * |-------------------------|-----------------------------|---------|
 * | role produce, topic t   | produce t                   | yes     |
 * | role produce, topic t   | fetch t                     | no      |
 * | role consume, topic t   | fetch t                     | yes     |
 * | apiKey produce, topic t | produce [t, u]              | no      |
 * | topic t                 | apiversions (no topics)     | yes     |
 */
import { describe, expect, test } from 'vitest';
import {
  kafkaRuleFieldProblems,
  kafkaRuleMatches,
  kafkaRuleProblems,
  type KafkaRequest,
  type KafkaRule,
} from './kafka.ts';

const CASES: [string, KafkaRule, KafkaRequest, boolean][] = [
  [
    'produce role allows produce',
    { role: 'produce', topic: 't' },
    { apiKey: 'produce', topics: ['t'] },
    true,
  ],
  [
    'produce role refuses fetch',
    { role: 'produce', topic: 't' },
    { apiKey: 'fetch', topics: ['t'] },
    false,
  ],
  [
    'produce role allows metadata',
    { role: 'produce', topic: 't' },
    { apiKey: 'metadata', topics: ['t'] },
    true,
  ],
  [
    'consume role allows fetch',
    { role: 'consume', topic: 't' },
    { apiKey: 'fetch', topics: ['t'] },
    true,
  ],
  [
    'consume role refuses produce',
    { role: 'consume' },
    { apiKey: 'produce', topics: ['t'] },
    false,
  ],
  ['role is case-insensitive', { role: 'Produce' }, { apiKey: 'PRODUCE', topics: [] }, true],
  [
    'every topic must match',
    { apiKey: 'produce', topic: 't' },
    { apiKey: 'produce', topics: ['t', 'u'] },
    false,
  ],
  [
    'other topic refused',
    { apiKey: 'produce', topic: 't' },
    { apiKey: 'produce', topics: ['u'] },
    false,
  ],
  [
    'requests without topics ignore topic',
    { topic: 't' },
    { apiKey: 'apiversions', topics: [] },
    true,
  ],
  [
    'apiVersion exact',
    { apiKey: 'produce', apiVersion: '2' },
    { apiKey: 'produce', apiVersion: 2, topics: [] },
    true,
  ],
  [
    'apiVersion other',
    { apiKey: 'produce', apiVersion: '2' },
    { apiKey: 'produce', apiVersion: 3, topics: [] },
    false,
  ],
  [
    'apiVersion compares as a number',
    { apiKey: 'produce', apiVersion: '02' },
    { apiKey: 'produce', apiVersion: 2, topics: [] },
    true,
  ],
  ['clientID exact', { clientID: 'app' }, { apiKey: 'fetch', clientID: 'app', topics: [] }, true],
  ['clientID other', { clientID: 'app' }, { apiKey: 'fetch', clientID: 'app2', topics: [] }, false],
  ['empty rule allows all', {}, { apiKey: 'deletetopics', topics: ['x'] }, true],
];

describe('kafkaRuleMatches', () => {
  test.each(CASES)('%s', (_n, rule, request, expected) => {
    expect(kafkaRuleMatches(rule, request)).toBe(expected);
  });
});

describe('kafkaRuleProblems', () => {
  test.each([
    [{ role: 'produce', apiKey: 'fetch' }, /both role and apiKey/],
    [{ role: 'write' }, /invalid Kafka role/],
    [{ apiKey: 'nope' }, /unknown Kafka apiKey/],
    [{ apiVersion: 'x' }, /invalid Kafka apiVersion/],
    [{ apiVersion: '-1' }, /invalid Kafka apiVersion/],
    [{ apiVersion: '32768' }, /invalid Kafka apiVersion/],
    [{ topic: 'a'.repeat(256) }, /exceeds maximum len of 255/],
    [{ topic: 'my topic' }, /invalid Kafka topic name/],
    [{ topic: 'topic/1' }, /invalid Kafka topic name/],
  ])('%j', (rule, re) => {
    expect(kafkaRuleProblems(rule).join('; ')).toMatch(re);
  });
  test('a valid rule has none', () =>
    expect(kafkaRuleProblems({ role: 'consume', topic: 'a' })).toEqual([]));
  test.each<KafkaRule>([
    { apiKey: 'InitProducerId' },
    { apiKey: 'alterconfigs' },
    { apiVersion: '0' },
    { apiVersion: '32767' },
    { apiVersion: '+3' },
    { topic: 'a'.repeat(255) },
    { topic: 'orders.v1_eu-west' },
    // TopicValidChar lets a backslash through (a quirk of its Go raw string).
    { topic: 'a\\b' },
  ])('%j is valid', (rule) => expect(kafkaRuleProblems(rule)).toEqual([]));
  test('problems name their field', () =>
    expect(kafkaRuleFieldProblems({ role: 'produce', apiKey: 'fetch', topic: 'a b' })).toEqual([
      { field: 'apiKey', message: 'Kafka rule cannot have both role and apiKey' },
      {
        field: 'topic',
        message: `invalid Kafka topic name "a b": only letters, digits, '.', '_' and '-' are allowed`,
      },
    ]));
});
