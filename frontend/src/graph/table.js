// The list under the graph, rebuilt from the graph's data after a filter change (the server
// renders the first one, and the page without JavaScript): the newest links first, as many as
// the server lists (data-limit).

function cellLink(node) {
  const cell = document.createElement("td");
  if (node && node.url) {
    const link = document.createElement("a");
    link.href = node.url;
    link.textContent = node.label;
    cell.append(link);
  } else if (node) {
    cell.textContent = node.label;
  }
  return cell;
}

export function renderTable(table, payload, strings) {
  const body = table.tBodies[0];
  if (!body) return;
  const limit = Number.parseInt(table.dataset.limit, 10) || 100;
  const nodes = new Map();
  for (const { data } of payload.elements.nodes) nodes.set(data.id, data);
  const rows = [];
  for (const { data } of payload.elements.edges) {
    if (data.type !== "link") continue;
    if (rows.length >= limit) break;
    const row = document.createElement("tr");
    const what = document.createElement("td");
    what.textContent = data.product ? `${data.label} (${data.product})` : data.label;
    const status = document.createElement("td");
    status.textContent = data.status_label;
    row.append(cellLink(nodes.get(data.source)), what, cellLink(nodes.get(data.target)), status);
    rows.push(row);
  }
  if (!rows.length) {
    const row = document.createElement("tr");
    const cell = document.createElement("td");
    cell.colSpan = 4;
    cell.textContent = strings.empty;
    row.append(cell);
    rows.push(row);
  }
  body.replaceChildren(...rows);
}
