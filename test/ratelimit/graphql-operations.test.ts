import { buildSchema, parse, validate, specifiedRules } from 'graphql';
import { describe, expect, it } from 'vitest';
import { maxMutationFieldsRule, operationCost } from '../../src/ratelimit/graphql-operations';
import { parseOperationLimitConfig } from '../../src/ratelimit/ratelimit.config';

const schema = buildSchema(`
  type Query { check(id: String!): String }
  type Mutation { submitCheck(domain: String!): String, submitBatch(n: Int!): String }
`);
const sc = (alias: string, d = 'a.test') => `${alias}: submitCheck(domain: "${d}")`;

describe('GraphQL operation cost and the mutation-field cap (pure)', () => {
  it('costs 1, or one per submitCheck field selected, through fragments and inline fragments', () => {
    expect(operationCost('{ check(id: "x") }', undefined, 20)).toBe(1);
    expect(operationCost('mutation { submitCheck(domain: "a.test") }', undefined, 20)).toBe(1);
    expect(operationCost(`mutation { ${sc('a')} ${sc('b')} ${sc('c')} }`, undefined, 20)).toBe(3);
    // Fragments: spread twice adds nothing (same response keys); inline fragments count.
    const frag = `mutation M { ...F ...F ... on Mutation { ${sc('c')} } } fragment F on Mutation { ${sc('a')} ${sc('b')} }`;
    expect(operationCost(frag, 'M', 20)).toBe(3);
    // The same response key twice is one field (GraphQL merges it).
    expect(operationCost(`mutation { ${sc('a')} ${sc('a')} }`, undefined, 20)).toBe(1);
    // The operation that runs is the one named; other operations in the document cost nothing.
    const two = `query Q { check(id: "x") } mutation M { ${sc('a')} ${sc('b')} }`;
    expect(operationCost(two, 'Q', 20)).toBe(1);
    expect(operationCost(two, 'M', 20)).toBe(2);
    // Unparsable, not a string, or over the cap (refused whole by validation): 1.
    expect(operationCost('mutation { submitCheck submitCheck(', undefined, 20)).toBe(1);
    expect(operationCost(undefined, undefined, 20)).toBe(1);
    expect(
      operationCost(`mutation { ${Array.from({ length: 21 }, (_, i) => sc(`c${i}`)).join(' ')} }`, undefined, 20),
    ).toBe(1);
    expect(
      operationCost(`mutation { ${Array.from({ length: 21 }, (_, i) => sc(`c${i}`)).join(' ')} }`, undefined, 0),
    ).toBe(21);
  });

  it('refuses a mutation selecting more root fields than the cap, counted through fragments', () => {
    const rule = maxMutationFieldsRule(3);
    const errs = (q: string) => validate(schema, parse(q), [...specifiedRules, rule]);
    expect(errs(`mutation { ${sc('a')} ${sc('b')} x: submitBatch(n: 1) }`)).toEqual([]);
    const hidden = errs(
      `mutation { ...F ${sc('c')} } fragment F on Mutation { ${sc('a')} ${sc('b')} y: submitBatch(n: 2) }`,
    );
    expect(hidden).toHaveLength(1);
    expect(hidden[0]!.message).toMatch(/4 mutation fields.*at most 3/);
    expect((hidden[0]!.originalError as { code?: string }).code).toBe('VALIDATION_FAILED');
    // Queries are not capped by this rule.
    expect(errs(`{ a: check(id: "1") b: check(id: "2") c: check(id: "3") d: check(id: "4") }`)).toEqual([]);
  });

  it('reads PUBLISHABLE_VISITOR_CONCURRENT_CHECKS and GRAPHQL_MAX_MUTATION_FIELDS, naming every bad one', () => {
    expect(parseOperationLimitConfig({})).toEqual({ visitorConcurrentChecks: 5, maxMutationFields: 20 });
    expect(
      parseOperationLimitConfig({ PUBLISHABLE_VISITOR_CONCURRENT_CHECKS: '0', GRAPHQL_MAX_MUTATION_FIELDS: '50' }),
    ).toEqual({ visitorConcurrentChecks: 0, maxMutationFields: 50 });
    expect(() =>
      parseOperationLimitConfig({ PUBLISHABLE_VISITOR_CONCURRENT_CHECKS: '-1', GRAPHQL_MAX_MUTATION_FIELDS: 'many' }),
    ).toThrow(/PUBLISHABLE_VISITOR_CONCURRENT_CHECKS.*\n.*GRAPHQL_MAX_MUTATION_FIELDS/);
  });
});
