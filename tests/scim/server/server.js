// A real SCIM 2.0 service provider for the IdSync SCIM connector tests and benchmark.
//
// SCIMMY does the protocol (schemas, PatchOp, Bulk, ServiceProviderConfig, errors) and
// scimmy-routers the HTTP routes; the store below is ours: an in-memory map that filters and
// pages list reads itself, because SCIMMY would build every resource before paging.
//
// Environment:
//   SCIM_TOKEN      bearer token clients must send (required)
//   SCIM_PORT       port on 127.0.0.1 (default 0: a free port chosen by the system)
//   SCIM_PORT_FILE  file the chosen port is written to once the server listens
//   SCIM_FILTER     "0" advertises filter as unsupported (delta import then falls back to full)
//   SCIM_BULK       "0" advertises bulk as unsupported
//   SCIM_TLS_CERT / SCIM_TLS_KEY   PEM files: serve HTTPS instead of HTTP
//
// Fault switches (POST /admin/faults, JSON; no auth, 127.0.0.1 only, never under /scim):
//   {"burst429": N, "retryAfter": S}  the next N SCIM requests answer 429 with Retry-After: S
//   {"error500Rate": p}               each SCIM request fails with 500 with probability p
//   {"slowMs": n, "slowRate": p}      SCIM responses (a share p of them, default all) are held
//                                     back n ms after the work is done
//   {"dropRate": p}                   the connection is cut after the work, before the answer
//   {"malformed": N}                  the next N GET answers are truncated JSON
//   {"unexpectedSchema": N}           the next N GET answers are JSON of the wrong shape
//   {"seed": n}                       seeds the random choices (reproducible runs)
// POST /admin/faults {} switches everything off. GET /admin/state dumps the store; GET
// /admin/stats counts requests, injected faults, write attempts (writes: creates, replaces,
// patches, deletes, also failed ones) and successful creates per type and externalId
// (creates); POST /admin/reset empties the store.
import http from "node:http";
import https from "node:https";
import fs from "node:fs";
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

const TOKEN = process.env.SCIM_TOKEN;
if (!TOKEN) {
  console.error("SCIM_TOKEN is not set: the server needs the bearer token clients must send");
  process.exit(2);
}

SCIMMY.Config.set({
  patch: true,
  filter: process.env.SCIM_FILTER === "0" ? 0 : 1000,
  bulk: process.env.SCIM_BULK === "0" ? 0 : {supported: true, maxOperations: 1000, maxPayloadSize: 8388608},
  sort: true,
  etag: false,
});

// ---- store ----------------------------------------------------------------------------------

const store = {Users: new Map(), Groups: new Map()};
let nextId = 1;
let lastStamp = 0;

// Strictly increasing timestamps, so that "lastModified gt <watermark>" never misses a write
// made in the same millisecond as the watermark.
function stamp() {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return new Date(lastStamp).toISOString();
}

function newId() {
  const n = (nextId++).toString(16).padStart(12, "0");
  return `2819c223-7f76-453a-919d-${n}`;
}

function conflict(message) {
  return new SCIMMY.Types.Error(409, "uniqueness", message);
}

function notFound(type, id) {
  return new SCIMMY.Types.Error(404, null, `Resource ${id} not found in ${type}`);
}

// Copies the coerced SCIMMY instance into a plain object, dropping undefined values.
function plain(instance) {
  return JSON.parse(JSON.stringify(instance));
}

// userName (lower case) → id: uniqueness in O(1), as a benchmark of 10,000 creates needs.
const userNames = new Map();

function userNameTaken(userName, exceptId) {
  const holder = userNames.get(String(userName).toLowerCase());
  return holder !== undefined && holder !== exceptId;
}

function indexUser(id, oldUser, newUser) {
  if (oldUser?.userName !== undefined) userNames.delete(String(oldUser.userName).toLowerCase());
  if (newUser?.userName !== undefined) userNames.set(String(newUser.userName).toLowerCase(), id);
}

