'use strict';
// Unit tests for src/extension.js with stub `vscode` and `vscode-languageclient/node` modules
// (neither is installed here: the extension is checked without network).
//   node --test test/extension.test.js

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');

// --- Stubs --------------------------------------------------------------------------------

const state = {
  settings: {},
  commands: new Map(),
  configurationListeners: [],
  messages: [],
  clients: [],
  activeTextEditor: undefined,
  fillResult: { applied: true, filled: 2, masks: 2 },
};

function disposable() {
  return { dispose() {} };
}

const vscodeStub = {
  workspace: {
    getConfiguration(section) {
      assert.equal(section, 'maskfill');
      return {
        get(key, fallback) {
          return Object.prototype.hasOwnProperty.call(state.settings, key) ? state.settings[key] : fallback;
        },
      };
    },
    onDidChangeConfiguration(listener) {
      state.configurationListeners.push(listener);
      return disposable();
    },
  },
  commands: {
    registerCommand(id, handler) {
      assert.ok(!state.commands.has(id), `command ${id} registered twice`);
      state.commands.set(id, handler);
      return disposable();
    },
  },
  window: {
    get activeTextEditor() {
      return state.activeTextEditor;
    },
    createOutputChannel(name) {
      return { name, appendLine() {}, dispose() {} };
    },
    showErrorMessage(message) {
      state.messages.push({ level: 'error', message });
    },
    showWarningMessage(message) {
      state.messages.push({ level: 'warning', message });
    },
    showInformationMessage(message) {
      state.messages.push({ level: 'info', message });
    },
  },
};

class LanguageClientStub {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions });
    this.requests = [];
    this.notifications = [];
    this.started = false;
    this.stopped = false;
    state.clients.push(this);
  }
  async start() {
    this.started = true;
  }
  async stop() {
    this.stopped = true;
  }
  async sendRequest(method, params) {
    this.requests.push({ method, params });
    return state.fillResult;
  }
  async sendNotification(method, params) {
    this.notifications.push({ method, params });
  }
}

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'vscode') return vscodeStub;
  if (request === 'vscode-languageclient/node') return { LanguageClient: LanguageClientStub };
  return originalLoad.call(this, request, parent, isMain);
};

const extensionPath = path.join(__dirname, '..', 'src', 'extension.js');

/** A fresh copy of the extension module, as VS Code loads it. */
function loadExtension() {
  delete require.cache[require.resolve(extensionPath)];
  return require(extensionPath);
}

function reset(settings) {
  state.settings = settings || {};
  state.commands = new Map();
  state.configurationListeners = [];
  state.messages = [];
  state.clients = [];
  state.activeTextEditor = undefined;
}

const folders = [];
test.after(() => {
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
});

/** A folder with an executable file called `maskfill`. */
function fakeExecutable() {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'maskfill-vscode-'));
  folders.push(folder);
  const file = path.join(folder, 'maskfill');
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(file, 0o755);
  return { folder, file };
}

async function activate(settings) {
  reset(settings);
  const extension = loadExtension();
  const context = { subscriptions: [] };
  await extension.activate(context);
  return { extension, context };
}

function editor(languageId, uri) {
  return { document: { languageId, uri: { toString: () => uri } } };
}

// --- Tests --------------------------------------------------------------------------------

test('package.json declares activation, settings and the command', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  assert.deepEqual(manifest.activationEvents.sort(), ['onLanguage:markdown', 'onLanguage:plaintext']);
  assert.equal(manifest.main, './src/extension.js');
  assert.ok(fs.existsSync(path.join(__dirname, '..', manifest.main)));
  assert.ok(manifest.engines.vscode);
  assert.ok(manifest.dependencies['vscode-languageclient']);
  const properties = manifest.contributes.configuration.properties;
  assert.deepEqual(Object.keys(properties).sort(),
    ['maskfill.contextTokens', 'maskfill.maskTokens', 'maskfill.modelPath', 'maskfill.path', 'maskfill.topK']);
  assert.equal(properties['maskfill.path'].default, 'maskfill');
  assert.equal(properties['maskfill.modelPath'].default, null);
  assert.equal(properties['maskfill.topK'].default, 5);
  assert.equal(properties['maskfill.topK'].minimum, 1);
  assert.equal(properties['maskfill.topK'].maximum, 50);
  // The server's ranges (ServerConfiguration.swift), so the settings editor refuses what it would.
  assert.equal(properties['maskfill.contextTokens'].default, 96);
  assert.equal(properties['maskfill.contextTokens'].minimum, 16);
  assert.equal(properties['maskfill.contextTokens'].maximum, 4096);
  assert.equal(properties['maskfill.maskTokens'].default, null);
  assert.equal(properties['maskfill.maskTokens'].minItems, 1);
  assert.ok(new RegExp(properties['maskfill.maskTokens'].items.pattern).test('<mask>'));
  assert.ok(!new RegExp(properties['maskfill.maskTokens'].items.pattern).test('a b'));
  const commands = manifest.contributes.commands;
  assert.equal(commands.length, 1);
  assert.equal(`${commands[0].category}: ${commands[0].title}`, 'MaskFill: Fill every mask');
  assert.equal(commands[0].command, 'maskfill.fillEveryMask');
  // The server's own command is registered by vscode-languageclient; ours must not clash.
  assert.notEqual(commands[0].command, 'maskfill.fillAll');
  const ignore = fs.readFileSync(path.join(__dirname, '..', '.vscodeignore'), 'utf8');
  assert.match(ignore, /^test\/\*\*$/m);
});

