/**
 * Strato's runtime interface client for Node.js Lambda functions.
 *
 * Run as `node bootstrap.mjs` inside one execution environment. It loads the
 * handler named by _HANDLER (CommonJS or ES module) relative to
 * LAMBDA_TASK_ROOT and serves invocations through the Lambda Runtime API at
 * AWS_LAMBDA_RUNTIME_API, behaving as the AWS Node.js runtime does: the same
 * context object, callback / async / legacy done-succeed-fail semantics,
 * console format, error shapes and Runtime.* error types.
 *
 * Plain Node.js (>= 14) APIs only: it runs next to the function's own
 * node_modules and must not bring dependencies of its own.
 */

import fs from 'fs';
import net from 'net';
import Module, { createRequire } from 'module';
import path from 'path';
import { pathToFileURL } from 'url';
import util from 'util';

const require = createRequire(import.meta.url);
const API_PREFIX = '/2018-06-01/runtime';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';

// ---------------------------------------------------------------------------
// Errors the runtime reports under its own Runtime.* names

function runtimeError(name, message) {
  const error = new Error(message);
  error.name = `Runtime.${name}`;
  return error;
}

function wrapError(name, original) {
  // As AWS: the message is the original error as a string ("Error: Cannot find module ...").
  const error = runtimeError(name, String(original));
  if (name === 'UserCodeSyntaxError' && original && original.stack) error.stack = original.stack;
  return error;
}

function isErrorLike(obj) {
  return (
    obj &&
    typeof obj.name === 'string' &&
    typeof obj.message === 'string' &&
    typeof obj.stack === 'string'
  );
}

