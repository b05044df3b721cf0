/**
 * The shape of pipeline.yaml (and of a plain dvc.yaml), written once. `schemas/pipeline.schema.json`
 * and the precompiled validators in `pipeline-validators.generated.ts` are generated from here by
 * `generate-schemas.ts`; a drift test keeps them equal.
 *
 * The schema checks shape only. Everything that needs context (`${}` values, exactly one of
 * `cmd`/`uses`, stage names, paths, params keys) is checked by the analyzer, which gives clearer,
 * located messages. String fields therefore also accept `${...}` where a number or list is meant.
 */

/** Which file format a schema describes. */
export type PipelineFormat = 'runner' | 'dvc';

type Schema = Record<string, unknown>;

const TEMPLATE = '^\\$\\{[^}]*\\}$';

const stringOrList: Schema = {
  type: ['string', 'array'],
  items: {type: 'string'},
};

/** `path` or `{path: {cache, persist, ...}}` as in DVC. */
function outEntry(extraOptions: Schema, description: string): Schema {
  return {
    description,
    type: ['string', 'object'],
    minProperties: 1,
    maxProperties: 1,
    additionalProperties: {
      type: ['object', 'null'],
      properties: {
        cache: {type: 'boolean', description: 'False keeps the file in git instead of the cache.'},
        persist: {
          type: 'boolean',
          description: 'True keeps the previous output in place while the stage runs.',
        },
        desc: {type: 'string'},
        remote: {type: 'string'},
        push: {type: 'boolean'},
        ...extraOptions,
      },
      additionalProperties: false,
    },
  };
}

/** DVC's plot properties: accepted for compatibility, not used by the runner. */
const plotProps: Schema = {
  x: {type: ['string', 'object']},
  y: {type: ['string', 'object', 'array']},
  template: {type: 'string'},
  title: {type: 'string'},
  x_label: {type: 'string'},
  y_label: {type: 'string'},
  header: {type: 'boolean'},
};

const paramsEntry: Schema = {
  description:
    'A key of the default params file (`train.k`, or a whole section `train`), or `{other.yaml: [key, ...]}`.',
  type: ['string', 'object'],
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: {type: ['array', 'null'], items: {type: 'string'}},
};

const varsList: Schema = {
  description:
    'Values for `${}`: params files (`file.yaml` or `file.yaml:key1,key2`) or inline mappings.',
  type: 'array',
  items: {type: ['string', 'object']},
};

function stageFields(format: PipelineFormat): Schema {
  const common: Schema = {
    cmd: {
      ...stringOrList,
      description: 'Shell command(s) to run; a list runs one after the other.',
    },
    wdir: {type: 'string', description: 'Working folder; deps and outs are relative to it.'},
    deps: {
      type: 'array',
      items: {type: 'string'},
      description: 'Files or folders the stage reads.',
    },
    outs: {
      type: 'array',
      items: {$ref: '#/definitions/out'},
      description: 'Files or folders the stage writes; cached.',
    },
    metrics: {
      type: 'array',
      items: {$ref: '#/definitions/out'},
      description: 'Metrics files the stage writes.',
    },
    plots: {
      type: 'array',
      items: {$ref: '#/definitions/plot'},
      description: 'Plot data files the stage writes.',
    },
    params: {
      type: 'array',
      items: {$ref: '#/definitions/param'},
      description: 'Params the stage depends on.',
    },
    frozen: {type: 'boolean', description: 'A frozen stage is never run.'},
    always_changed: {type: 'boolean', description: 'Run the stage every time.'},
    desc: {type: 'string'},
    vars: {$ref: '#/definitions/vars'},
  };
  if (format === 'dvc') {
    return {...common, meta: {}};
  }
  return {
    ...common,
    uses: {
      type: 'string',
      description:
        'A plugin: a built-in name, `./path` to a compiled JS module, or an npm package name.',
    },
    with: {
      type: ['object', 'string'],
      description: "Params for the plugin, checked against the plugin's own schema.",
    },
    retries: retriesField('Extra attempts after a failure (overrides `defaults.retries`).'),
    timeout: timeoutField(
      'Time limit: `30s`, `10m`, `1h`, or a number of seconds (overrides `defaults.timeout`).',
    ),
  };
}

function retriesField(description: string): Schema {
  return {type: ['integer', 'string'], minimum: 0, pattern: TEMPLATE, description};
}

function timeoutField(description: string): Schema {
  return {
    type: ['number', 'string'],
    exclusiveMinimum: 0,
    pattern: '^(\\d+(\\.\\d+)?(ms|s|m|h)|\\$\\{[^}]*\\})$',
    description,
  };
}

function stageSchema(format: PipelineFormat): Schema {
  const fields = stageFields(format);
  return {
    type: 'object',
    properties: {
      ...fields,
      foreach: {
        type: ['array', 'object', 'string'],
        description: 'Generates one stage per item (`name@item`); the stage body goes in `do`.',
      },
      do: {$ref: '#/definitions/stageBody'},
      matrix: {
        type: 'object',
        additionalProperties: {type: ['array', 'string']},
        description: 'Generates one stage per combination of the listed values (`name@a-b`).',
      },
    },
    additionalProperties: false,
  };
}

/** Builds the JSON Schema of a pipeline file in the given format. */
export function buildPipelineSchema(format: PipelineFormat): Schema {
  const top: Schema = {
    stages: {
      type: 'object',
      additionalProperties: stageSchema(format),
      description: 'The stages, by name.',
    },
    vars: {$ref: '#/definitions/vars'},
    params: {
      type: ['array', 'string'],
      items: {type: 'string'},
      description: 'Default params file(s) for `${}` and stage `params` (default: params.yaml).',
    },
  };
  if (format === 'runner') {
    top['remotes'] = {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {url: {type: 'string', description: '`gs://bucket/prefix` or a folder.'}},
        required: ['url'],
        additionalProperties: false,
      },
      description: 'Remote storage for the cache, by name.',
    };
    top['default_remote'] = {type: 'string', description: 'The remote used when none is named.'};
    top['defaults'] = {
      type: 'object',
      properties: {
        retries: retriesField('Extra attempts after a failure, for stages that set no `retries`.'),
        timeout: timeoutField('Time limit for stages that set no `timeout`: `30s`, `10m`, `1h`.'),
      },
      additionalProperties: false,
      description: 'Values for every stage that does not set its own.',
    };
  } else {
    // Top-level sections of dvc.yaml the runner accepts but does not use.
    for (const key of ['metrics', 'plots', 'artifacts', 'datasets']) top[key] = {};
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: format === 'runner' ? 'pipeline.schema.json' : 'dvc-pipeline.schema.json',
    title: format === 'runner' ? 'pipeline.yaml' : 'dvc.yaml (as read by the runner)',
    type: 'object',
    properties: top,
    // `x-...` keys hold YAML anchors shared by stages (`<<: *defaults`), as in docker-compose.
    ...(format === 'runner' ? {patternProperties: {'^x-': {}}} : {}),
    additionalProperties: false,
    definitions: {
      out: outEntry({}, 'An output path, or `{path: {cache: false}}`.'),
      plot: outEntry(plotProps, 'A plot data file, or `{path: {cache: false}}`.'),
      param: paramsEntry,
      vars: varsList,
      stageBody: {
        type: 'object',
        properties: stageFields(format),
        additionalProperties: false,
        description: 'The stage body repeated for each `foreach` item.',
      },
    },
  };
}
