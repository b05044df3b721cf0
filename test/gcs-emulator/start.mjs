#!/usr/bin/env node
// Starts the Cloud Storage emulator of firebase-tools (pinned in package.json) as a plain GCS
// JSON-API server, without Java: the Firebase security-rules runtime (a jar that needs Java 21
// and a download) is stubbed, because the GCS JSON API routes never consult rules.
//
// Usage: node start.mjs [--host 127.0.0.1] [--port 0] [--dir TEMP_FOLDER] [--exit-with-parent]
// Prints one JSON line on stdout once listening: {"host","port","pid","dir"}. Stop it with
// SIGTERM to that pid; it then deletes its blobs (and the folder, when it created it).
import {mkdtempSync, rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setInterval} from 'node:timers';
import {parseArgs} from 'node:util';

const {values} = parseArgs({
  options: {
    host: {type: 'string', default: '127.0.0.1'},
    port: {type: 'string', default: '0'},
    dir: {type: 'string'},
    project: {type: 'string', default: 'demo-test'},
    'exit-with-parent': {type: 'boolean', default: false},
  },
});

const ownDir = values.dir === undefined;
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'gcs-emulator-'));
// The emulator keeps its blobs under os.tmpdir(); give this server a folder of its own.
process.env.TMPDIR = dir;

const require = createRequire(import.meta.url);
const base = 'firebase-tools/lib/emulator/storage';
const runtime = require(`${base}/rules/runtime.js`);
const server = require(`${base}/server.js`);
const {StorageEmulator} = require(`${base}/index.js`);
const {EmulatorRegistry} = require('firebase-tools/lib/emulator/registry.js');

runtime.StorageRulesRuntime.prototype.start = async () => undefined;
runtime.StorageRulesRuntime.prototype.stop = async () => undefined;
StorageEmulator.prototype.createRulesManager = () => ({
  start: async () => new runtime.StorageRulesIssues(),
  stop: async () => undefined,
  getRuleset: () => undefined,
});

// The emulator treats port 0 as "use the default port"; capture the real server instead so the
// OS can pick a free port.
let httpServer;
const createApp = server.createApp;
server.createApp = async (...args) => {
  const app = await createApp(...args);
  const listen = app.listen.bind(app);
  app.listen = (...listenArgs) => {
    httpServer = listen(...listenArgs);
    return httpServer;
  };
  return app;
};
const requestedPort = Number(values.port);
// Bucket metadata embeds the server's URL, which the emulator looks up in its registry.
StorageEmulator.prototype.getInfo = function getInfo() {
  const port = httpServer?.address()?.port ?? requestedPort;
  return {name: this.getName(), host: values.host, port};
};

const emulator = new StorageEmulator({
  projectId: values.project,
  host: values.host,
  port: requestedPort,
  rules: [],
  auto_download: false,
});
EmulatorRegistry.set(emulator.getName(), emulator);
await emulator.start();
if (!httpServer.listening) {
  await new Promise((resolve, reject) => {
    httpServer.once('listening', resolve);
    httpServer.once('error', reject);
  });
}
const {port} = httpServer.address();
process.stdout.write(`${JSON.stringify({host: values.host, port, pid: process.pid, dir})}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  try {
    await emulator.stop();
  } finally {
    if (ownDir) rmSync(dir, {recursive: true, force: true});
    process.exit(0);
  }
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (values['exit-with-parent']) {
  // A test runner killed before its teardown must not leave a server behind.
  const parent = process.ppid;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      void stop();
    }
  }, 1000).unref();
}