/** The body the runtime posts for an error: {errorType, errorMessage, trace}. */
function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return {
        errorType: error.name,
        errorMessage: error.message,
        trace: error.stack.split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch (_) {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function intoError(err) {
  return err instanceof Error ? err : new Error(err);
}

function withEnumerableProperties(value) {
  if (value instanceof Error) {
    const ret = Object.assign(
      { errorType: value.name, errorMessage: value.message, code: value.code },
      value,
    );
    if (typeof value.stack === 'string') ret.stack = value.stack.split('\n');
    return ret;
  }
  return value;
}

function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => withEnumerableProperties(v));
  } catch (_) {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

// ---------------------------------------------------------------------------
// console, as the AWS runtime patches it

const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');
const LEVELS = {
  TRACE: { name: 'TRACE', priority: 1 },
  DEBUG: { name: 'DEBUG', priority: 2 },
  INFO: { name: 'INFO', priority: 3 },
  WARN: { name: 'WARN', priority: 4 },
  ERROR: { name: 'ERROR', priority: 5 },
  FATAL: { name: 'FATAL', priority: 6 },
};
const JSON_LOGS = (process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';

function jsonErrorReplacer(_key, value) {
  if (value instanceof Error) {
    return Object.assign(
      {
        errorType: (value.constructor && value.constructor.name) || 'UnknownError',
        errorMessage: value.message,
        stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
      },
      value,
    );
  }
  return value;
}

function formatJsonRecord(requestId, timestamp, level, params) {
  const result = { timestamp, level: level.name, requestId };
  if (params.length === 1) {
    result.message = params[0];
    try {
      return JSON.stringify(result, jsonErrorReplacer);
    } catch (_) {
      result.message = util.format(result.message);
      return JSON.stringify(result);
    }
  }
  result.message = util.format(...params);
  for (const param of params) {
    if (param instanceof Error) {
      result.errorType = (param.constructor && param.constructor.name) || 'UnknownError';
      result.errorMessage = param.message;
      result.stackTrace = typeof param.stack === 'string' ? param.stack.split('\n') : [];
      break;
    }
  }
  return JSON.stringify(result);
}

function writeLogRecord(level, params) {
  const time = new Date().toISOString();
  const requestId = globalThis[REQUEST_ID];
  const line = JSON_LOGS
    ? formatJsonRecord(requestId, time, level, params)
    : `${time}\t${requestId}\t${level.name}\t${util.format(...params)}`;
  // One record per call: AWS turns the message's newlines into carriage returns.
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

function patchConsole() {
  const wanted = (process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase();
  const threshold = LEVELS[wanted] || LEVELS.TRACE;
  const at = (level) =>
    level.priority >= threshold.priority ? (...params) => writeLogRecord(level, params) : () => {};
  console.trace = at(LEVELS.TRACE);
  console.debug = at(LEVELS.DEBUG);
  console.info = at(LEVELS.INFO);
  console.log = console.info;
  console.warn = at(LEVELS.WARN);
  console.error = at(LEVELS.ERROR);
  console.fatal = (...params) => writeLogRecord(LEVELS.FATAL, params);
}

function logError(label, err) {
  if (JSON_LOGS) console.error(intoError(err));
  else console.error(label, toFormatted(intoError(err)));
}

// ---------------------------------------------------------------------------
// The Runtime API: one keep-alive connection

const [apiHost, apiPort] = (process.env.AWS_LAMBDA_RUNTIME_API || '127.0.0.1:9001').split(':');

// A few lines of HTTP/1.1 over one socket: node's http client costs more per request than
// the rest of a warm invocation's round trip. Requests go one at a time.
let apiSocket = null;
let pending = null; // { resolve, reject, buffer, head }

function openSocket() {
  const socket = net.connect({ host: apiHost, port: Number(apiPort) });
  // Small request/response pairs: without NODELAY, Nagle plus delayed ACK add ~40 ms.
  socket.setNoDelay(true);
  socket.on('data', (chunk) => {
    if (!pending) return;
    pending.buffer = pending.buffer.length ? Buffer.concat([pending.buffer, chunk]) : chunk;
    parseResponse();
  });
  const fail = (err) => {
    if (apiSocket === socket) apiSocket = null;
    if (pending) {
      const { reject } = pending;
      pending = null;
      reject(err || Object.assign(new Error('the Runtime API closed the connection'), { code: 'ECONNRESET' }));
    }
  };
  socket.on('error', fail);
  socket.on('close', () => fail(null));
  return socket;
}

function parseResponse() {
  const p = pending;
  if (!p.head) {
    const end = p.buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const lines = p.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    p.head = { status: Number(lines[0].split(' ')[1]), headers, length: Number(headers['content-length'] || 0) };
    p.buffer = p.buffer.subarray(end + 4);
  }
  if (p.buffer.length < p.head.length) return;
  pending = null;
  // An idle connection must not keep the event loop alive ('beforeExit' drives callbacks).
  if (apiSocket) apiSocket.unref();
  p.resolve({ status: p.head.status, headers: p.head.headers, body: p.buffer.subarray(0, p.head.length) });
}

function apiRequest(method, urlPath, body, headers, retried) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined || body === null ? Buffer.alloc(0) : Buffer.from(body);
    let head = `${method} ${API_PREFIX}${urlPath} HTTP/1.1\r\nHost: ${apiHost}\r\nContent-Length: ${payload.length}\r\n`;
    for (const [name, value] of Object.entries(headers || {})) {
      if (name.toLowerCase() !== 'content-length') head += `${name}: ${value}\r\n`;
    }
    const reused = apiSocket !== null;
    if (!apiSocket) apiSocket = openSocket();
    apiSocket.ref();
    pending = {
      resolve,
      reject: (err) => {
        // The server closed an idle keep-alive socket: retry once on a fresh one.
        if (!retried && reused) apiRequest(method, urlPath, body, headers, true).then(resolve, reject);
        else reject(err);
      },
      buffer: Buffer.alloc(0),
      head: null,
    };
    apiSocket.write(Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), payload]));
  });
}

function apiPost(urlPath, bodyString, extraHeaders) {
  const headers = Object.assign(
    { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(bodyString) },
    extraHeaders,
  );
  return apiRequest('POST', urlPath, bodyString, headers);
}

function lostRuntimeApi(err) {
  process.stderr.write(`strato runtime: lost the Runtime API (${err && err.message}); exiting\n`);
  process.exit(1);
}

// The platform relies on everything the handler printed being in the pipe before the
// response. Pipes and files are written synchronously on Linux; elsewhere wait for them.
function drainOutput() {
  const pending = [process.stdout, process.stderr].filter((s) => s.writableLength > 0);
  if (pending.length === 0) return null;
  return Promise.all(pending.map((s) => new Promise((resolve) => s.write('', resolve))));
}

function afterDrain(fn) {
  const drained = drainOutput();
  return drained ? drained.then(fn) : fn();
}

function postResponse(id, bodyString) {
  return afterDrain(() => apiPost(`/invocation/${encodeURIComponent(id)}/response`, bodyString));
}

function postError(id, error) {
  const body = toRapidResponse(error);
  return afterDrain(() =>
    apiPost(`/invocation/${encodeURIComponent(id)}/error`, JSON.stringify(body), {
      [ERROR_TYPE_HEADER]: body.errorType,
    }),
  );
}

function postInitError(error) {
  const body = toRapidResponse(error);
  return afterDrain(() =>
    apiPost('/init/error', JSON.stringify(body), { [ERROR_TYPE_HEADER]: body.errorType }),
  );
}