function write(type, resource, instance) {
  stats.writes++;
  const data = plain(instance);
  delete data.id;
  delete data.meta;
  const map = store[type];
  const now = stamp();
  if (type === "Users" && data.userName !== undefined && userNameTaken(data.userName, resource.id)) {
    throw conflict(`userName "${data.userName}" is already in use`);
  }
  if (type === "Groups" && Array.isArray(data.members)) {
    // Membership is a set: adding a member twice (a retried PATCH) keeps one.
    const seen = new Set();
    data.members = data.members.filter((m) => !seen.has(m.value) && seen.add(m.value));
    for (const m of data.members) {
      if (!store.Users.has(m.value) && !store.Groups.has(m.value)) {
        throw new SCIMMY.Types.Error(400, "invalidValue", `member "${m.value}" does not exist`);
      }
    }
  }
  if (resource.id) {
    const old = map.get(resource.id);
    if (!old) throw notFound(type, resource.id);
    const updated = {...data, id: resource.id, meta: {...old.meta, lastModified: now}};
    map.set(resource.id, updated);
    if (type === "Users") indexUser(resource.id, old, updated);
    return updated;
  }
  const id = newId();
  countCreate(type, data.externalId);
  const created = {...data, id, meta: {resourceType: type === "Users" ? "User" : "Group", created: now, lastModified: now}};
  map.set(id, created);
  if (type === "Users") indexUser(id, undefined, created);
  return created;
}

function read(type, resource) {
  if (!resource.id) {
    // List reads are served by listRoute(); SCIMMY reaches here only for filters in Bulk.
    return resource.filter ? resource.filter.match([...store[type].values()]) : [...store[type].values()];
  }
  const found = store[type].get(resource.id);
  if (!found) throw notFound(type, resource.id);
  return found;
}

function dispose(type, resource) {
  stats.writes++;
  const old = store[type].get(resource.id);
  if (!store[type].delete(resource.id)) throw notFound(type, resource.id);
  if (type === "Users") indexUser(resource.id, old, undefined);
  if (type === "Users" || type === "Groups") {
    // A deleted object leaves every group it was a member of, as directories do.
    const now = stamp();
    for (const g of store.Groups.values()) {
      if (!Array.isArray(g.members)) continue;
      const kept = g.members.filter((m) => m.value !== resource.id);
      if (kept.length !== g.members.length) {
        g.members = kept;
        g.meta.lastModified = now;
      }
    }
  }
}

SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false))
  .ingress((resource, instance) => write("Users", resource, instance))
  .egress((resource) => read("Users", resource))
  .degress((resource) => dispose("Users", resource));
SCIMMY.Resources.declare(SCIMMY.Resources.Group)
  .ingress((resource, instance) => write("Groups", resource, instance))
  .egress((resource) => read("Groups", resource))
  .degress((resource) => dispose("Groups", resource));

// ---- faults ---------------------------------------------------------------------------------

// Server-side record of every create, per resource type and externalId: what a crash test
// compares to prove that no create was sent twice (GET /admin/stats: creates, writes).
function countCreate(type, externalId) {
  const key = externalId === undefined ? "" : String(externalId);
  stats.creates[type][key] = (stats.creates[type][key] ?? 0) + 1;
}

let faults = {};
let rngState = 1;
const stats = {requests: 0, byMethod: {}, injected: {429: 0, 500: 0, slow: 0, drop: 0, malformed: 0, unexpected: 0},
               creates: {Users: {}, Groups: {}}, writes: 0};

function random() {
  // xorshift32: reproducible when the test seeds it.
  rngState ^= rngState << 13;
  rngState >>>= 0;
  rngState ^= rngState >>> 17;
  rngState ^= rngState << 5;
  rngState >>>= 0;
  return rngState / 4294967296;
}

function faultMiddleware(req, res, next) {
  stats.requests++;
  stats.byMethod[req.method] = (stats.byMethod[req.method] ?? 0) + 1;
  if (req.path === "/Bulk") stats.bulk = (stats.bulk ?? 0) + 1;
  if (faults.burst429 > 0) {
    faults.burst429--;
    stats.injected[429]++;
    res.set("Retry-After", String(faults.retryAfter ?? 1));
    return res.status(429).json(scimError(429, "Too many requests: slow down"));
  }
  if (faults.error500Rate > 0 && random() < faults.error500Rate) {
    stats.injected[500]++;
    return res.status(500).json(scimError(500, "Injected internal server error"));
  }
  if (req.method === "GET" && faults.malformed > 0) {
    faults.malformed--;
    stats.injected.malformed++;
    res.set("Content-Type", "application/scim+json");
    return res.status(200).send('{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":');
  }
  if (req.method === "GET" && faults.unexpectedSchema > 0) {
    faults.unexpectedSchema--;
    stats.injected.unexpected++;
    res.set("Content-Type", "application/json");
    return res.status(200).json({status: "ok", items: [{name: "not a SCIM resource"}]});
  }
  const drop = faults.dropRate > 0 && random() < faults.dropRate;
  const slow = faults.slowMs > 0 && random() < (faults.slowRate ?? 1) ? faults.slowMs : 0;
  if (drop || slow) {
    // The work is done; only the answer is lost or late: the client cannot know the outcome.
    const end = res.end.bind(res);
    res.end = (...args) => {
      if (drop) {
        stats.injected.drop++;
        req.socket.destroy();
        return res;
      }
      stats.injected.slow++;
      setTimeout(() => end(...args), slow);
      return res;
    };
  }
  next();
}