test('activation starts `maskfill lsp` from PATH for plain text and markdown', async () => {
  const { folder, file } = fakeExecutable();
  const savedPath = process.env.PATH;
  process.env.PATH = folder + path.delimiter + savedPath;
  try {
    const { context } = await activate({});
    assert.equal(state.clients.length, 1);
    const client = state.clients[0];
    assert.equal(client.id, 'maskfill');
    assert.ok(client.started);
    assert.deepEqual(client.serverOptions, { command: file, args: ['lsp'] });
    const selector = client.clientOptions.documentSelector;
    assert.deepEqual([...new Set(selector.map((s) => s.language))].sort(), ['markdown', 'plaintext']);
    assert.ok(selector.every((s) => s.scheme === 'file' || s.scheme === 'untitled'));
    assert.deepEqual(client.clientOptions.initializationOptions,
      { maskfill: { modelPath: null, topK: 5, contextTokens: 96, maskTokens: null } });
    assert.ok(state.commands.has('maskfill.fillEveryMask'));
    assert.equal(context.subscriptions.length, 3);
    assert.deepEqual(state.messages, []);
  } finally {
    process.env.PATH = savedPath;
  }
});

test('maskfill.path, modelPath, topK, contextTokens and maskTokens from the settings reach the server', async () => {
  const { file } = fakeExecutable();
  await activate({ path: file, modelPath: '~/models/maskfill-mini', topK: 12, contextTokens: 256, maskTokens: ['___', '<mask>'] });
  const client = state.clients[0];
  assert.deepEqual(client.serverOptions, { command: file, args: ['lsp'] });
  const expected = { modelPath: path.join(os.homedir(), 'models/maskfill-mini'), topK: 12, contextTokens: 256, maskTokens: ['___', '<mask>'] };
  assert.deepEqual(client.clientOptions.initializationOptions, { maskfill: expected });
  // workspace/configuration pulls get the same section, without `path`.
  const answer = client.clientOptions.middleware.workspace.configuration(
    { items: [{ section: 'maskfill' }, { section: 'other' }] },
    undefined,
    () => assert.fail('not passed on')
  );
  assert.deepEqual(answer, [expected, null]);
});

test('a missing executable is reported and nothing is started', async () => {
  await activate({ path: '/nonexistent/bin/maskfill' });
  assert.equal(state.clients.length, 0);
  assert.equal(state.messages.length, 1);
  assert.equal(state.messages[0].level, 'error');
  assert.match(state.messages[0].message, /cannot find the maskfill executable "\/nonexistent\/bin\/maskfill"/);
  assert.match(state.messages[0].message, /maskfill\.path/);
});

test('"MaskFill: Fill every mask" executes maskfill.fillAll for the active document', async () => {
  const { file } = fakeExecutable();
  await activate({ path: file });
  const client = state.clients[0];
  state.activeTextEditor = editor('markdown', 'file:///notes/review.md');
  const result = await state.commands.get('maskfill.fillEveryMask')();
  assert.deepEqual(result, state.fillResult);
  assert.deepEqual(client.requests, [
    { method: 'workspace/executeCommand', params: { command: 'maskfill.fillAll', arguments: ['file:///notes/review.md'] } },
  ]);
  assert.deepEqual(state.messages, [{ level: 'info', message: 'MaskFill: filled 2 of 2 masks.' }]);

  // Not in a text or markdown document: nothing is sent.
  state.messages = [];
  state.activeTextEditor = editor('javascript', 'file:///x.js');
  await state.commands.get('maskfill.fillEveryMask')();
  assert.equal(client.requests.length, 1);
  assert.equal(state.messages[0].level, 'warning');
});

test('changed settings are sent to the server; a changed path restarts it', async () => {
  const { file } = fakeExecutable();
  await activate({ path: file, topK: 5 });
  const first = state.clients[0];
  assert.equal(state.configurationListeners.length, 1);
  const listener = state.configurationListeners[0];

  state.settings.topK = 8;
  await listener({ affectsConfiguration: (section) => section === 'maskfill' || section === 'maskfill.topK' });
  assert.deepEqual(first.notifications, [
    { method: 'workspace/didChangeConfiguration', params: { settings: { maskfill: { modelPath: null, topK: 8, contextTokens: 96, maskTokens: null } } } },
  ]);

  const other = fakeExecutable();
  state.settings.path = other.file;
  await listener({ affectsConfiguration: (section) => section === 'maskfill' || section === 'maskfill.path' });
  assert.ok(first.stopped);
  assert.equal(state.clients.length, 2);
  assert.equal(state.clients[1].serverOptions.command, other.file);
  assert.ok(state.clients[1].started);
});

test('deactivate stops the client', async () => {
  const { file } = fakeExecutable();
  const { extension } = await activate({ path: file });
  await extension.deactivate();
  assert.ok(state.clients[0].stopped);
});