async function nextInvocation() {
  const res = await apiRequest('GET', '/invocation/next', undefined, {});
  if (res.status !== 200) {
    throw new Error(`GET /invocation/next answered ${res.status}: ${res.body}`);
  }
  return { body: res.body.toString('utf8'), headers: res.headers };
}

// ---------------------------------------------------------------------------
// Loading the handler, as the AWS runtime resolves it

// Node's ES module resolver ignores NODE_PATH; the AWS Node.js 18+ runtimes do not, so an
// .mjs handler can `import` the bundled SDK and layer packages. A resolve hook falls back
// to each NODE_PATH folder (named node_modules, as Lambda's are) for bare specifiers.
const ESM_FALLBACK_SOURCE = `
let parents = [];
export async function initialize(data) { parents = data.parents; }
const isBare = (s) => !/^(\\.{0,2}\\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(s);
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (!err || err.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) throw err;
    for (const parentURL of parents) {
      try { return await nextResolve(specifier, { ...context, parentURL }); } catch (_) {}
    }
    throw err;
  }
}
`;

let esmNodePathEnabled = false;

function enableEsmNodePath() {
  // Only for ES module handlers: the hook's loader thread costs ~30 ms of cold start.
  if (esmNodePathEnabled) return;
  esmNodePathEnabled = true;
  const dirs = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
  // A module inside each folder: resolving from there searches the folder itself.
  const parents = dirs.map((d) => pathToFileURL(path.join(path.resolve(d), 'index.mjs')).href);
  if (parents.length === 0 || typeof Module.register !== 'function') return; // Node < 18.19
  Module.register('data:text/javascript,' + encodeURIComponent(ESM_FALLBACK_SOURCE), {
    data: { parents },
  });
}

