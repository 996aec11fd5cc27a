// The sites' worker: fetches the compact payload, reads it and clusters every site off the
// page's thread (sites-data.js), then answers the page's questions about a view's clusters.
// Its messages: {id, method, args} in, {id, answer} or {id, error} out.
import { sitesService } from "./sites-data.js";

const service = sitesService();

self.onmessage = async ({ data: { id, method, args } }) => {
  try {
    const { answer, transfer = [] } = await service[method](...args);
    self.postMessage({ id, answer }, transfer);
  } catch (error) {
    self.postMessage({ id, error: String(error?.message || error) });
  }
};
