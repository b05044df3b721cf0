import {locate, type DiagnosticCollector} from '../diagnostics/collector.js';
import {describeValue, type LEntry, type LMap, type Span} from '../config/located.js';
import {
  FAILED,
  interpolateNode,
  type InterpolationContext,
  type InterpolationSink,
} from './interpolate.js';

/** One concrete stage to build: a plain stage, or one item of a foreach/matrix stage. */
export interface StageInstance {
  /** `train`, `train@us`, `train@0`, `train@us-3`. */
  readonly name: string;
  readonly body: LMap;
  /** JSON pointer of `body` in the file, to match shape errors (`/stages/train/do`). */
  readonly pointer: string;
  /** `item` and `key` for `${}`. */
  readonly locals: Readonly<Record<string, unknown>>;
  /** The stage's key in the file. */
  readonly keySpan: Span;
}

const ITEM_KEY_FORBIDDEN = /[@/\\:\s]/;

function isComposite(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

/** DVC's to_str for stage-name suffixes. */
function keyString(value: unknown): string {
  if (value === null) return 'null';
  return String(value);
}

function makeSink(file: string, diagnostics: DiagnosticCollector): InterpolationSink {
  return {
    error: (reason, message, span) => diagnostics.error(reason, message, locate(file, span)),
    // Values used by foreach/matrix lists are not tracked: they only shape the stage names.
    use: () => undefined,
  };
}

/**
 * Expands one `stages:` entry into the stages it stands for, with DVC's naming: `foreach` over a
 * list of simple values names items by value (`name@us`), over a list of mappings/lists by index
 * (`name@0`), over a mapping by key; `matrix` joins one fragment per dimension with `-`
 * (`name@linux-3`; a mapping/list value becomes `dim` + index).
 */
export function expandStage(
  entry: LEntry,
  context: InterpolationContext,
  file: string,
  diagnostics: DiagnosticCollector,
): StageInstance[] {
  const body = entry.value as LMap;
  const pointer = `/stages/${entry.key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  const foreach = body.byKey.get('foreach');
  const matrix = body.byKey.get('matrix');
  const doEntry = body.byKey.get('do');
  const sink = makeSink(file, diagnostics);
  const base = {keySpan: entry.keySpan};
  if (!foreach && !matrix) {
    if (doEntry) {
      diagnostics.error(
        'invalid-foreach',
        `Stage "${entry.key}" has "do" but no "foreach". Add "foreach:" with the items to repeat the stage for, or move the fields out of "do".`,
        locate(file, doEntry.keySpan),
      );
      return [];
    }
    return [{...base, name: entry.key, body, pointer, locals: {}}];
  }
  if (foreach && matrix) {
    diagnostics.error(
      'invalid-matrix',
      `Stage "${entry.key}" has both "foreach" and "matrix". Use one of them.`,
      locate(file, matrix.keySpan),
    );
    return [];
  }
  const seen = new Map<string, Span>();
  const uniqueName = (suffix: string, span: Span, reason: 'invalid-foreach' | 'invalid-matrix') => {
    const name = `${entry.key}@${suffix}`;
    if (suffix === '' || ITEM_KEY_FORBIDDEN.test(suffix)) {
      diagnostics.error(
        reason,
        `Item ${JSON.stringify(suffix)} cannot be part of a stage name ("${name}"): stage names may not contain "@", "/", "\\", ":" or spaces. Use simpler values, or a list of mappings (named by index).`,
        locate(file, span),
      );
      return undefined;
    }
    if (seen.has(name)) {
      diagnostics.error(
        reason,
        `Stage "${entry.key}" generates "${name}" twice. Each item must be distinct.`,
        locate(file, span),
      );
      return undefined;
    }
    seen.set(name, span);
    return name;
  };

  if (foreach) {
    const others = body.entries.filter((e) => e.key !== 'foreach' && e.key !== 'do');
    for (const other of others) {
      diagnostics.error(
        'invalid-foreach',
        `"${other.key}" cannot sit beside "foreach" in stage "${entry.key}". Move it under "do:", which holds the stage body repeated for each item.`,
        locate(file, other.keySpan),
      );
    }
    if (!doEntry || doEntry.value.kind !== 'map') {
      if (!doEntry) {
        diagnostics.error(
          'invalid-foreach',
          `Stage "${entry.key}" has "foreach" but no "do". Add "do:" with the stage body (cmd or uses, deps, outs...) that uses \${item}.`,
          locate(file, foreach.keySpan),
        );
      }
      return [];
    }
    const items = interpolateNode(foreach.value, context, sink);
    if (items === FAILED) return [];
    const instances: StageInstance[] = [];
    const doBody = doEntry.value;
    const doPointer = `${pointer}/do`;
    if (Array.isArray(items)) {
      const composite = items.some(isComposite);
      const itemNodes = foreach.value.kind === 'seq' ? foreach.value.items : [];
      items.forEach((item, index) => {
        const suffix = composite ? String(index) : keyString(item);
        const span = itemNodes[index]?.span ?? foreach.value.span;
        const name = uniqueName(suffix, span, 'invalid-foreach');
        if (name) {
          instances.push({...base, name, body: doBody, pointer: doPointer, locals: {item}});
        }
      });
      return instances;
    }
    if (typeof items === 'object' && items !== null) {
      for (const [key, item] of Object.entries(items)) {
        const keyNode = foreach.value.kind === 'map' ? foreach.value.byKey.get(key) : undefined;
        const name = uniqueName(key, keyNode?.keySpan ?? foreach.value.span, 'invalid-foreach');
        if (name) {
          instances.push({...base, name, body: doBody, pointer: doPointer, locals: {item, key}});
        }
      }
      return instances;
    }
    diagnostics.error(
      'invalid-foreach',
      `foreach must be a list, a mapping, or a \${} reference to one, but is ${describeValue(items)}. Example: foreach: [us, uk] or foreach: \${regions}.`,
      locate(file, foreach.value.span),
    );
    return [];
  }

  // matrix
  const dimensions: [string, unknown[], Span][] = [];
  const matrixNode = matrix!.value;
  if (matrixNode.kind !== 'map' || matrixNode.entries.length === 0) {
    diagnostics.error(
      'invalid-matrix',
      `matrix must be a mapping of names to lists of values, e.g. matrix: {model: [a, b], k: [2, 3]}.`,
      locate(file, matrixNode.span),
    );
    return [];
  }
  let failed = false;
  for (const dimension of matrixNode.entries) {
    const values = interpolateNode(dimension.value, context, sink);
    if (values === FAILED) {
      failed = true;
      continue;
    }
    if (!Array.isArray(values) || values.length === 0) {
      diagnostics.error(
        'invalid-matrix',
        Array.isArray(values)
          ? `matrix "${dimension.key}" has no values, so stage "${entry.key}" would generate nothing. List at least one value.`
          : `matrix "${dimension.key}" must be a list (or a \${} reference to one), but is ${describeValue(values)}. Example: ${dimension.key}: [a, b].`,
        locate(file, dimension.value.span),
      );
      failed = true;
      continue;
    }
    dimensions.push([dimension.key, values, dimension.value.span]);
  }
  if (failed) return [];
  const instances: StageInstance[] = [];
  const combine = (index: number, item: Record<string, unknown>, fragments: string[]): void => {
    if (index === dimensions.length) {
      const key = fragments.join('-');
      const name = uniqueName(key, matrixNode.span, 'invalid-matrix');
      if (name) instances.push({...base, name, body, pointer, locals: {item: {...item}, key}});
      return;
    }
    const [dimension, values] = dimensions[index]!;
    values.forEach((value, i) => {
      const fragment = isComposite(value) ? `${dimension}${i}` : keyString(value);
      combine(index + 1, {...item, [dimension]: value}, [...fragments, fragment]);
    });
  };
  combine(0, {}, []);
  return instances;
}
