// Turns Ajv validation errors (what fastify reports when a request does not match its route's
// schema) into field-named messages: `body.models[0].x: must be integer`.

/** The parts of an Ajv ErrorObject this module reads. */
export interface AjvErrorLike {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface FieldProblem {
  /** `body.actions[1]`, `query.limit`, `params.id` */
  field: string;
  message: string;
}

/** fastify's name for the part of the request → the prefix used in field paths. */
const CONTEXT_PREFIX: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `/models/0/x` (a JSON pointer) → `.models[0].x` */
export function pointerToPath(pointer: string): string {
  if (!pointer) return '';
  return pointer
    .split('/')
    .slice(1)
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : IDENTIFIER.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`))
    .join('');
}

function child(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** One Ajv error → the field it concerns and what is wrong with it. */
export function describeAjvError(error: AjvErrorLike, context: string): FieldProblem {
  const base = (CONTEXT_PREFIX[context] ?? context) + pointerToPath(error.instancePath);
  const p = error.params;
  switch (error.keyword) {
    case 'required':
      return { field: child(base, String(p.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { field: child(base, String(p.additionalProperty)), message: 'is not a known field' };
    case 'enum':
      return {
        field: base,
        message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return { field: base, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'type':
      return { field: base, message: `must be ${String(p.type).replace(/,/g, ' or ')}` };
    case 'format':
      return { field: base, message: `must be a valid ${String(p.format)}` };
    case 'pattern':
      return { field: base, message: `must match ${String(p.pattern)}` };
    default:
      return { field: base, message: error.message ?? `fails the ${error.keyword} rule` };
  }
}

/** Every error, in order, without duplicates (anyOf branches may repeat themselves). */
export function describeAjvErrors(errors: AjvErrorLike[], context: string): FieldProblem[] {
  const seen = new Set<string>();
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const problem = describeAjvError(e, context);
    const key = `${problem.field}\0${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}

/** `body.models[0].x: must be integer; body.name: is required` */
export function formatFieldProblems(problems: FieldProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.message}`).join('; ');
}
