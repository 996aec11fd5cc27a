// The network graph (sigma.js): filled in by the graph front-end work.
