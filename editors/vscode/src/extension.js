'use strict';
// MaskFill for VS Code: runs `maskfill lsp` for plain-text and markdown documents.
// Plain CommonJS: no build step; `node --check src/extension.js` checks it.

const fs = require('fs');
const os = require('os');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

const SECTION = 'maskfill';
const FILL_ALL = 'maskfill.fillAll'; // the server's workspace/executeCommand command
const FILL_EVERY_MASK = 'maskfill.fillEveryMask'; // this extension's palette command
const LANGUAGES = ['plaintext', 'markdown'];

let client;
let clientStarting;
let output;

/** `~` and `~/…` expanded; anything else unchanged. */
function expandHome(value) {
  if (value === '~') return os.homedir();
  if (value.startsWith('~/')) return path.join(os.homedir(), value.slice(2));
  return value;
}

/** The settings as the extension reads them (defaults from package.json). */
function readSettings() {
  const config = vscode.workspace.getConfiguration(SECTION);
  const executable = (config.get('path') || 'maskfill').trim() || 'maskfill';
  const modelPath = config.get('modelPath');
  return {
    path: expandHome(executable),
    modelPath: typeof modelPath === 'string' && modelPath.trim() !== '' ? expandHome(modelPath.trim()) : null,
    topK: config.get('topK', 5),
    contextTokens: config.get('contextTokens', 96),
    maskTokens: Array.isArray(config.get('maskTokens')) ? config.get('maskTokens') : null,
  };
}

/** The `maskfill` section the server reads: initializationOptions, didChangeConfiguration and
 *  workspace/configuration. `null` modelPath and maskTokens mean the server's defaults. */
function serverSettings(settings) {
  const { modelPath, topK, contextTokens, maskTokens } = settings;
  return { modelPath, topK, contextTokens, maskTokens };
}

/** The executable to run, or undefined when there is none: a path with a slash must be an
 *  executable file; a bare name is looked up on PATH. */
function findExecutable(command, environment) {
  const isExecutable = (file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch (_) {
      return false;
    }
  };
  if (command.includes('/') || command.includes(path.sep)) {
    return isExecutable(command) ? command : undefined;
  }
  const folders = ((environment || process.env).PATH || '').split(path.delimiter).filter(Boolean);
  const names = process.platform === 'win32' ? [command, command + '.exe'] : [command];
  for (const folder of folders) {
    for (const name of names) {
      const candidate = path.join(folder, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function serverOptions(executable) {
  return { command: executable, args: ['lsp'] };
}

function clientOptions(settings) {
  return {
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    initializationOptions: { maskfill: serverSettings(settings) },
    outputChannel: output,
    middleware: {
      workspace: {
        // The server asks for the `maskfill` section; answer with what it understands
        // (not `path`, and null rather than an empty modelPath).
        configuration: (params) =>
          params.items.map((item) => (item.section === SECTION ? serverSettings(readSettings()) : null)),
      },
    },
  };
}

/** Starts the language server, or says why it cannot. Resolves to the client or undefined. */
async function startClient() {
  const settings = readSettings();
  const executable = findExecutable(settings.path);
  if (!executable) {
    vscode.window.showErrorMessage(
      `MaskFill: cannot find the maskfill executable "${settings.path}". Build it (swift build -c release) ` +
        'and put .build/release/maskfill on PATH, or set "maskfill.path" to its full path.'
    );
    return undefined;
  }
  const created = new LanguageClient('maskfill', 'MaskFill', serverOptions(executable), clientOptions(settings));
  try {
    await created.start();
  } catch (error) {
    vscode.window.showErrorMessage(`MaskFill: the language server did not start: ${error && error.message ? error.message : error}`);
    return undefined;
  }
  client = created;
  return created;
}

async function stopClient() {
  const running = client;
  client = undefined;
  if (running) await running.stop();
}

async function restartClient() {
  await stopClient();
  clientStarting = startClient();
  return clientStarting;
}

/** "MaskFill: Fill every mask": the server's maskfill.fillAll for the active document; the
 *  server sends the edits back as workspace/applyEdit, which the client applies. */
async function fillEveryMask() {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !LANGUAGES.includes(editor.document.languageId)) {
    vscode.window.showWarningMessage('MaskFill: open a plain-text or markdown document first.');
    return undefined;
  }
  await clientStarting;
  if (!client) {
    vscode.window.showErrorMessage('MaskFill: the language server is not running (see the MaskFill output).');
    return undefined;
  }
  try {
    const result = await client.sendRequest('workspace/executeCommand', {
      command: FILL_ALL,
      arguments: [editor.document.uri.toString()],
    });
    const masks = (result && result.masks) || 0;
    const filled = (result && result.filled) || 0;
    if (masks === 0) {
      vscode.window.showInformationMessage('MaskFill: there are no masks in this document.');
    } else if (result.applied) {
      vscode.window.showInformationMessage(`MaskFill: filled ${filled} of ${masks} masks.`);
    } else {
      vscode.window.showWarningMessage(`MaskFill: nothing was filled${result.failureReason ? `: ${result.failureReason}` : '.'}`);
    }
    return result;
  } catch (error) {
    vscode.window.showErrorMessage(`MaskFill: filling the masks failed: ${error && error.message ? error.message : error}`);
    return undefined;
  }
}

function onConfigurationChanged(event) {
  if (event.affectsConfiguration(`${SECTION}.path`)) {
    return restartClient();
  }
  if (event.affectsConfiguration(SECTION) && client) {
    return client.sendNotification('workspace/didChangeConfiguration', {
      settings: { maskfill: serverSettings(readSettings()) },
    });
  }
  return undefined;
}

async function activate(context) {
  output = vscode.window.createOutputChannel('MaskFill');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand(FILL_EVERY_MASK, fillEveryMask),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged)
  );
  clientStarting = startClient();
  await clientStarting;
}

function deactivate() {
  return stopClient();
}

module.exports = {
  activate,
  deactivate,
  // For the tests.
  _internal: { readSettings, serverSettings, findExecutable, serverOptions, clientOptions, fillEveryMask, expandHome },
};
