import {
  OperationTypeNode,
  getOperationAST,
  GraphQLError,
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import { DomainError } from '../common/errors/domain-error';

/** The mutation that creates one check per selection: each aliased copy is one more check. */
const CHECK_CREATING_FIELD = 'submitCheck';

/**
 * Root fields an operation executes, by response key (alias, else name) -> field name, through
 * inline fragments and fragment spreads. GraphQL merges selections with the same response key
 * (spec §6.3.2 "Field Collection"), so the map's size is the number of root resolvers run,
 * @skip/@include aside (counted as if they ran).
 */
export function rootFields(doc: DocumentNode, op: OperationDefinitionNode): Map<string, string> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const out = new Map<string, string>();
  const visited = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) out.set(s.alias?.value ?? s.name.value, s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (!visited.has(s.name.value)) {
        // A fragment spread twice adds the same response keys; cycles are refused by validation.
        visited.add(s.name.value);
        const f = fragments.get(s.name.value);
        if (f) walk(f.selectionSet);
      }
    }
  };
  walk(op.selectionSet);
  return out;
}

function tooManyMutationFields(n: number, max: number): DomainError {
  return new DomainError(
    'VALIDATION_FAILED',
    `This mutation selects ${n} mutation fields (aliases included); at most ${max} mutation fields per operation (GRAPHQL_MAX_MUTATION_FIELDS). Submit many checks with submitBatch or split the operation.`,
    [{ field: 'query', message: `selects ${n} mutation fields; at most ${max}` }],
  );
}

/**
 * Validation rule: a mutation operation may select at most `max` root fields. Without it one
 * request could carry thousands of aliased submitCheck fields. The error carries a DomainError
 * as originalError, so both transports format it as `VALIDATION_FAILED` (Apollo keeps a rule
 * error's originalError when it wraps validation errors).
 */
export function maxMutationFieldsRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition(node) {
      if (!max || node.operation !== OperationTypeNode.MUTATION) return;
      const n = rootFields(context.getDocument(), node).size;
      if (n <= max) return;
      const e = tooManyMutationFields(n, max);
      context.reportError(new GraphQLError(e.message, { nodes: [node], originalError: e }));
    },
  });
}

/**
 * What one GraphQL operation costs against the per-minute budgets: 1, or the number of
 * submitCheck fields it selects when that is more (each check created counts, aliases included).
 * An operation the mutation-field cap will refuse, or that does not parse, costs 1: it runs
 * nothing. Parsing happens only when the text mentions submitCheck twice or more, so ordinary
 * operations are not parsed twice (Apollo and graphql-ws parse them again).
 */
export function operationCost(query: unknown, operationName: unknown, maxMutationFields: number): number {
  if (typeof query !== 'string') return 1;
  const first = query.indexOf(CHECK_CREATING_FIELD);
  if (first < 0 || first === query.lastIndexOf(CHECK_CREATING_FIELD)) return 1;
  let doc: DocumentNode;
  try {
    doc = parse(query);
  } catch {
    return 1;
  }
  const op = getOperationAST(doc, typeof operationName === 'string' ? operationName : undefined);
  if (!op || op.operation !== OperationTypeNode.MUTATION) return 1;
  const fields = rootFields(doc, op);
  if (maxMutationFields && fields.size > maxMutationFields) return 1;
  let n = 0;
  for (const name of fields.values()) if (name === CHECK_CREATING_FIELD) n++;
  return Math.max(1, n);
}
