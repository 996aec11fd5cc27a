// Where the page's questions about the record's sites go (sites-data.js answers them): to a worker
// of its own on the site, so that reading and clustering 100,000 sites never holds up the page;
// on the page itself in the static mirror (a worker does not start from file://) or where a
// worker cannot start. One source per load: a newer load (other filters) closes the older.
import { sitesService } from "./sites-data.js";

export class WorkerSites {
  constructor(url) {
    this.worker = new Worker(url);
    this.calls = new Map();
    this.next = 0;
    this.worker.onmessage = ({ data: { id, answer, error } }) => {
      const call = this.calls.get(id);
      if (!call) return;
      this.calls.delete(id);
      if (error === undefined) call.resolve(answer);
      else call.reject(new Error(error));
    };
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      this.broken = true; // not started (or died): the layer asks the page instead
      this.fail(new Error(event.message || "the sites' worker failed"));
    };
  }

  ask(method, ...args) {
    if (this.closed) return Promise.reject(abortError());
    return new Promise((resolve, reject) => {
      const id = (this.next += 1);
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args });
    });
  }

  fail(error) {
    for (const call of this.calls.values()) call.reject(error);
    this.calls.clear();
  }

  close() {
    this.closed = true;
    this.worker.terminate();
    this.fail(abortError());
  }
}

class LocalSites {
  constructor() {
    this.service = sitesService();
  }

  async ask(method, ...args) {
    if (this.closed) throw abortError();
    const { answer } = await this.service[method](...args);
    if (this.closed) throw abortError();
    return answer;
  }

  close() {
    this.closed = true;
  }
}

function abortError() {
  return new DOMException("replaced by a newer load", "AbortError");
}

/** A source of the sites: in a worker from `workerUrl` when there is one, else on the page. */
export function openSites(workerUrl) {
  if (workerUrl && typeof Worker === "function") {
    try {
      return new WorkerSites(new URL(workerUrl, document.baseURI).href);
    } catch {
      // A worker refused (an old browser, a policy): the page does the work itself.
    }
  }
  return new LocalSites();
}