function hasPackageJsonTypeModule(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const pj = path.join(folder, 'package.json');
  if (fs.existsSync(pj)) {
    try {
      return JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module';
    } catch (e) {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  const parent = path.resolve(folder, '..');
  return parent === folder ? false : hasPackageJsonTypeModule(parent);
}

function tryRequireFile(file) {
  return fs.existsSync(file) ? require(file) : undefined;
}

async function tryImportFile(file) {
  if (!fs.existsSync(file)) return undefined;
  enableEsmNodePath();
  return await import(pathToFileURL(file).href);
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  const extensionless = tryRequireFile(base);
  if (extensionless) return extensionless;
  const typeModule = hasPackageJsonTypeModule(path.dirname(base));
  if (!typeModule) {
    const cjs = tryRequireFile(base + '.js');
    if (cjs) return cjs;
  }
  const loaded =
    (typeModule && (await tryImportFile(base + '.js'))) ||
    (await tryImportFile(base + '.mjs')) ||
    tryRequireFile(base + '.cjs');
  if (loaded) return loaded;
  // Fall back to Node's own resolution (e.g. a package in node_modules).
  return require(require.resolve(moduleName, { paths: [appRoot, moduleRoot] }));
}

async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw runtimeError(
      'MalformedHandlerName',
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const moduleAndHandler = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(moduleAndHandler));
  const match = moduleAndHandler.match(/^([^.]*)\.(.*)$/);
  if (!match) throw runtimeError('MalformedHandlerName', 'Bad handler');
  const [, moduleName, handlerPath] = match;

  let userModule;
  try {
    userModule = await loadModule(appRoot, moduleRoot, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw wrapError('UserCodeSyntaxError', e);
    if (e && e.code === 'MODULE_NOT_FOUND') throw wrapError('ImportModuleError', e);
    throw e;
  }
  const handler = handlerPath.split('.').reduce((obj, key) => obj && obj[key], userModule);
  if (!handler) {
    throw runtimeError('HandlerNotFound', `${fullHandler} is undefined or not exported`);
  }
  if (typeof handler !== 'function') {
    throw runtimeError('HandlerNotFound', `${fullHandler} is not a function`);
  }
  return handler;
}

// ---------------------------------------------------------------------------
// One invocation: callback, promise and done/succeed/fail, as the AWS runtime has them

// The one 'beforeExit' action: runs when the event loop has nothing left to do.
let beforeExit = () => {};
const resetBeforeExit = () => {
  beforeExit = () => {};
};

let errorCallbacks = {
  uncaughtException: (error) => postInitError(error).then(() => process.exit(129), lostRuntimeApi),
  unhandledRejection: (error) => postInitError(error).then(() => process.exit(128), lostRuntimeApi),
};

function serialize(result) {
  return JSON.stringify(result === undefined ? null : result);
}

function buildCallbackContext(id, scheduleNext) {
  let completed = false;
  let waitForEmptyEventLoop = true;
  const reportError = (err) => {
    logError('Invoke Error', err);
    postError(id, err).then(scheduleNext, lostRuntimeApi);
  };
  const complete = (result) => {
    if (completed) {
      console.error(
        'Invocation has already been reported as done. Cannot call complete more than once per invocation.',
      );
      return;
    }
    let body;
    try {
      body = serialize(result);
    } catch (_) {
      reportError(new Error('Unable to stringify response body'));
      completed = true;
      return;
    }
    completed = true;
    postResponse(id, body).then(scheduleNext, lostRuntimeApi);
  };

  const callback = (err, result) => {
    resetBeforeExit();
    if (err !== undefined && err !== null) {
      reportError(err);
    } else if (!waitForEmptyEventLoop) {
      complete(result);
    } else {
      beforeExit = () => setImmediate(() => complete(result));
    }
  };
  const done = (err, result) => {
    resetBeforeExit();
    if (err !== undefined && err !== null) reportError(err);
    else complete(result);
  };

  // Only the first of callback/done/succeed/fail counts.
  let finished = false;
  const once = (fn) =>
    function () {
      if (!finished) {
        finished = true;
        fn.apply(null, arguments);
      }
    };
  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    succeed: once((result) => done(null, result)),
    fail: once((err) => (err === undefined || err === null ? done('handled') : done(err, null))),
    done: once(done),
  };
  const markCompleted = () => {
    completed = true;
  };
  return [once(callback), context, markCompleted];
}

function parseHeaderJson(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

function attachInvokeData(context, headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  return Object.assign(context, {
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parseHeaderJson(headers['lambda-runtime-client-context'], 'ClientContext'),
    identity: parseHeaderJson(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    getRemainingTimeInMillis: () => deadline - Date.now(),
  });
}

function isPromise(obj) {
  return obj && typeof obj.then === 'function';
}

function isAsyncFunction(fn) {
  return fn.constructor && fn.constructor.name === 'AsyncFunction';
}

function scheduleIteration(handler) {
  setImmediate(() => handleOnce(handler).catch(lostRuntimeApi));
}

async function handleOnce(handler) {
  const { body, headers } = await nextInvocation();
  const id = headers['lambda-runtime-aws-request-id'];
  globalThis[REQUEST_ID] = id;
  const scheduleNext = () => scheduleIteration(handler);
  const [callback, context, markCompleted] = buildCallbackContext(id, scheduleNext);

  errorCallbacks = {
    uncaughtException: (error) => postError(id, error).then(() => process.exit(129), lostRuntimeApi),
    unhandledRejection: (error) =>
      postError(id, error).then(() => process.exit(128), lostRuntimeApi),
  };
  // Neither callback nor promise settled and the event loop ran dry.
  beforeExit = () => {
    markCompleted();
    if (isAsyncFunction(handler)) {
      const error = runtimeError(
        'NodeJsExit',
        'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
      );
      logError('Invoke Error', error);
      postError(id, error).then(scheduleNext, lostRuntimeApi);
    } else {
      postResponse(id, 'null').then(scheduleNext, lostRuntimeApi);
    }
  };

  try {
    const trace = headers['lambda-runtime-trace-id'];
    if (trace) process.env._X_AMZN_TRACE_ID = trace;
    else delete process.env._X_AMZN_TRACE_ID;
    const result = handler(JSON.parse(body), attachInvokeData(context, headers), callback);
    if (isPromise(result)) {
      result.then(context.succeed, context.fail).catch(context.fail);
    }
  } catch (err) {
    callback(err);
  }
}

// ---------------------------------------------------------------------------
// Start

patchConsole();
process.on('uncaughtException', (error) => {
  logError('Uncaught Exception', error);
  errorCallbacks.uncaughtException(error);
});
process.on('unhandledRejection', (reason, promise) => {
  const error = runtimeError('UnhandledPromiseRejection', String(reason));
  error.reason = reason;
  error.promise = promise;
  logError('Unhandled Promise Rejection', error);
  errorCallbacks.unhandledRejection(error);
});
process.on('beforeExit', () => beforeExit());

const appRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
let userHandler;
try {
  userHandler = await loadHandler(appRoot, process.env._HANDLER || '');
} catch (error) {
  logError('Uncaught Exception', error);
  await postInitError(error).catch(lostRuntimeApi);
  process.exit(129);
}
scheduleIteration(userHandler);