function scimError(status, detail) {
  return {schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: String(status), detail};
}

// ---- list reads: our own filtering and paging -----------------------------------------------

function listRoute(type, schema) {
  return (req, res) => {
    try {
      let items = [...store[type].values()];
      const filter = req.query.filter;
      if (filter) {
        if (!SCIMMY.Config.get().filter.supported) {
          return res.status(403).json(scimError(403, "Filtering is not supported by this service provider"));
        }
        items = new SCIMMY.Types.Filter(String(filter)).match(items);
      }
      const total = items.length;
      const startIndex = Math.max(Number.parseInt(req.query.startIndex ?? "1", 10) || 1, 1);
      const count = Math.max(Math.min(Number.parseInt(req.query.count ?? "100", 10) || 0, 1000), 0);
      const page = items.slice(startIndex - 1, startIndex - 1 + count);
      const attributes = req.query.attributes ? new SCIMMY.Types.Filter(String(req.query.attributes).split(",").map((a) => `${a} pr`).join(" and ")) : undefined;
      const resources = page.map((r) => new schema(r, "out", `/scim/${type}`, attributes));
      res.set("Content-Type", "application/scim+json");
      res.status(200).send(JSON.stringify({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources,
      }));
    } catch (ex) {
      const status = ex instanceof SCIMMY.Types.Error ? ex.status : 400;
      res.status(status).json(scimError(status, ex.message));
    }
  };
}

// ---- the app --------------------------------------------------------------------------------

const app = express();
app.use("/admin", express.json({type: () => true}));
app.post("/admin/faults", (req, res) => {
  faults = req.body ?? {};
  if (faults.seed !== undefined) rngState = (Number(faults.seed) >>> 0) || 1;
  res.json({faults});
});
app.get("/admin/state", (req, res) => res.json({Users: [...store.Users.values()], Groups: [...store.Groups.values()]}));
app.get("/admin/stats", (req, res) => res.json(stats));
app.post("/admin/reset", (req, res) => {
  store.Users.clear();
  store.Groups.clear();
  userNames.clear();
  res.json({});
});

function authorized(req) {
  return req.header("Authorization") === `Bearer ${TOKEN}`;
}

app.use("/scim", (req, res, next) => {
  if (!authorized(req)) return res.status(401).json(scimError(401, "Bearer token missing or not valid"));
  next();
});
app.use("/scim", faultMiddleware);
const userSchema = SCIMMY.Resources.User.schema;
app.get("/scim/Users", listRoute("Users", userSchema));
app.get("/scim/Groups", listRoute("Groups", SCIMMY.Schemas.Group));
app.use("/scim", new SCIMMYRouters({
  type: "bearer",
  docUri: "https://example.invalid/idsync-scim-test-server",
  handler: (request) => {
    if (!authorized(request)) throw new Error("Bearer token missing or not valid");
    return "idsync-test";
  },
}));

const tls = process.env.SCIM_TLS_CERT && process.env.SCIM_TLS_KEY
  ? {cert: fs.readFileSync(process.env.SCIM_TLS_CERT), key: fs.readFileSync(process.env.SCIM_TLS_KEY)}
  : null;
const server = tls ? https.createServer({...tls, keepAliveTimeout: 60000}, app)
                   : http.createServer({keepAliveTimeout: 60000}, app);
server.keepAliveTimeout = 60000;
server.headersTimeout = 65000;
server.listen(Number(process.env.SCIM_PORT ?? 0), "127.0.0.1", () => {
  const port = server.address().port;
  if (process.env.SCIM_PORT_FILE) {
    fs.writeFileSync(`${process.env.SCIM_PORT_FILE}.tmp`, String(port));
    fs.renameSync(`${process.env.SCIM_PORT_FILE}.tmp`, process.env.SCIM_PORT_FILE);
  }
  console.log(`SCIM test server listening on ${tls ? "https" : "http"}://127.0.0.1:${port}/scim`);
});
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => process.exit(0));
