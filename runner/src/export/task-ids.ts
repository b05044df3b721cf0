/**
 * Maps stage names (`train@us-3`) to the identifiers an engine accepts, one-to-one and in a
 * stable way: names are taken in the given order and a collision gets `<sep>2`, `<sep>3`...
 */
export function uniqueIds(
  names: readonly string[],
  sanitize: (name: string) => string,
  options: {
    readonly separator: string;
    readonly taken?: ReadonlySet<string>;
    readonly fold?: boolean;
  },
): Map<string, string> {
  const key = (id: string): string => (options.fold ? id.toLowerCase() : id);
  const used = new Set([...(options.taken ?? [])].map(key));
  const ids = new Map<string, string>();
  for (const name of names) {
    const base = sanitize(name);
    let id = base;
    for (let n = 2; used.has(key(id)); n++) id = `${base}${options.separator}${n}`;
    used.add(key(id));
    ids.set(name, id);
  }
  return ids;
}

const PYTHON_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except ' +
    'finally for from global if import in is lambda nonlocal not or pass raise return try while ' +
    'with yield match case type _'
  ).split(' '),
);

/** Python identifiers: `train@us-3` -> `train_us_3`; keywords and `taken` names get a suffix. */
export function pythonIds(
  names: readonly string[],
  taken: ReadonlySet<string>,
): Map<string, string> {
  const sanitize = (name: string): string => {
    let id = name.replace(/[^A-Za-z0-9_]+/g, '_');
    if (!/^[A-Za-z_]/.test(id)) id = `stage_${id}`;
    return PYTHON_KEYWORDS.has(id) ? `${id}_stage` : id;
  };
  return uniqueIds(names, sanitize, {
    separator: '_',
    taken: new Set([...taken, ...PYTHON_KEYWORDS]),
  });
}

/**
 * Lower-case DNS labels (`[a-z0-9-]`, starting and ending alphanumeric, at most 63 characters),
 * as Kubernetes pod names and Argo task names need.
 */
export function dnsLabels(
  names: readonly string[],
  taken: ReadonlySet<string> = new Set(),
): Map<string, string> {
  const sanitize = (name: string): string => {
    const id = name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 56)
      .replace(/-+$/, '');
    return id === '' ? 'stage' : id;
  };
  return uniqueIds(names, sanitize, {separator: '-', taken, fold: true});
}

/** GitHub Actions job ids: a letter or `_` first, then letters, digits, `-` and `_`. */
export function githubJobIds(names: readonly string[]): Map<string, string> {
  const sanitize = (name: string): string => {
    const id = name.replace(/[^A-Za-z0-9_-]+/g, '-');
    return /^[A-Za-z_]/.test(id) ? id : `stage-${id}`;
  };
  // GitHub compares job ids without regard to case.
  return uniqueIds(names, sanitize, {separator: '-', fold: true});
}
